//! The shared schedule's two database loops: the claimer, which claims batches of due sites
//! whenever this node has room and passes them to the source, and the releaser, which writes
//! returned slots back in batches.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use lookout_domain::monitoring::{Claimed, SharedScheduleStore, SlotRelease};
use lookout_domain::node::NodeId;
use lookout_domain::{DueCheck, ErrorChain};
use time::OffsetDateTime;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::SharedScheduleOptions;
use crate::due_check::CheckJob;
use crate::shared_returns::{HeldCounts, SharedTicket};

/// A claimed slot, in this node's clocks.
#[derive(Debug)]
pub(crate) struct HeldSlot {
    /// When it is due (local instant).
    pub(crate) at: Instant,
    pub(crate) job: CheckJob<SharedTicket>,
}

/// What the claimer tells the source.
#[derive(Debug)]
pub(crate) enum ClaimNews {
    /// A claim that worked (perhaps taking nothing), made at `at`: everything due up to
    /// `at` + the horizon was there to be claimed.
    Claimed { at: Instant, slots: Vec<HeldSlot> },
    /// A claim failed: the schedule is out of reach. `since` is when that claim began; the
    /// database answered other nodes' claims until at most then.
    Unreachable { since: Instant },
    /// A claim worked again.
    Reachable,
}

/// A jitter seed that differs between nodes and between runs.
fn seed(node: &NodeId) -> u64 {
    let clock = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let name = node
        .as_str()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    (clock ^ name) | 1
}

/// The poll pause, jittered by ±25 % (xorshift): nodes polling in lockstep would each keep
/// taking the same sites (whose slots fall in the same phase of the poll cycle).
fn jittered(poll: Duration, state: &mut u64) -> Duration {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    poll.mul_f64(0.75 + (*state % 1000) as f64 / 2000.0)
}

/// How often a node with no room looks again (counters only).
const FULL_RECHECK: Duration = Duration::from_millis(10);

/// How many slots the claimer may take now, with `held` slots held (waiting or running) and
/// `running` of them running: the room under `max_held`, at most a batch. Claimed slots wait
/// up to the horizon before they run, so a node holds more than it runs. A node whose worker
/// is full, once fewer than a worker's worth of slots wait, tops them up to two workers' worth
/// and no further: it never runs dry between two claims (at saturation a full worker that
/// claimed nothing idled until its next poll), its claims stay large (each claim walks the
/// schedule's index from its earliest slot and commits), and a slow node still leaves the
/// other due sites to the others.
fn claim_room(options: &SharedScheduleOptions, held: usize, running: usize) -> usize {
    let room = options.max_held.saturating_sub(held).min(options.batch);
    if running < options.max_running {
        return room;
    }
    let waiting = held.saturating_sub(running);
    if waiting >= options.max_running {
        0
    } else {
        room.min(options.max_running.saturating_mul(2) - waiting)
    }
}

/// Claims while the source listens: as much as there is room for, again at once after a full
/// batch, otherwise after a jittered poll pause; every second while claims fail.
pub(crate) async fn claim_loop<S: SharedScheduleStore>(
    leases: S,
    node: NodeId,
    options: SharedScheduleOptions,
    counts: HeldCounts,
    news: mpsc::Sender<ClaimNews>,
) {
    let mut jitter = seed(&node);
    let mut reachable = true;
    while !news.is_closed() {
        let room = claim_room(
            &options,
            counts.held.load(Ordering::Relaxed),
            counts.running.load(Ordering::Relaxed),
        );
        if room == 0 {
            // Only counters are read until there is room: no database round trip.
            tokio::time::sleep(FULL_RECHECK).await;
            continue;
        }
        let at = Instant::now();
        let claim =
            leases.claim(&node, options.horizon, options.lease, options.check_timeout, room);
        let pause = match claim.await {
            Ok(claimed) => {
                if !reachable {
                    reachable = true;
                    tracing::info!("Shared schedule reachable again: claiming sites");
                    let _ = news.send(ClaimNews::Reachable).await;
                }
                let count = claimed.slots.len();
                let full = count == room;
                if count > 0 {
                    counts.claimed(count);
                    metrics::counter!("lookout_schedule_claimed_total").increment(count as u64);
                    tracing::debug!(claimed = count, "Claimed due sites");
                }
                let slots = hold(claimed);
                if let Err(mpsc::error::SendError(unsent)) =
                    news.send(ClaimNews::Claimed { at, slots }).await
                {
                    // The source has gone: the node is stopping, and hands back its leased
                    // slots once this loop ends; the elided ones go back here.
                    if let ClaimNews::Claimed { slots, .. } = unsent {
                        hand_back(&leases, &node, &slots).await;
                    }
                    return;
                }
                if full { Duration::ZERO } else { jittered(options.poll, &mut jitter) }
            }
            Err(error) => {
                if reachable {
                    reachable = false;
                    tracing::warn!(error = %ErrorChain(&error), "Cannot claim from the shared schedule; retrying every second");
                    let _ = news.send(ClaimNews::Unreachable { since: at }).await;
                }
                Duration::from_secs(1)
            }
        };
        tokio::time::sleep(pause).await;
    }
}

