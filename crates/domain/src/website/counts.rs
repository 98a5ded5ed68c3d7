//! The `SiteCounter` port: how many sites are in each state right now (the `lookout_sites`
//! gauges).

use std::future::Future;

use super::BoxError;

/// Sites by state (`Verdict::listed_state`): `enabled` = `up` + `degraded` + `down` + `unknown`;
/// `disabled` sites are paused whatever their last check said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SiteCounts {
    pub enabled: u64,
    pub disabled: u64,
    /// Enabled sites with an open downtime window, or whose latest check failed.
    pub down: u64,
    /// Enabled sites whose latest check was available and not degraded.
    pub up: u64,
    /// Enabled sites, not down, whose latest check was degraded.
    pub degraded: u64,
    /// Enabled sites never checked.
    pub unknown: u64,
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
