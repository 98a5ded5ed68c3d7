//! The `DashboardReader` port: the reads the dashboard needs that statistics do not — a page of
//! sites in a listing's order, per-bucket sums, and many sites' windows at once.

use std::collections::HashMap;
use std::future::Future;

use time::OffsetDateTime;

use super::{Bucket, OverviewQuery};
use crate::history::{Grain, HistoryError, StoredCheck};
use crate::{DowntimeWindow, SiteState, Website, WebsiteId};

/// A site as a listing shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedSite {
    pub website: Website,
    /// `Verdict::listed_state` of the site.
    pub state: SiteState,
    pub last_check: Option<StoredCheck>,
}

/// One page of a listing, and how many sites match in all.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SitePage {
    pub total: u64,
    pub sites: Vec<ListedSite>,
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait DashboardReader: Send + Sync + 'static {
    /// The sites matching `query` (search in name or URL, state), in its order, its page only.
    fn site_page(
        &self,
        query: &OverviewQuery,
    ) -> impl Future<Output = Result<SitePage, HistoryError>> + Send;

    /// The sites among `ids` that exist, each with its listed state and latest check (in no
    /// particular order).
    fn listed_sites(
        &self,
        ids: &[WebsiteId],
    ) -> impl Future<Output = Result<Vec<ListedSite>, HistoryError>> + Send;

    /// The checks of `ids` summed per `grain` bucket over `[from, to)`, oldest first; buckets
    /// without checks are left out.
    fn series(
        &self,
        ids: &[WebsiteId],
        from: OffsetDateTime,
        to: OffsetDateTime,
        grain: Grain,
    ) -> impl Future<Output = Result<HashMap<WebsiteId, Vec<Bucket>>, HistoryError>> + Send;

    /// The downtime windows of `ids` overlapping `[from, to)` (open ones included).
    fn windows_of(
        &self,
        ids: &[WebsiteId],
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> impl Future<Output = Result<HashMap<WebsiteId, Vec<DowntimeWindow>>, HistoryError>> + Send;
}
