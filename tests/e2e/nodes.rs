//! Node identity: the node registers itself (id, region, version, heartbeat), `GET /api/nodes`
//! lists it, and every check row records the node that made it.

use std::time::Duration;

use lookout_target_farm::TargetServer;
use serde_json::json;

use crate::helpers::{TestApp, TestDatabase, run_to_exit, with_both_databases};

with_both_databases!(the_node_registers_and_stamps_its_checks, |db| {
    let farm = TargetServer::start().await;
    let app = TestApp::start(
        &db,
        &[
            ("LOOKOUT__NODE__ID", "node-a"),
            ("LOOKOUT__NODE__REGION", "eu-west"),
            ("LOOKOUT__MONITOR__MIN_INTERVAL_SECS", "1"),
        ],
    )
    .await;
    let (status, nodes) = app.get("/api/nodes").await;
    assert_eq!(status, 200, "{nodes}");
    let nodes = nodes.as_array().unwrap();
    assert_eq!(nodes.len(), 1, "{nodes:?}");
    assert_eq!(nodes[0]["id"], "node-a");
    assert_eq!(nodes[0]["region"], "eu-west");
    assert_eq!(nodes[0]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(nodes[0]["alive"], true);

    let body = json!({ "url": farm.url("/n"), "name": "N", "check_interval": 1 });
    assert_eq!(app.post_json("/api/websites", &body).await.0, 201);
    let stamped = "SELECT COUNT(*) AS n FROM monitor_checks WHERE node_id = 'node-a'";
    let mut count = 0;
    for _ in 0..100 {
        count = db.count(stamped).await;
        if count >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(count >= 2, "checks carry the node id: {count}");
    let unstamped =
        db.count("SELECT COUNT(*) AS n FROM monitor_checks WHERE node_id IS NULL").await;
    assert_eq!(unstamped, 0);
});

#[test]
fn a_bad_node_id_is_refused_at_start() {
    let db = TestDatabase::sqlite();
    let workdir = tempfile::tempdir().unwrap();
    let (status, output) = run_to_exit(
        workdir.path(),
        &[],
        &[("DATABASE_URL", db.url()), ("LOOKOUT__NODE__ID", "not a valid id")],
    );
    assert!(!status.success());
    assert!(output.contains("node.id"), "{output}");
}
