//! The `SiteCounter` port: how many sites are enabled, disabled and down right now (the
//! `lookout_sites` gauges).

use std::future::Future;

use super::BoxError;

/// Sites by state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SiteCounts {
    pub enabled: u64,
    pub disabled: u64,
    /// Sites with an open downtime window.
    pub down: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum SiteCountsError {
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

/// Counts the sites kept in storage.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait SiteCounter: Send + Sync + 'static {
    fn site_counts(&self) -> impl Future<Output = Result<SiteCounts, SiteCountsError>> + Send;
}
