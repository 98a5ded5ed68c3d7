//! The worker side of the shared schedule: claim batches of due sites from PostgreSQL, hold
//! each until its slot comes (claims look a little ahead), hand it to the worker with its
//! lease, and return finished slots in batches.

use std::cmp::Ordering as CmpOrdering;
use std::collections::BinaryHeap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::Stream;
use time::OffsetDateTime;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::schedule_leases::{Claimed, Release, ScheduleLeases};
use crate::slot_lease::LeaseReturns;
use crate::{DueCheck, SlotLease};

/// How the node claims from the shared schedule.
#[derive(Debug, Clone, Copy)]
pub struct SharedScheduleOptions {
    /// A claimed slot not returned within this long goes to another node.
    pub lease: Duration,
    /// Claims take sites due up to this far ahead (bounds how long after an API change a
    /// slot claimed before it can still run).
    pub horizon: Duration,
    /// Pause between claims when nothing more is due.
    pub poll: Duration,
    /// Most slots held at once (waiting or running): the worker's concurrency.
    pub max_held: usize,
    /// Most sites per claim.
    pub batch: usize,
}

impl SharedScheduleOptions {
    /// The defaults for a lease bound and a worker concurrency.
    pub fn new(lease: Duration, max_held: usize) -> Self {
        Self {
            lease,
            horizon: Duration::from_millis(500),
            poll: Duration::from_millis(200),
            max_held: max_held.max(1),
            batch: 500,
        }
    }
}

/// A claimed slot waiting for its time.
#[derive(Debug)]
struct Waiting {
    at: Instant,
    seq: u64,
    check: DueCheck,
}

impl PartialEq for Waiting {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}

impl Eq for Waiting {}

impl PartialOrd for Waiting {
    fn partial_cmp(&self, other: &Self) -> Option<CmpOrdering> {
        Some(self.cmp(other))
    }
}

impl Ord for Waiting {
    /// Reversed: the earliest slot on top of the max-heap.
    fn cmp(&self, other: &Self) -> CmpOrdering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

/// Yields the slots this node has claimed, each when it comes due.
#[derive(Debug)]
pub struct SharedScheduleSource {
    leases: ScheduleLeases,
    node: Arc<str>,
    options: SharedScheduleOptions,
    returns: LeaseReturns,
    waiting: BinaryHeap<Waiting>,
    seq: u64,
    next_claim: Instant,
    failing: bool,
    /// xorshift state for the poll jitter.
    jitter: u64,
}

impl SharedScheduleSource {
    /// The source, and the task that writes returned slots back (it ends once the source and
    /// every job it handed out are gone, after its last write).
    pub fn start(
        leases: ScheduleLeases,
        node: &str,
        options: SharedScheduleOptions,
    ) -> (Self, JoinHandle<()>) {
        let (queue, returned) = mpsc::unbounded_channel();
        let node: Arc<str> = Arc::from(node);
        let releaser =
            tokio::spawn(release_loop(leases.clone(), Arc::clone(&node), returned, options.lease));
        let jitter = seed(&node);
        let source = Self {
            leases,
            node,
            options,
            returns: LeaseReturns { queue, held: Arc::new(AtomicUsize::new(0)) },
            waiting: BinaryHeap::new(),
            seq: 0,
            next_claim: Instant::now(),
            failing: false,
            jitter,
        };
        (source, releaser)
    }

    /// Waits for the next slot of this node.
    pub async fn next_due(&mut self) -> DueCheck {
        loop {
            let now = Instant::now();
            if self.waiting.peek().is_some_and(|w| w.at <= now)
                && let Some(waiting) = self.waiting.pop()
            {
                return waiting.check;
            }
            if now >= self.next_claim {
                self.next_claim = self.claim(now).await;
                continue;
            }
            let wake = self.waiting.peek().map_or(self.next_claim, |w| w.at.min(self.next_claim));
            tokio::time::sleep_until(wake).await;
        }
    }

