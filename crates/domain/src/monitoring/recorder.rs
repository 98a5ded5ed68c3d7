//! The `CheckRecorder` port: store a check and apply its downtime transition atomically.

use std::future::Future;
use std::time::Duration;

use time::OffsetDateTime;

use crate::MonitorCheck;
use crate::website::BoxError;

/// What recording a check did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordedCheck {
    /// Stored; the site's downtime changed as described. `recheck_after`: the site's alert
    /// policy wants the result confirmed (it disagrees with the site's incident state, not yet
    /// often enough), so the site is checked again this soon instead of a whole interval later.
    Stored { window: AppliedTransition, recheck_after: Option<Duration> },
    /// Not stored: the site was deleted or disabled while the check ran.
    SiteGone,
    /// Not stored yet: the database is unavailable and the recorder holds the check; it is
    /// written, and its downtime transition applied, when the database returns.
    Buffered,
}

/// The downtime change a stored check caused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppliedTransition {
    Opened { at: OffsetDateTime },
    Closed { started: OffsetDateTime, ended: OffsetDateTime, duration: Duration },
    Unchanged,
}

/// The check could not be stored.
#[derive(Debug, thiserror::Error)]
pub enum RecordCheckError {
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error("the recorder has stopped")]
    Stopped,
    #[error(transparent)]
    Unknown(BoxError),
}

/// Stores checks. Implementations may batch many checks into one transaction; each check and
/// its downtime transition are still applied atomically.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait CheckRecorder: Send + Sync + 'static {
    fn record_check(
        &self,
        check: MonitorCheck,
    ) -> impl Future<Output = Result<RecordedCheck, RecordCheckError>> + Send;
}