/// Turns each claimed slot into a job, its slot translated into this node's clocks: as far
/// from now as it is from the database's now.
fn hold(claimed: Claimed) -> Vec<HeldSlot> {
    let Some(db_now) = claimed.db_now else { return Vec::new() };
    let (now, wall) = (Instant::now(), OffsetDateTime::now_utc());
    let clock_offset = db_now - wall;
    claimed
        .slots
        .into_iter()
        .map(|slot| {
            let ahead = slot.due_at - db_now;
            let at = Duration::try_from(ahead).map_or(now, |ahead| now + ahead);
            let due = DueCheck {
                target: Arc::new(slot.target),
                due_at: slot.due_at - clock_offset,
                interval: slot.interval,
                breaker: slot.breaker,
            };
            let ticket = SharedTicket::Claimed { slot: slot.due_at, hold: slot.hold, clock_offset };
            HeldSlot { at, job: CheckJob { due, ticket } }
        })
        .collect()
}

/// The release that hands back a slot claimed and never started, if it needs one: an elided
/// slot (its row moved on at the claim); a leased one goes back with the node's other leases.
pub(crate) fn unchecked_release(held: &HeldSlot) -> Option<SlotRelease> {
    let CheckJob { due, ticket } = &held.job;
    match *ticket {
        SharedTicket::Claimed { slot, hold, .. } => {
            SlotRelease::unchecked(due.target.id, slot, hold, due.breaker, due.interval)
        }
        SharedTicket::Alone => None,
    }
}

/// Hands back the elided slots of a claim the source never took (it had gone).
async fn hand_back<S: SharedScheduleStore>(leases: &S, node: &NodeId, slots: &[HeldSlot]) {
    let unchecked: Vec<SlotRelease> = slots.iter().filter_map(unchecked_release).collect();
    if unchecked.is_empty() {
        return;
    }
    if let Err(error) = leases.release(node, &unchecked).await {
        tracing::warn!(error = %ErrorChain(&error), slots = unchecked.len(), "Unchecked slots not handed back: skipped");
    }
}

/// How long returned slots gather before one write.
const RELEASE_LINGER: Duration = Duration::from_millis(50);
/// Most slots per write.
const RELEASE_BATCH: usize = 1000;

/// Writes returned slots back in batches. A write that fails is retried every second while
/// the leases last; after that other nodes have taken the slots anyway.
pub(crate) async fn release_loop<S: SharedScheduleStore>(
    leases: S,
    node: NodeId,
    mut returned: mpsc::UnboundedReceiver<SlotRelease>,
    lease: Duration,
) {
    let mut batch = Vec::with_capacity(RELEASE_BATCH);
    while let Some(first) = returned.recv().await {
        batch.push(first);
        tokio::time::sleep(RELEASE_LINGER).await;
        while batch.len() < RELEASE_BATCH {
            match returned.try_recv() {
                Ok(release) => batch.push(release),
                Err(_) => break,
            }
        }
        let started = Instant::now();
        loop {
            match leases.release(&node, &batch).await {
                Ok(released) => {
                    metrics::counter!("lookout_schedule_released_total").increment(released as u64);
                    tracing::debug!(returned = batch.len(), released, "Returned slots");
                    break;
                }
                Err(error) if started.elapsed() < lease => {
                    tracing::debug!(error = %ErrorChain(&error), slots = batch.len(), "Cannot return slots; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                Err(error) => {
                    tracing::warn!(error = %ErrorChain(&error), slots = batch.len(), "Slots not returned: their leases ran out");
                    break;
                }
            }
        }
        batch.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A worker of 100 checks: at most 800 held, 250 a claim.
    fn options() -> SharedScheduleOptions {
        SharedScheduleOptions {
            max_held: 800,
            max_running: 100,
            batch: 250,
            ..SharedScheduleOptions::new(Duration::from_secs(60), Duration::from_secs(58), 100)
        }
    }

    #[test]
    fn a_node_with_a_free_worker_claims_a_batch_up_to_its_hold_limit() {
        assert_eq!(claim_room(&options(), 0, 0), 250);
        assert_eq!(claim_room(&options(), 700, 40), 100, "800 held at most");
        assert_eq!(claim_room(&options(), 800, 40), 0);
    }

    #[test]
    fn a_full_worker_claims_once_less_than_a_workers_worth_waits_up_to_two_workers_worth() {
        assert_eq!(claim_room(&options(), 100, 100), 200, "nothing waits: two workers' worth");
        assert_eq!(claim_room(&options(), 199, 100), 101, "99 wait: topped up to 200");
        assert_eq!(claim_room(&options(), 200, 100), 0, "a worker's worth waits: no claim");
        assert_eq!(claim_room(&options(), 500, 100), 0, "a slow node leaves the rest to others");
    }
}
