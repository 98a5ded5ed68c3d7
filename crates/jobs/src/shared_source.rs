//! The worker side of the shared schedule: the slots the claimer took, each handed to the
//! worker when it comes due. While the database is out of reach the node goes on alone: it
//! keeps checking the sites whose latest slot it held, on their intervals, until claims work
//! again.

use std::cmp::Ordering as CmpOrdering;
use std::collections::BinaryHeap;
use std::sync::Arc;
use std::time::Duration;

use lookout_domain::monitoring::SharedScheduleStore;
use lookout_domain::node::NodeId;
use lookout_domain::{CheckTarget, CircuitBreaker, DueCheck, WebsiteId};
use time::OffsetDateTime;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::ScheduleTable;
use crate::due_check::{CheckJob, CheckSource, sleep_until};
use crate::shared_claims::{ClaimNews, HeldSlot, claim_loop, release_loop, unchecked_release};
use crate::shared_returns::{HeldCounts, SharedReturns, SharedTicket};

/// How the node claims from the shared schedule.
#[derive(Debug, Clone, Copy)]
pub struct SharedScheduleOptions {
    /// A claimed slot not returned within this long goes to another node.
    pub lease: Duration,
    /// The worker's bound on one check: a site whose interval is longer is claimed elided (no
    /// lease, no release unless the check changes its breaker), as its check surely ends before
    /// its next slot.
    pub check_timeout: Duration,
    /// Claims take sites due up to this far ahead (bounds how long after an API change a
    /// slot claimed before it can still run).
    pub horizon: Duration,
    /// Pause between claims when nothing more is due (jittered by ±25 %).
    pub poll: Duration,
    /// Most slots held at once, waiting or running (8 × the worker's concurrency: at 10,000
    /// checks/s a node holds about 5,000 slots claimed ahead).
    pub max_held: usize,
    /// The worker's concurrency. While this many checks run (it is full), the node claims only
    /// when fewer than as many slots wait.
    pub max_running: usize,
    /// Most sites per claim.
    pub batch: usize,
}

impl SharedScheduleOptions {
    /// The defaults for a lease bound, the worker's check timeout and its concurrency.
    pub fn new(lease: Duration, check_timeout: Duration, concurrency: usize) -> Self {
        let concurrency = concurrency.max(1);
        Self {
            lease,
            check_timeout,
            horizon: Duration::from_millis(500),
            poll: Duration::from_millis(200),
            max_held: concurrency.saturating_mul(8),
            max_running: concurrency,
            batch: 2000,
        }
    }
}

/// A claimed slot waiting for its time, ordered earliest first.
#[derive(Debug)]
struct Waiting {
    seq: u64,
    slot: HeldSlot,
}

impl PartialEq for Waiting {
    fn eq(&self, other: &Self) -> bool {
        (self.slot.at, self.seq) == (other.slot.at, other.seq)
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
        (other.slot.at, other.seq).cmp(&(self.slot.at, self.seq))
    }
}

/// A site this node held the latest slot of, when it claimed that slot, and its breaker as
/// this node last saw it.
#[derive(Debug, Clone)]
struct OwnSite {
    target: Arc<CheckTarget>,
    claimed_at: Instant,
    interval: Duration,
    breaker: CircuitBreaker,
}

/// In normal running, sites whose next slot passed this long ago without this node claiming it
/// went to other nodes and are forgotten.
const FORGET_AFTER: Duration = Duration::from_secs(1);

/// Yields this node's slots, each when it comes due.
#[derive(Debug)]
pub struct SharedScheduleSource {
    news: mpsc::Receiver<ClaimNews>,
    news_open: bool,
    /// Breakers after checks made alone.
    alone_results: mpsc::UnboundedReceiver<(WebsiteId, CircuitBreaker)>,
    returns: SharedReturns,
    waiting: BinaryHeap<Waiting>,
    seq: u64,
    /// The sites whose latest claimed slot was this node's, due next one interval on: what
    /// the node checks on its own while the database is out of reach.
    own: ScheduleTable<OwnSite>,
    alone: bool,
    /// When the latest claim that worked was made.
    last_claim: Option<Instant>,
    horizon: Duration,
}

impl SharedScheduleSource {
    /// The source, and the task that writes returned slots back (it ends once the source and
    /// every job it handed out are back, after its last write, and the claimer has stopped).
    pub fn start<S: SharedScheduleStore + Clone>(
        leases: S,
        node: &NodeId,
        options: SharedScheduleOptions,
    ) -> (Self, JoinHandle<()>) {
        let (releases, released) = mpsc::unbounded_channel();
        let (alone, alone_results) = mpsc::unbounded_channel();
        let counts = HeldCounts::default();
        let returns = SharedReturns { releases, alone, counts: counts.clone() };
        let releaser =
            tokio::spawn(release_loop(leases.clone(), node.clone(), released, options.lease));
        let (news_tx, news) = mpsc::channel(4);
        let claimer = tokio::spawn(claim_loop(leases, node.clone(), options, counts, news_tx));
        // The node hands back what it still holds once this ends: after the claimer's last
        // claim too (one in flight as the source goes would otherwise hold its slots until
        // their leases run out).
        let releaser = tokio::spawn(async move {
            let _ = claimer.await;
            let _ = releaser.await;
        });
        let source = Self {
            news,
            news_open: true,
            alone_results,
            returns,
            waiting: BinaryHeap::new(),
            seq: 0,
            own: ScheduleTable::new(),
            alone: false,
            last_claim: None,
            horizon: options.horizon,
        };
        (source, releaser)
    }

