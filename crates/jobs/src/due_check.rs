//! `DueCheck`: "check website X, due at T" — the job the schedule hands to the worker.

use std::sync::Arc;

use lookout_domain::CheckTarget;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// One check that has come due. Small and serialisable, as apalis jobs are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueCheck {
    pub target: Arc<CheckTarget>,
    /// When the check was due (wall clock, UTC); lateness is measured against it.
    #[serde(with = "time::serde::rfc3339")]
    pub due_at: OffsetDateTime,
}
