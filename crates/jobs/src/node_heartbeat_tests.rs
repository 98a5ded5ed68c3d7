//! Registration and heartbeats against a mocked registry, on tokio's paused clock (the
//! take-over wait and the heartbeat period are skipped, not slept).

use std::future::ready;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lookout_domain::node::{
    HeartbeatError, ListNodesError, MockNodeRegistry, NodeId, NodeInfo, NodeRegistry, Registration,
};
use time::OffsetDateTime;
use time::macros::datetime;
use tokio::sync::watch;

use super::{IdUse, PeriodicJob, register};
use crate::spawn_periodic;

/// A mock the heartbeat job can share, with the `free_before` of every heartbeat recorded.
#[derive(Clone)]
struct Shared(Arc<MockNodeRegistry>);

impl NodeRegistry for Shared {
    async fn heartbeat(
        &self,
        node: &NodeInfo,
        free_before: OffsetDateTime,
    ) -> Result<Registration, HeartbeatError> {
        self.0.heartbeat(node, free_before).await
    }

    async fn deregister(&self, node: &NodeInfo) -> Result<(), HeartbeatError> {
        self.0.deregister(node).await
    }

    async fn forget_nodes(&self, silent_before: OffsetDateTime) -> Result<usize, HeartbeatError> {
        self.0.forget_nodes(silent_before).await
    }

    async fn list_nodes(&self) -> Result<Vec<NodeInfo>, ListNodesError> {
        self.0.list_nodes().await
    }
}

fn holder(beat: OffsetDateTime) -> NodeInfo {
    let started_at = datetime!(2026-11-28 09:00 UTC);
    NodeInfo {
        id: NodeId::parse("web-1").unwrap(),
        region: String::new(),
        version: "0.1.0".into(),
        started_at,
        last_heartbeat: beat,
    }
}

/// What the mocked registry was asked.
#[derive(Default)]
struct Calls {
    /// The `free_before` of every heartbeat.
    heartbeats: Vec<OffsetDateTime>,
    forgets: usize,
    deregisters: usize,
}

/// A registry answering the heartbeats in turn with `answers` (then `Held`), recording calls.
fn registry(answers: Vec<Registration>) -> (Shared, Arc<Mutex<Calls>>) {
    let calls = Arc::new(Mutex::new(Calls::default()));
    let answers = Arc::new(Mutex::new(answers.into_iter()));
    let mut mock = MockNodeRegistry::new();
    let seen = Arc::clone(&calls);
    mock.expect_heartbeat().returning(move |_, free_before| {
        seen.lock().unwrap().heartbeats.push(free_before);
        let answer = answers.lock().unwrap().next().unwrap_or(Registration::Held);
        Box::pin(ready(Ok(answer)))
    });
    let seen = Arc::clone(&calls);
    mock.expect_forget_nodes().returning(move |_| {
        seen.lock().unwrap().forgets += 1;
        Box::pin(ready(Ok(0)))
    });
    let seen = Arc::clone(&calls);
    mock.expect_deregister().returning(move |_| {
        seen.lock().unwrap().deregisters += 1;
        Box::pin(ready(Ok(())))
    });
    (Shared(Arc::new(mock)), calls)
}

fn web_1() -> NodeId {
    NodeId::parse("web-1").unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_free_id_is_taken_at_once() {
    let (registry, calls) = registry(vec![]);
    let (node, _) = register(registry, web_1(), String::new(), IdUse::Leases).await.unwrap();
    assert_eq!(calls.lock().unwrap().heartbeats.len(), 1);
    node.deregister().await;
    assert_eq!(calls.lock().unwrap().deregisters, 1);
}

#[tokio::test(start_paused = true)]
async fn a_holder_that_still_beats_keeps_the_id() {
    let first = holder(datetime!(2026-11-28 12:00 UTC));
    let renewed = holder(datetime!(2026-11-28 12:00:10 UTC));
    let (registry, calls) =
        registry(vec![Registration::InUse(first.clone()), Registration::InUse(renewed)]);
    let refused = register(registry, web_1(), String::new(), IdUse::Leases).await;
    let error = refused.err().unwrap().to_string();
    assert!(error.contains("node.id web-1 is in use by another running lookout"), "{error}");
    // The second try frees the id only if the holder did not beat since it was first seen.
    assert_eq!(calls.lock().unwrap().heartbeats[1], first.last_heartbeat);
}

#[tokio::test(start_paused = true)]
async fn a_silent_holder_is_taken_over_after_a_heartbeat() {
    let crashed = holder(datetime!(2026-11-28 12:00 UTC));
    let (registry, calls) = registry(vec![Registration::InUse(crashed.clone())]);
    let started = tokio::time::Instant::now();
    let (node, _) = register(registry, web_1(), String::new(), IdUse::Leases).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(12), "waited a heartbeat");
    assert_eq!(calls.lock().unwrap().heartbeats[1], crashed.last_heartbeat);
    node.deregister().await;
}

#[tokio::test(start_paused = true)]
async fn a_label_id_in_use_is_left_to_its_holder() {
    let live = holder(datetime!(2026-11-28 12:00 UTC));
    let (registry, calls) = registry(vec![Registration::InUse(live.clone())]);
    let started = tokio::time::Instant::now();
    let (node, heartbeat) = register(registry, web_1(), String::new(), IdUse::Label).await.unwrap();
    assert_eq!(started.elapsed(), Duration::ZERO, "no wait");
    assert_eq!(calls.lock().unwrap().heartbeats.len(), 1, "no take-over write");
    // The id only labels checks: the heartbeats go on while the holder keeps it.
    heartbeat.run().await;
    heartbeat.run().await;
    assert_eq!(calls.lock().unwrap().heartbeats.len(), 2);
    node.deregister().await;
}

#[tokio::test(start_paused = true)]
async fn a_leasing_node_whose_id_is_taken_stops() {
    let newcomer = holder(datetime!(2026-11-28 12:01 UTC));
    let (registry, calls) = registry(vec![Registration::Held, Registration::InUse(newcomer)]);
    let (mut node, heartbeat) =
        register(registry, web_1(), String::new(), IdUse::Leases).await.unwrap();
    let (stop, stopped) = watch::channel(false);
    let job = spawn_periodic(heartbeat, Duration::from_secs(1), stopped);
    let error = tokio::time::timeout(Duration::from_secs(60), node.taken_over())
        .await
        .expect("the take-over is signalled within a heartbeat")
        .to_string();
    assert!(error.contains("was taken over"), "{error}");
    // No more heartbeats once the id is another process's.
    tokio::time::sleep(Duration::from_secs(60)).await;
    assert_eq!(calls.lock().unwrap().heartbeats.len(), 2);
    stop.send(true).unwrap();
    job.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn beats_every_run_after_the_first_and_forgets_silent_nodes_hourly() {
    let (registry, calls) = registry(vec![]);
    let (_node, heartbeat) =
        register(registry, web_1(), String::new(), IdUse::Leases).await.unwrap();
    assert_eq!(heartbeat.period(), Duration::from_secs(10));
    heartbeat.run().await;
    assert_eq!(calls.lock().unwrap().heartbeats.len(), 1, "registering was the first beat");
    assert_eq!(calls.lock().unwrap().forgets, 1, "at start-up");
    for _ in 0..360 {
        heartbeat.run().await;
    }
    let calls = calls.lock().unwrap();
    assert_eq!(calls.heartbeats.len(), 361);
    assert_eq!(calls.forgets, 2, "and after 360 beats (an hour)");
}
