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

#[tokio::test(flavor = "multi_thread")]
async fn a_shared_node_refuses_an_id_that_a_running_node_holds() {
    let Some(db) = TestDatabase::postgres().await else {
        eprintln!("skipped: LOOKOUT_TEST_POSTGRES_URL is not set");
        return;
    };
    let env = [("LOOKOUT__NODE__ID", "twin"), ("LOOKOUT__SCHEDULER__MODE", "shared")];
    let first = TestApp::start(&db, &env).await;
    let (_, before) = first.get("/api/nodes").await;

    // A second process given the same id waits a heartbeat, sees the first one beat, and exits.
    let url = db.url().to_owned();
    let (status, output) = tokio::task::spawn_blocking(move || {
        let workdir = tempfile::tempdir().unwrap();
        let mut env = env.to_vec();
        env.push(("DATABASE_URL", &url));
        run_to_exit(workdir.path(), &[], &env)
    })
    .await
    .unwrap();
    assert!(!status.success());
    assert!(output.contains("node.id twin is in use by another running lookout"), "{output}");
    let (_, after) = first.get("/api/nodes").await;
    assert_eq!(after[0]["started_at"], before[0]["started_at"], "the first node keeps its id");
    assert_eq!(after[0]["alive"], true);

    // After a crash, the restarted node finds the id silent and takes it over.
    let _workdir = first.kill9();
    let restarted = TestApp::start(&db, &env).await;
    assert!(restarted.wait_for_log("taken over", Duration::from_secs(1)).await);
    let (_, nodes) = restarted.get("/api/nodes").await;
    assert_eq!(nodes.as_array().unwrap().len(), 1, "{nodes}");
    assert_ne!(nodes[0]["started_at"], before[0]["started_at"]);

    // A clean stop takes the node off the list; a restart then needs no wait.
    assert!(restarted.terminate().status.success());
    assert_eq!(db.count("SELECT COUNT(*) AS n FROM nodes").await, 0);
    let again = TestApp::start(&db, &env).await;
    assert!(!again.logs().iter().any(|l| l.contains("waiting")), "{:?}", again.logs());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_local_node_leaves_an_id_in_use_to_its_holder() {
    let db = TestDatabase::sqlite();
    let env = [("LOOKOUT__NODE__ID", "label")];
    let first = TestApp::start(&db, &env).await;
    let (_, before) = first.get("/api/nodes").await;
    // The id only labels checks here: the second process runs, and does not displace the first.
    let second = TestApp::start(&db, &env).await;
    assert!(second.wait_for_log("by another process", Duration::from_secs(2)).await);
    let (_, nodes) = second.get("/api/nodes").await;
    assert_eq!(nodes, before, "the first process keeps the id");
    drop((first, second));
}

/// A shared node warns at start when PostgreSQL's autovacuum is off (the schedule's table then
/// bloats), and only then: the test reads the server's setting and expects what it implies.
#[tokio::test(flavor = "multi_thread")]
async fn a_shared_node_warns_when_autovacuum_is_off() {
    let Some(db) = TestDatabase::postgres().await else {
        eprintln!("skipped: LOOKOUT_TEST_POSTGRES_URL is not set");
        return;
    };
    let off =
        db.count("SELECT (current_setting('autovacuum') = 'off')::int::bigint AS n").await == 1;
    let app = TestApp::start(&db, &[("LOOKOUT__SCHEDULER__MODE", "shared")]).await;
    if off {
        let warned = app.wait_for_log("autovacuum is off", Duration::from_secs(30)).await;
        assert!(warned, "autovacuum is off and no WARN: {:?}", app.logs());
    } else {
        // The WARN would come before the server listens, which `start` waited for.
        let warned = app.logs().iter().any(|line| line.contains("autovacuum is off"));
        assert!(!warned, "autovacuum is on, yet: {:?}", app.logs());
    }
}