    fn take(&mut self, news: ClaimNews) {
        match news {
            ClaimNews::Claimed { at, slots } => {
                for slot in slots {
                    let due = &slot.job.due;
                    let own = OwnSite {
                        target: Arc::clone(&due.target),
                        claimed_at: at,
                        interval: due.interval,
                        breaker: due.breaker,
                    };
                    self.own.insert(own.target.id, due.interval, slot.at + due.interval, own);
                    self.seq += 1;
                    self.waiting.push(Waiting { seq: self.seq, slot });
                }
                self.last_claim = Some(at);
                let now = Instant::now();
                self.own.remove_due_before(now.checked_sub(FORGET_AFTER).unwrap_or(now), |_| false);
            }
            ClaimNews::Unreachable { since } => {
                // Everything due before the last claim's horizon was there to be claimed: a
                // site whose next slot fell in it and that this node did not take then went
                // to another node.
                if let Some(last) = self.last_claim {
                    self.own.remove_due_before(last + self.horizon, |own| own.claimed_at >= last);
                }
                // A slot due before the failed claim's horizon may have gone to a node that
                // claimed after this node's last claim, while the database still answered:
                // such sites skip that slot (checked one interval later), so that it is not
                // checked twice. Whether the other node took the site on cannot be told here
                // (the database is gone): the node keeps it, so that a site nobody claimed is
                // not left unchecked through the outage, at the price of a few sites handed
                // over in that last poll being checked by both.
                self.own.skip_due_before(since + self.horizon);
                self.alone = true;
                tracing::warn!(
                    sites = self.own.len(),
                    "Shared schedule out of reach: checking the {} sites whose latest slot this node held, on its own, until it returns",
                    self.own.len()
                );
            }
            ClaimNews::Reachable => {
                self.alone = false;
                tracing::info!("Shared schedule back: claiming again");
            }
        }
    }

    /// Waits for the next slot of this node.
    pub async fn next_due(&mut self) -> CheckJob<SharedTicket> {
        loop {
            while let Ok(news) = self.news.try_recv() {
                self.take(news);
            }
            while let Ok((id, breaker)) = self.alone_results.try_recv() {
                if let Some(own) = self.own.payload_mut(id) {
                    own.breaker = breaker;
                }
            }
            let now = Instant::now();
            if self.waiting.peek().is_some_and(|w| w.slot.at <= now)
                && let Some(waiting) = self.waiting.pop()
            {
                self.returns.counts.started();
                return waiting.slot.job;
            }
            if self.alone
                && let Some((own, due)) = self.own.pop_due(now)
            {
                let late = now.saturating_duration_since(due);
                let due = DueCheck {
                    target: own.target,
                    due_at: OffsetDateTime::now_utc() - late,
                    interval: own.interval,
                    breaker: own.breaker,
                };
                return CheckJob { due, ticket: SharedTicket::Alone };
            }
            let waiting = self.waiting.peek().map(|w| w.slot.at);
            let own = if self.alone { self.own.peek_due() } else { None };
            let wake = match (waiting, own) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            tokio::select! {
                news = self.news.recv(), if self.news_open => match news {
                    Some(news) => self.take(news),
                    None => self.news_open = false,
                },
                () = sleep_until(wake) => {}
            }
        }
    }
}

impl Drop for SharedScheduleSource {
    /// Hands back the elided slots claimed and never started (the node stopping): their rows
    /// moved on at the claim, so they would be skipped. Claims not yet taken count too: the
    /// channel closes first, so a claim still under way finds it closed and the claimer hands
    /// its slots back instead. Leased slots go back with the node's other leases.
    fn drop(&mut self) {
        self.news.close();
        let mut unchecked: Vec<HeldSlot> = self.waiting.drain().map(|w| w.slot).collect();
        while let Ok(news) = self.news.try_recv() {
            if let ClaimNews::Claimed { slots, .. } = news {
                unchecked.extend(slots);
            }
        }
        for release in unchecked.iter().filter_map(unchecked_release) {
            if self.returns.releases.send(release).is_err() {
                tracing::debug!(website = %release.id, "Slot not handed back: the releaser has stopped");
            }
        }
    }
}

impl CheckSource for SharedScheduleSource {
    type Returns = SharedReturns;

    fn next_due(&mut self) -> impl std::future::Future<Output = CheckJob<SharedTicket>> + Send {
        SharedScheduleSource::next_due(self)
    }

    fn returns(&self) -> SharedReturns {
        self.returns.clone()
    }
}

#[cfg(test)]
#[path = "shared_source_tests.rs"]
mod tests;
