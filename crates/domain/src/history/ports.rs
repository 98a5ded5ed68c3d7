//! The `CheckHistory` port: reading checks and downtime windows back.

use std::future::Future;

use time::OffsetDateTime;

use super::{
    CheckCursor, CheckPage, Expiring, Grain, PageLimit, RollupError, RollupMarks, StatsInput,
    TimeRange,
};
use crate::checks::SiteCertificate;
use crate::regions::{RegionName, RegionVerdict};
use crate::website::BoxError;
use crate::{DowntimeWindow, Website, WebsiteId};

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("website {0} not found")]
    NotFound(WebsiteId),
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

impl From<crate::website::SiteCountsError> for HistoryError {
    fn from(error: crate::website::SiteCountsError) -> Self {
        match error {
            crate::website::SiteCountsError::Unavailable(e) => Self::Unavailable(e),
            crate::website::SiteCountsError::Unknown(e) => Self::Unknown(e),
        }
    }
}

impl From<crate::alerting::AlertStoreError> for HistoryError {
    fn from(error: crate::alerting::AlertStoreError) -> Self {
        match error {
            crate::alerting::AlertStoreError::Unavailable(e) => Self::Unavailable(e),
            crate::alerting::AlertStoreError::Unknown(e) => Self::Unknown(e),
        }
    }
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait CheckHistory: Send + Sync + 'static {
    /// Checks of `id` with `timestamp` in `range` (made from `region` when one is given),
    /// newest first, strictly after `cursor` in that order, at most `limit`.
    fn list_checks(
        &self,
        id: WebsiteId,
        range: TimeRange,
        limit: PageLimit,
        cursor: Option<CheckCursor>,
        region: Option<RegionName>,
    ) -> impl Future<Output = Result<CheckPage, HistoryError>> + Send;

    /// The site's creation time, its checks in `range` (only those made from `region` when one
    /// is given; raw checks and roll-ups alike) and the windows overlapping it.
    fn stats_input(
        &self,
        id: WebsiteId,
        range: TimeRange,
        region: Option<RegionName>,
    ) -> impl Future<Output = Result<StatsInput, HistoryError>> + Send;

    /// A page of websites (ordered by id, after `after`), each with its stats input for `range`
    /// (which must have both ends; checks from `region` only when one is given).
    fn stats_inputs(
        &self,
        range: TimeRange,
        after: Option<WebsiteId>,
        limit: PageLimit,
        region: Option<RegionName>,
    ) -> impl Future<Output = Result<Vec<(Website, StatsInput)>, HistoryError>> + Send;

    /// Every website, ordered by id, with its downtime windows overlapping `range` and — only
    /// when `region` is given — the checks made from that region in `range` (without a region
    /// the checks are left empty: the quorum's report needs none).
    fn sla_input(
        &self,
        range: TimeRange,
        region: Option<RegionName>,
    ) -> impl Future<Output = Result<Vec<(Website, StatsInput)>, HistoryError>> + Send;

    /// Downtime windows of `id` that overlap `range` (open ones included), oldest first.
    fn list_downtimes(
        &self,
        id: WebsiteId,
        range: TimeRange,
    ) -> impl Future<Output = Result<Vec<DowntimeWindow>, HistoryError>> + Send;

    /// The certificate a check last read from `id` (`None`: none yet, or not HTTPS).
    fn certificate(
        &self,
        id: WebsiteId,
    ) -> impl Future<Output = Result<Option<SiteCertificate>, HistoryError>> + Send;

    /// Each region's latest verdict on `id` (kept for sites that chose regions).
    fn region_verdicts(
        &self,
        id: WebsiteId,
    ) -> impl Future<Output = Result<Vec<RegionVerdict>, HistoryError>> + Send;
}

/// Roll-up storage for the retention job. Every method works on a batch of at most `sites`
/// websites with ids after `after`, and returns the last website id of the batch — `None` when
/// there is no website after `after`, which ends the pass.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait RollupStore: Send + Sync + 'static {
    fn rollup_marks(&self) -> impl Future<Output = Result<RollupMarks, RollupError>> + Send;

    /// Where rolling up `grain` could start: the oldest raw check (hours) or the oldest hourly
    /// roll-up (days).
    fn oldest_source(
        &self,
        grain: Grain,
    ) -> impl Future<Output = Result<Option<OffsetDateTime>, RollupError>> + Send;

    /// Rolls up the bucket of `grain` starting at `start` for a batch of websites, replacing
    /// their rows for that bucket (a site without checks in it ends up with no row).
    fn roll_up(
        &self,
        grain: Grain,
        start: OffsetDateTime,
        after: Option<WebsiteId>,
        sites: usize,
    ) -> impl Future<Output = Result<Option<WebsiteId>, RollupError>> + Send;

    fn set_rolled_through(
        &self,
        grain: Grain,
        through: OffsetDateTime,
    ) -> impl Future<Output = Result<(), RollupError>> + Send;

    /// Deletes `what` older than `before` for a batch of websites; the count is rows deleted.
    fn delete_before(
        &self,
        what: Expiring,
        before: OffsetDateTime,
        after: Option<WebsiteId>,
        sites: usize,
    ) -> impl Future<Output = Result<Option<(WebsiteId, u64)>, RollupError>> + Send;
}
