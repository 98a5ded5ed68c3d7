//! The `CheckHistory` port: reading checks and downtime windows back.

use std::future::Future;

use super::{CheckCursor, CheckPage, PageLimit, StatsInput, TimeRange};
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

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait CheckHistory: Send + Sync + 'static {
    /// Checks of `id` with `timestamp` in `range`, newest first, strictly after `cursor` in that
    /// order, at most `limit`.
    fn list_checks(
        &self,
        id: WebsiteId,
        range: TimeRange,
        limit: PageLimit,
        cursor: Option<CheckCursor>,
    ) -> impl Future<Output = Result<CheckPage, HistoryError>> + Send;

    /// The site's creation time, its checks in `range` and the windows overlapping it.
    fn stats_input(
        &self,
        id: WebsiteId,
        range: TimeRange,
    ) -> impl Future<Output = Result<StatsInput, HistoryError>> + Send;

    /// Every website with its downtime windows overlapping `range`, ordered by id.
    fn sla_input(
        &self,
        range: TimeRange,
    ) -> impl Future<Output = Result<Vec<(Website, Vec<DowntimeWindow>)>, HistoryError>> + Send;

    /// Downtime windows of `id` that overlap `range` (open ones included), oldest first.
    fn list_downtimes(
        &self,
        id: WebsiteId,
        range: TimeRange,
    ) -> impl Future<Output = Result<Vec<DowntimeWindow>, HistoryError>> + Send;
}
