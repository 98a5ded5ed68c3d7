//! How results go back to the shared schedule: a [`SharedTicket`] travels with each claimed
//! slot; the worker hands it back with the check's result, and the slot's release (the breaker
//! and next due time, in the database's clock) joins the queue the releaser writes in batches —
//! unless the slot was claimed elided and the check left its row as the claim wrote it (the
//! domain's `SlotRelease::is_needed`): then there is nothing to write.
//! A check made alone while the database was out of reach goes back to the node's own table.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use lookout_domain::monitoring::{SlotHold, SlotRelease};
use lookout_domain::{CheckResult, CircuitBreaker, DueCheck, WebsiteId};
use time::OffsetDateTime;
use tokio::sync::mpsc;

use crate::due_check::SlotReturns;

/// The shared schedule's hold on a slot handed out.
#[derive(Debug)]
pub enum SharedTicket {
    /// A slot claimed from the database.
    Claimed {
        /// The slot as the database knows it (its clock), to match the release to the claim.
        slot: OffsetDateTime,
        /// Under a lease, or elided (with the next due time the claim wrote).
        hold: SlotHold,
        /// The database's clock minus this node's: turns the next due time into the former.
        clock_offset: time::Duration,
    },
    /// A slot of a site this node checks on its own while the database is out of reach.
    Alone,
}

/// Where results go, and how many slots this node holds.
#[derive(Debug, Clone)]
pub struct SharedReturns {
    pub(crate) releases: mpsc::UnboundedSender<SlotRelease>,
    /// Breakers after checks made alone, for the node's own table.
    pub(crate) alone: mpsc::UnboundedSender<(WebsiteId, CircuitBreaker)>,
    pub(crate) counts: HeldCounts,
}

/// Slots this node holds, waiting or running; and of those, the ones running.
#[derive(Debug, Clone, Default)]
pub(crate) struct HeldCounts {
    pub(crate) held: Arc<AtomicUsize>,
    pub(crate) running: Arc<AtomicUsize>,
}

impl HeldCounts {
    pub(crate) fn claimed(&self, count: usize) {
        let held = self.held.fetch_add(count, Ordering::Relaxed) + count;
        metrics::gauge!("lookout_schedule_held").set(held as f64);
    }

    pub(crate) fn started(&self) {
        self.running.fetch_add(1, Ordering::Relaxed);
    }

    fn finished(&self) {
        self.running.fetch_sub(1, Ordering::Relaxed);
        let held = self.held.fetch_sub(1, Ordering::Relaxed).saturating_sub(1);
        metrics::gauge!("lookout_schedule_held").set(held as f64);
    }
}

impl SlotReturns for SharedReturns {
    type Ticket = SharedTicket;

    fn complete(&self, ticket: SharedTicket, due: &DueCheck, result: &CheckResult) {
        let id = due.target.id;
        match ticket {
            SharedTicket::Claimed { slot, hold, clock_offset } => {
                self.counts.finished();
                let release = SlotRelease {
                    id,
                    slot,
                    hold,
                    breaker: result.breaker,
                    next_due: result.next_due + clock_offset,
                    interval: due.interval,
                };
                if !release.is_needed() {
                    return;
                }
                if self.releases.send(release).is_err() {
                    tracing::debug!(website = %id, "Slot not returned: the releaser has stopped; its lease runs out");
                }
            }
            SharedTicket::Alone => {
                let _ = self.alone.send((id, result.breaker));
            }
        }
    }
}
