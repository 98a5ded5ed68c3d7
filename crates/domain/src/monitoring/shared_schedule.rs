//! The `SharedScheduleStore` port: the schedule many nodes share (PostgreSQL). Each site has
//! a row with its next due time, the node holding its current slot (a lease) and its breaker.
//! Nodes claim due slots under a lease and release them with the result of the check, or claim
//! them elided (no lease, the row already moved on: see [`SlotHold`]) and release them only
//! when the check changed something. Every time the store works out comes from the database's
//! clock, so nodes need not agree on theirs.

use std::future::Future;
use std::time::Duration;

use time::OffsetDateTime;

use super::breaker::CircuitBreaker;
use super::slot_hold::{SlotHold, SlotRelease};
use super::target::CheckTarget;
use crate::WebsiteId;
use crate::node::NodeId;
use crate::website::BoxError;

/// A site claimed for one slot (under a lease, or elided).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeasedSlot {
    pub target: CheckTarget,
    /// The slot: when the check was due (database clock).
    pub due_at: OffsetDateTime,
    /// How the claim holds it.
    pub hold: SlotHold,
    /// The shared breaker as the last check left it.
    pub breaker: CircuitBreaker,
    /// The site's check interval.
    pub interval: Duration,
}

/// What one claim returned, with the database's clock at the time.
#[derive(Debug, Default)]
pub struct Claimed {
    pub slots: Vec<LeasedSlot>,
    pub db_now: Option<OffsetDateTime>,
}

/// One row of the schedule, for status reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduleEntry {
    pub id: WebsiteId,
    /// The slot being checked now, or the next one.
    pub next_due: OffsetDateTime,
    pub breaker: CircuitBreaker,
}

/// A schedule operation failed.
#[derive(Debug, thiserror::Error)]
pub enum SharedScheduleError {
    #[error("the shared schedule is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

/// The shared schedule's persistence.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait SharedScheduleStore: Send + Sync + 'static {
    /// Claims up to `limit` enabled sites due within `horizon` for `node`, for `lease`: each is
    /// due again when the lease runs out unless released first. A site whose lease ran out is
    /// claimed for the slot its last holder never finished. A site whose interval is longer
    /// than `check_timeout` (the check surely ends before its next slot), claimed for a slot of
    /// its own (not one taken over) with its breaker closed and no failures, is claimed elided
    /// instead: due at once at its next slot, with no lease ([`SlotHold::Elided`]).
    fn claim(
        &self,
        node: &NodeId,
        horizon: Duration,
        lease: Duration,
        check_timeout: Duration,
        limit: usize,
    ) -> impl Future<Output = Result<Claimed, SharedScheduleError>> + Send;

    /// Hands checked slots back with their results. Slots no longer held by `node` (the lease
    /// ran out and another node took it, or the site was disabled) are left alone, and so are
    /// elided slots whose row moved on (another node claimed the next slot: a late failure is
    /// not counted). Returns how many were released.
    fn release(
        &self,
        node: &NodeId,
        released: &[SlotRelease],
    ) -> impl Future<Output = Result<usize, SharedScheduleError>> + Send;

    /// Hands back every slot `node` holds under a lease, due at once (slots claimed and never
    /// checked: a node stopping, or restarting under the same id). Elided slots are not held:
    /// their rows already moved on. Returns how many.
    fn return_all(
        &self,
        node: &NodeId,
    ) -> impl Future<Output = Result<usize, SharedScheduleError>> + Send;

    /// Schedules a site (created, enabled, re-timed, or its regions changed): a row for each
    /// region it is checked from (one for any region when it chose none), due now or sooner
    /// than its next slot would be with `interval`; a leased slot keeps its timing until its
    /// release (an elided one is re-timed at once). Rows of regions it no longer chose go.
    fn add(
        &self,
        id: WebsiteId,
        interval: Duration,
    ) -> impl Future<Output = Result<(), SharedScheduleError>> + Send;

    /// Stops scheduling a site (disabled or deleted). A check in flight finishes; its release
    /// finds no row.
    fn remove(&self, id: WebsiteId)
    -> impl Future<Output = Result<(), SharedScheduleError>> + Send;

    /// Brings the rows in step with the websites: every enabled site gets a row for each region
    /// it is checked from, first due at a random point of its first interval; rows of disabled
    /// sites that no one holds go, and rows of regions a site no longer chose. Returns (added,
    /// removed).
    fn sync(&self) -> impl Future<Output = Result<(usize, usize), SharedScheduleError>> + Send;

    /// Every row the claiming node's region checks: the slot in progress or the next one, and
    /// the breaker.
    fn entries(
        &self,
    ) -> impl Future<Output = Result<Vec<ScheduleEntry>, SharedScheduleError>> + Send;

    /// Rows in the schedule.
    fn scheduled(&self) -> impl Future<Output = Result<usize, SharedScheduleError>> + Send;
}
