//! Registration against a mocked registry, on tokio's paused clock (the take-over wait is
//! skipped, not slept).

use std::future::ready;
use std::sync::{Arc, Mutex};

use lookout_domain::node::{
    HeartbeatError, ListNodesError, MockNodeRegistry, NodeId, NodeInfo, NodeRegistry, Registration,
};
use time::OffsetDateTime;
use time::macros::datetime;

use super::{IdUse, register};

/// A mock the heartbeat task can share, with the `free_before` of every heartbeat recorded.
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

/// A registry answering the heartbeats in turn with `answers` (then `Held`), recording each
/// call's `free_before`.
fn registry(answers: Vec<Registration>) -> (Shared, Arc<Mutex<Vec<OffsetDateTime>>>) {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let answers = Arc::new(Mutex::new(answers.into_iter()));
    let mut mock = MockNodeRegistry::new();
    let seen = Arc::clone(&calls);
    mock.expect_heartbeat().returning(move |_, free_before| {
        seen.lock().unwrap().push(free_before);
        let answer = answers.lock().unwrap().next().unwrap_or(Registration::Held);
        Box::pin(ready(Ok(answer)))
    });
    mock.expect_forget_nodes().returning(|_| Box::pin(ready(Ok(0))));
    mock.expect_deregister().returning(|_| Box::pin(ready(Ok(()))));
    (Shared(Arc::new(mock)), calls)
}

fn web_1() -> NodeId {
    NodeId::parse("web-1").unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_free_id_is_taken_at_once() {
    let (registry, calls) = registry(vec![]);
    let node = register(registry, web_1(), String::new(), IdUse::Leases).await.unwrap();
    assert_eq!(calls.lock().unwrap().len(), 1);
    node.deregister().await;
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
    assert_eq!(calls.lock().unwrap()[1], first.last_heartbeat);
}

#[tokio::test(start_paused = true)]
async fn a_silent_holder_is_taken_over_after_a_heartbeat() {
    let crashed = holder(datetime!(2026-11-28 12:00 UTC));
    let (registry, calls) = registry(vec![Registration::InUse(crashed.clone())]);
    let started = tokio::time::Instant::now();
    let node = register(registry, web_1(), String::new(), IdUse::Leases).await.unwrap();
    assert!(started.elapsed() >= std::time::Duration::from_secs(12), "waited a heartbeat");
    assert_eq!(calls.lock().unwrap()[1], crashed.last_heartbeat);
    node.deregister().await;
}

#[tokio::test(start_paused = true)]
async fn a_label_id_in_use_is_left_to_its_holder() {
    let live = holder(datetime!(2026-11-28 12:00 UTC));
    let (registry, calls) = registry(vec![Registration::InUse(live)]);
    let started = tokio::time::Instant::now();
    let node = register(registry, web_1(), String::new(), IdUse::Label).await.unwrap();
    assert_eq!(started.elapsed(), std::time::Duration::ZERO, "no wait");
    assert_eq!(calls.lock().unwrap().len(), 1, "no take-over write");
    node.deregister().await;
}

#[tokio::test(start_paused = true)]
async fn a_leasing_node_whose_id_is_taken_stops() {
    let newcomer = holder(datetime!(2026-11-28 12:01 UTC));
    let (registry, _) = registry(vec![Registration::Held, Registration::InUse(newcomer)]);
    let node = register(registry, web_1(), String::new(), IdUse::Leases).await.unwrap();
    let ended = node.task.await.unwrap();
    let error = ended.err().unwrap().to_string();
    assert!(error.contains("was taken over"), "{error}");
}
