//! `SlotLease`: a node's hold on one slot of one site in the shared schedule. It travels with
//! the due check; when the check is over (or abandoned, or never run) and the last clone of
//! the job is dropped, the slot goes back to the database through the release queue.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use lookout_domain::{CircuitBreaker, WebsiteId};
use time::OffsetDateTime;
use tokio::sync::mpsc;

use crate::schedule_leases::Release;

/// One held slot.
#[derive(Debug)]
pub struct SlotLease {
    id: WebsiteId,
    /// The slot as the database knows it (its clock), to match the release to the claim.
    slot: OffsetDateTime,
    /// The shared breaker when the slot was claimed.
    claimed_breaker: CircuitBreaker,
    started: AtomicBool,
    finished: Mutex<Option<CircuitBreaker>>,
    returns: LeaseReturns,
}

/// Where finished slots go, and how many this node holds.
#[derive(Debug, Clone)]
pub(crate) struct LeaseReturns {
    pub(crate) queue: mpsc::UnboundedSender<Release>,
    pub(crate) held: Arc<AtomicUsize>,
    /// Of those, the ones whose check has started and not ended.
    pub(crate) running: Arc<AtomicUsize>,
}

impl SlotLease {
    pub(crate) fn new(
        id: WebsiteId,
        slot: OffsetDateTime,
        breaker: CircuitBreaker,
        returns: LeaseReturns,
    ) -> Self {
        Self {
            id,
            slot,
            claimed_breaker: breaker,
            started: AtomicBool::new(false),
            finished: Mutex::new(None),
            returns,
        }
    }

    /// The shared breaker to run the check under; marks the slot as attempted.
    pub fn start(&self) -> CircuitBreaker {
        if !self.started.swap(true, Ordering::Relaxed) {
            self.returns.running.fetch_add(1, Ordering::Relaxed);
        }
        self.claimed_breaker
    }

    /// The check is over; `breaker` is what it left.
    pub fn finish(&self, breaker: CircuitBreaker) {
        *self.finished.lock().unwrap_or_else(PoisonError::into_inner) = Some(breaker);
    }
}

impl Drop for SlotLease {
    fn drop(&mut self) {
        let finished = *self.finished.lock().unwrap_or_else(PoisonError::into_inner);
        // A finished check moves the slot on; a started one that never finished (abandoned by
        // the timeout) too, with the breaker unchanged; one never started (the node is
        // stopping) is handed back as it was, for any node to take at once.
        let release = Release {
            id: self.id,
            due_at: self.slot,
            breaker: finished.unwrap_or(self.claimed_breaker),
            ran: finished.is_some() || self.started.load(Ordering::Relaxed),
        };
        if self.started.load(Ordering::Relaxed) {
            self.returns.running.fetch_sub(1, Ordering::Relaxed);
        }
        let held = self.returns.held.fetch_sub(1, Ordering::Relaxed).saturating_sub(1);
        metrics::gauge!("lookout_schedule_held").set(held as f64);
        if self.returns.queue.send(release).is_err() {
            tracing::debug!(website = %self.id, "Lease not returned: the release queue has stopped; it runs out instead");
        }
    }
}
