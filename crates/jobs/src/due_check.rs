//! `DueCheck`: "check website X, due at T" — the job a schedule hands to the worker.

use std::future::Future;
use std::sync::Arc;

use futures::Stream;
use lookout_domain::CheckTarget;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tokio::time::Instant;

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

/// A schedule the worker pulls due checks from.
pub(crate) trait NextDue: Send + 'static {
    /// Waits for the next due check.
    fn next_due(&mut self) -> impl Future<Output = DueCheck> + Send;
}

/// A schedule as an endless stream of due checks.
pub(crate) fn due_stream<S: NextDue>(source: S) -> impl Stream<Item = DueCheck> + Send {
    futures::stream::unfold(source, |mut source| async move {
        let due = source.next_due().await;
        Some((due, source))
    })
}

/// Sleeps until `wake`, or for ever when there is nothing to wake for.
pub(crate) async fn sleep_until(wake: Option<Instant>) {
    match wake {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
