//! The shared source against an in-memory schedule: a node stopping hands back the elided
//! slots it claimed and never started, due at their slots again, and leaves its leased ones to
//! `return_all`; a node whose worker is full claims again before it runs dry, and not beyond.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lookout_domain::monitoring::{
    Claimed, LeasedSlot, ScheduleEntry, SharedScheduleError, SharedScheduleStore, SlotHold,
    SlotRelease,
};
use lookout_domain::node::NodeId;
use lookout_domain::{CheckTarget, CircuitBreaker, WebsiteId, WebsiteName, WebsiteUrl};
use time::OffsetDateTime;

use super::{SharedScheduleOptions, SharedScheduleSource};

/// Hands out the claims queued in it, one per call (then nothing), and keeps what is released
/// and the limit of every claim.
#[derive(Clone, Default)]
struct QueuedClaims {
    claims: Arc<Mutex<VecDeque<Claimed>>>,
    released: Arc<Mutex<Vec<SlotRelease>>>,
    limits: Arc<Mutex<Vec<usize>>>,
}

impl SharedScheduleStore for QueuedClaims {
    async fn claim(
        &self,
        _: &NodeId,
        _: Duration,
        _: Duration,
        _: Duration,
        limit: usize,
    ) -> Result<Claimed, SharedScheduleError> {
        self.limits.lock().unwrap().push(limit);
        Ok(self.claims.lock().unwrap().pop_front().unwrap_or_default())
    }

    async fn release(
        &self,
        _: &NodeId,
        released: &[SlotRelease],
    ) -> Result<usize, SharedScheduleError> {
        self.released.lock().unwrap().extend_from_slice(released);
        Ok(released.len())
    }

    async fn return_all(&self, _: &NodeId) -> Result<usize, SharedScheduleError> {
        Ok(0)
    }

    async fn add(&self, _: WebsiteId, _: Duration) -> Result<(), SharedScheduleError> {
        Ok(())
    }

    async fn remove(&self, _: WebsiteId) -> Result<(), SharedScheduleError> {
        Ok(())
    }

    async fn sync(&self) -> Result<(usize, usize), SharedScheduleError> {
        Ok((0, 0))
    }

    async fn entries(&self) -> Result<Vec<ScheduleEntry>, SharedScheduleError> {
        Ok(Vec::new())
    }

    async fn scheduled(&self) -> Result<usize, SharedScheduleError> {
        Ok(0)
    }
}

const INTERVAL: Duration = Duration::from_secs(300);

/// Whether `condition` holds within 10 s.
async fn eventually(condition: impl Fn() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !condition() {
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    true
}

fn slot(id: i64, due_at: OffsetDateTime, hold: SlotHold) -> LeasedSlot {
    LeasedSlot {
        target: CheckTarget {
            id: WebsiteId::new(id).unwrap(),
            url: WebsiteUrl::parse(&format!("https://s{id}.example")).unwrap(),
            name: WebsiteName::parse("Site").unwrap(),
            check: Default::default(),
        },
        due_at,
        hold,
        breaker: CircuitBreaker::default(),
        interval: INTERVAL,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stopping_node_hands_back_the_elided_slots_it_never_started() {
    let db_now = OffsetDateTime::now_utc();
    // Claimed an hour ahead: still waiting when the node stops.
    let due_at = db_now + time::Duration::hours(1);
    let elided = SlotHold::Elided { next_due: due_at + INTERVAL };
    let schedule = QueuedClaims::default();
    schedule.claims.lock().unwrap().push_back(Claimed {
        slots: vec![slot(1, due_at, elided), slot(2, due_at, SlotHold::Leased)],
        db_now: Some(db_now),
    });
    let node = NodeId::parse("node-a").unwrap();
    let mut options = SharedScheduleOptions::new(INTERVAL, Duration::from_secs(8), 4);
    options.poll = Duration::from_millis(10);
    let (mut source, releaser) = SharedScheduleSource::start(schedule.clone(), &node, options);
    assert!(eventually(|| schedule.claims.lock().unwrap().is_empty()).await, "claimed");
    // Nothing is due yet (the slots are an hour ahead); the source may take the claim in.
    let waited = tokio::time::timeout(Duration::from_millis(100), source.next_due()).await;
    assert!(waited.is_err(), "nothing due: {waited:?}");
    drop(source);
    tokio::time::timeout(Duration::from_secs(10), releaser).await.unwrap().unwrap();
    let released = schedule.released.lock().unwrap().clone();
    let back = SlotRelease {
        id: WebsiteId::new(1).unwrap(),
        slot: due_at,
        hold: elided,
        breaker: CircuitBreaker::default(),
        next_due: due_at,
        interval: INTERVAL,
    };
    assert_eq!(released, [back], "the elided slot, due at its slot again; not the leased one");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_worker_claims_again_before_it_runs_dry_and_no_further() {
    let db_now = OffsetDateTime::now_utc();
    let due = |id| slot(id, db_now, SlotHold::Leased);
    let schedule = QueuedClaims::default();
    schedule
        .claims
        .lock()
        .unwrap()
        .push_back(Claimed { slots: vec![due(1), due(2)], db_now: Some(db_now) });
    let node = NodeId::parse("node-a").unwrap();
    // A worker of two checks; claims of at most 10, 16 slots held at most.
    let mut options = SharedScheduleOptions::new(INTERVAL, Duration::from_secs(8), 2);
    options.poll = Duration::from_millis(10);
    options.batch = 10;
    let (mut source, _releaser) = SharedScheduleSource::start(schedule.clone(), &node, options);
    let started =
        async { (source.next_due().await.due.target.id, source.next_due().await.due.target.id) };
    let (first, second) = tokio::time::timeout(Duration::from_secs(10), started).await.unwrap();
    assert_eq!((first.get(), second.get()), (1, 2));

    // Both run (never finished here): the worker is full and nothing waits. The node claims
    // up to two workers' worth (it used to claim nothing until a check ended).
    let asked_for_4 = || schedule.limits.lock().unwrap().contains(&4);
    assert!(eventually(asked_for_4).await, "claims: {:?}", schedule.limits.lock().unwrap());

    // Two more come back: a worker's worth waits, and the node claims no more while the
    // worker stays full.
    schedule
        .claims
        .lock()
        .unwrap()
        .push_back(Claimed { slots: vec![due(3), due(4)], db_now: Some(db_now) });
    assert!(eventually(|| schedule.claims.lock().unwrap().is_empty()).await, "3 and 4 claimed");
    let asked = schedule.limits.lock().unwrap().len();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let limits = schedule.limits.lock().unwrap().clone();
    assert_eq!(limits.len(), asked, "no claim while a worker's worth waits: {limits:?}");
}
