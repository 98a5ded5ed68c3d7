//! `DueCheck`: "check website X, due at T" — the job the schedule hands to the worker.

use lookout_domain::WebsiteId;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// One check that has come due. Small and serialisable, as apalis jobs are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueCheck {
    pub website_id: i64,
    /// When the check was due (wall clock, UTC); lateness is measured against it.
    #[serde(with = "time::serde::rfc3339")]
    pub due_at: OffsetDateTime,
}

impl DueCheck {
    pub fn new(website_id: WebsiteId, due_at: OffsetDateTime) -> Self {
        Self { website_id: website_id.get(), due_at }
    }
}
