//! The node registry: one row per node id, renewed only by the process holding it (same
//! start time), taken over once its holder is silent, removed on a clean stop, forgotten
//! after long silence.

use lookout_domain::node::{NodeId, NodeInfo, NodeRegistry, Registration};
use time::Duration as TimeDuration;

use crate::*;

fn node(id: &str, started_at: OffsetDateTime) -> NodeInfo {
    NodeInfo {
        id: NodeId::parse(id).unwrap(),
        region: "eu-west".into(),
        version: "0.1.0".into(),
        started_at,
        last_heartbeat: started_at,
    }
}

on_both_backends!(only_the_holder_renews_an_id_until_it_falls_silent, |store, _db| {
    let mut first = node("web-1", T0);
    let alive_within = TimeDuration::seconds(30);
    assert_eq!(store.heartbeat(&first, T0 - alive_within).await.unwrap(), Registration::Held);
    first.last_heartbeat = T0 + TimeDuration::seconds(10);
    let renewed_at = first.last_heartbeat;
    assert_eq!(
        store.heartbeat(&first, renewed_at - alive_within).await.unwrap(),
        Registration::Held
    );
    assert_eq!(store.list_nodes().await.unwrap(), vec![first.clone()], "renewed in place");

    // A second process with the same id, while the first beats: refused, shown the holder.
    let second = node("web-1", T0 + TimeDuration::seconds(15));
    let refused = store.heartbeat(&second, second.started_at - alive_within).await.unwrap();
    assert_eq!(refused, Registration::InUse(first.clone()));
    assert_eq!(store.list_nodes().await.unwrap(), vec![first.clone()], "the holder's row stays");

    // Once the holder's last beat is at or before the cut-off, the id is free.
    let taken = store.heartbeat(&second, renewed_at).await.unwrap();
    assert_eq!(taken, Registration::Held);
    assert_eq!(store.list_nodes().await.unwrap(), vec![second.clone()]);
    // The old holder, back, is refused.
    first.last_heartbeat = T0 + TimeDuration::seconds(20);
    let back = store.heartbeat(&first, first.last_heartbeat - alive_within).await.unwrap();
    assert_eq!(back, Registration::InUse(second.clone()));

    // Deregistering removes only the caller's own row.
    store.deregister(&first).await.unwrap();
    assert_eq!(store.list_nodes().await.unwrap(), vec![second.clone()]);
    store.deregister(&second).await.unwrap();
    assert_eq!(store.list_nodes().await.unwrap(), vec![]);
});

on_both_backends!(long_silent_nodes_are_forgotten, |store, _db| {
    let old = node("gone", T0 - TimeDuration::days(8));
    let recent = node("crashed", T0 - TimeDuration::days(1));
    for n in [&old, &recent] {
        assert_eq!(store.heartbeat(n, n.started_at).await.unwrap(), Registration::Held);
    }
    assert_eq!(store.forget_nodes(T0 - TimeDuration::days(7)).await.unwrap(), 1);
    assert_eq!(store.list_nodes().await.unwrap(), vec![recent]);
});
