//! `DueCheck`: "check website X, due at T" — the job a schedule hands to the worker.

use std::sync::Arc;

use lookout_domain::CheckTarget;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::SlotLease;

/// One check that has come due. Small and serialisable, as apalis jobs are.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DueCheck {
    pub target: Arc<CheckTarget>,
    /// When the check was due (wall clock, UTC); lateness is measured against it.
    #[serde(with = "time::serde::rfc3339")]
    pub due_at: OffsetDateTime,
    /// The shared schedule's lease on this slot (none in the local schedule). The slot is
    /// handed back when the last clone of the job is dropped.
    #[serde(skip)]
    pub lease: Option<Arc<SlotLease>>,
}

impl DueCheck {
    /// A check of the local schedule (no lease).
    pub fn local(target: Arc<CheckTarget>, due_at: OffsetDateTime) -> Self {
        Self { target, due_at, lease: None }
    }
}