    /// Claims what there is room for; returns when to claim next.
    async fn claim(&mut self, now: Instant) -> Instant {
        let held = self.returns.held.load(Ordering::Relaxed);
        let room = self.options.max_held.saturating_sub(held).min(self.options.batch);
        if room == 0 {
            return now + self.pause();
        }
        let claimed =
            self.leases.claim(&self.node, self.options.horizon, self.options.lease, room).await;
        match claimed {
            Ok(claimed) => {
                if self.failing {
                    self.failing = false;
                    tracing::info!("Shared schedule reachable again: claiming sites");
                }
                let full = claimed.sites.len() == room;
                self.hold(claimed);
                // A full batch means more may be due: claim again as soon as these are out.
                if full { Instant::now() } else { Instant::now() + self.pause() }
            }
            Err(error) => {
                if !self.failing {
                    self.failing = true;
                    tracing::warn!(%error, "Cannot claim from the shared schedule; retrying every second");
                }
                Instant::now() + Duration::from_secs(1)
            }
        }
    }

    /// The poll pause, jittered by ±25 %: nodes polling in lockstep would each keep taking
    /// the same sites (whose slots fall in the same phase of the poll cycle).
    fn pause(&mut self) -> Duration {
        self.jitter ^= self.jitter << 13;
        self.jitter ^= self.jitter >> 7;
        self.jitter ^= self.jitter << 17;
        let fraction = 0.75 + (self.jitter % 1000) as f64 / 2000.0;
        self.options.poll.mul_f64(fraction)
    }

    fn hold(&mut self, claimed: Claimed) {
        let Some(db_now) = claimed.db_now else { return };
        let (now, wall) = (Instant::now(), OffsetDateTime::now_utc());
        self.returns.held.fetch_add(claimed.sites.len(), Ordering::Relaxed);
        tracing::debug!(claimed = claimed.sites.len(), "Claimed due sites");
        for site in claimed.sites {
            // The slot in this node's clocks: as far from now as it is from the database's now.
            let ahead = site.due_at - db_now;
            let at = match Duration::try_from(ahead) {
                Ok(ahead) => now + ahead,
                Err(_) => now,
            };
            let lease =
                SlotLease::new(site.target.id, site.due_at, site.breaker, self.returns.clone());
            let check = DueCheck {
                target: Arc::new(site.target),
                due_at: wall + ahead,
                lease: Some(Arc::new(lease)),
            };
            self.seq += 1;
            self.waiting.push(Waiting { at, seq: self.seq, check });
        }
    }

    /// The source as an endless stream of due checks.
    pub fn into_stream(self) -> impl Stream<Item = DueCheck> + Send {
        futures::stream::unfold(self, |mut source| async move {
            let due = source.next_due().await;
            Some((due, source))
        })
    }
}

/// A jitter seed that differs between nodes and between runs.
fn seed(node: &str) -> u64 {
    let clock = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let name = node
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    (clock ^ name) | 1
}

/// How long returned slots gather before one write.
const RELEASE_LINGER: Duration = Duration::from_millis(50);
/// Most slots per write.
const RELEASE_BATCH: usize = 1000;

/// Writes returned slots back in batches. A write that fails is retried every second while
/// the leases last; after that other nodes have taken the slots anyway.
async fn release_loop(
    leases: ScheduleLeases,
    node: Arc<str>,
    mut returned: mpsc::UnboundedReceiver<Release>,
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
                    tracing::debug!(returned = batch.len(), released, "Returned slots");
                    break;
                }
                Err(error) if started.elapsed() < lease => {
                    tracing::warn!(%error, slots = batch.len(), "Cannot return slots; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                Err(error) => {
                    tracing::warn!(%error, slots = batch.len(), "Slots not returned: their leases ran out");
                    break;
                }
            }
        }
        batch.clear();
    }
}
