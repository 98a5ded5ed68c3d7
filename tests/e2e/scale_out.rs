//! Scale-out: several `lookout` processes share one PostgreSQL schedule. Every site is checked
//! once per slot, by one node; a killed node's sites go to the others once its leases run out;
//! API changes made on one node hold on the others within a second; the breaker is shared.

use std::time::{Duration, Instant};

use lookout_target_farm::TargetServer;
use serde_json::json;
use time::OffsetDateTime;

use crate::helpers::{TestApp, TestDatabase, insert_sites, run_to_exit};

const SITES: u64 = 3_000;
const INTERVAL: u64 = 5;
const LEASE: u64 = 8;
// Every slot here is claimed under a lease (the interval is within the check timeout, lease −
// 2 s), so that a killed node's slots are taken over; `release_elision.rs` covers the sites
// whose slots are claimed elided (and skipped when their node dies).
const _: () = assert!(INTERVAL <= LEASE - 2, "the take-over test needs leased slots");
/// One site in this many answers 503 (and keeps one downtime window open).
const FAILING_EVERY: u64 = 100;
/// Intervals the three nodes run together before one is killed (2.5 minutes).
const STEADY_INTERVALS: u64 = 30;

fn node_env(id: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("LOOKOUT__NODE__ID", id),
        ("LOOKOUT__SCHEDULER__MODE", "shared"),
        ("LOOKOUT__SCHEDULER__LEASE_SECS", "8"),
        ("LOOKOUT__PROBE__TIMEOUT_SECS", "2"),
        ("LOOKOUT__PROBE__RETRIES", "0"),
        ("LOOKOUT__MONITOR__MIN_INTERVAL_SECS", "1"),
        ("LOOKOUT__LOG__CHECKS", "none"),
    ]
}

use crate::helpers::sql_timestamp as at;

/// A migrated PostgreSQL database of the test's own (None without one).
pub(crate) async fn migrated_postgres() -> Option<TestDatabase> {
    let db = TestDatabase::postgres().await?;
    drop(TestApp::start(&db, &[("SCHEDULER_ENABLED", "false")]).await);
    Some(db)
}

/// Gaps between one site's consecutive checks that started in `[from, to]`.
fn gaps(from: OffsetDateTime, to: OffsetDateTime, sites: &str) -> String {
    format!(
        "(SELECT website_id, timestamp - lag(timestamp) OVER \
             (PARTITION BY website_id ORDER BY timestamp) AS gap \
         FROM monitor_checks WHERE timestamp BETWEEN {} AND {} AND website_id IN ({sites})) g",
        at(from),
        at(to)
    )
}

/// Sites among `sites` with no check by `nodes` started in `[from, to]`.
async fn unchecked(
    db: &TestDatabase,
    sites: &str,
    nodes: &str,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> i64 {
    db.count(&format!(
        "SELECT COUNT(*) AS n FROM websites w WHERE w.id IN ({sites}) AND NOT EXISTS \
         (SELECT 1 FROM monitor_checks m WHERE m.website_id = w.id AND m.node_id IN ({nodes}) \
          AND m.timestamp BETWEEN {} AND {})",
        at(from),
        at(to)
    ))
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn three_nodes_share_the_sites_and_take_over_from_a_killed_one() {
    let Some(db) = migrated_postgres().await else {
        eprintln!("skipped: LOOKOUT_TEST_POSTGRES_URL is not set");
        return;
    };
    let farm = TargetServer::start().await;
    insert_sites(&db, &farm, SITES, INTERVAL, FAILING_EVERY).await;
    let env = |id| {
        let mut env = node_env(id);
        // Failing sites keep being checked (the breaker would pause them after 5 failures).
        env.push(("LOOKOUT__CIRCUIT_BREAKER__FAILURE_THRESHOLD", "1000"));
        env
    };
    let a = TestApp::start(&db, &env("node-a")).await;
    let b = TestApp::start(&db, &env("node-b")).await;
    let c = TestApp::start(&db, &env("node-c")).await;
    // The first interval spreads the first checks; then the steady state.
    let steady_from = OffsetDateTime::now_utc() + Duration::from_secs(2 * INTERVAL);
    tokio::time::sleep(Duration::from_secs(STEADY_INTERVALS * INTERVAL)).await;

    let killed_at = OffsetDateTime::now_utc();
    let _workdir = c.kill9();
    // The slots node-c held when it died.
    db.execute(
        "CREATE TABLE held_by_c AS \
         SELECT website_id FROM check_schedule WHERE lease_owner = 'node-c'",
    )
    .await
    .unwrap();
    let held = db.count("SELECT COUNT(*) AS n FROM held_by_c").await;
    tokio::time::sleep(Duration::from_secs(LEASE + 3 * INTERVAL)).await;
    let ended = OffsetDateTime::now_utc();
    let answered = farm.total_hits();

    let all = "SELECT id FROM websites";
    let steady_to = killed_at - Duration::from_secs(1);
    let steady = gaps(steady_from, steady_to, all);
    let doubled = db
        .count(&format!("SELECT COUNT(*) AS n FROM {steady} WHERE gap < interval '2.5 seconds'"))
        .await;
    let max_gap_ms = db
        .count(&format!(
            "SELECT COALESCE(MAX(EXTRACT(epoch FROM gap) * 1000), 0)::bigint AS n FROM {steady}"
        ))
        .await;
    let p99_gap_ms = db.count(&format!("SELECT COALESCE(percentile_disc(0.99) WITHIN GROUP (ORDER BY EXTRACT(epoch FROM gap) * 1000), 0)::bigint AS n FROM {steady}")).await;
    let window = format!(
        "FROM monitor_checks WHERE timestamp BETWEEN {} AND {}",
        at(steady_from),
        at(steady_to)
    );
    let checks = db.count(&format!("SELECT COUNT(*) AS n {window}")).await;
    let least_node = db
        .count(&format!(
            "SELECT COALESCE(MIN(c), 0) AS n FROM (SELECT COUNT(*) AS c {window} GROUP BY node_id) x"
        ))
        .await;
    let nodes = db.count(&format!("SELECT COUNT(DISTINCT node_id) AS n {window}")).await;
    eprintln!(
        "3 nodes, {SITES} sites every {INTERVAL} s: {checks} checks in the steady window, \
         the least busy node made {least_node}; gaps p99 {p99_gap_ms} ms, max {max_gap_ms} ms; \
         {doubled} doubled slots; {answered} requests answered in all; node-c held {held} slots when killed"
    );
    let all_nodes = "'node-a', 'node-b', 'node-c'";
    assert_eq!(
        unchecked(&db, all, all_nodes, steady_from, steady_to).await,
        0,
        "every site checked"
    );
    assert_eq!(doubled, 0, "no slot checked twice");
    assert!(max_gap_ms <= ((INTERVAL + LEASE) * 1000) as i64, "no slot skipped: {max_gap_ms} ms");
    assert_eq!(nodes, 3, "all nodes check");
    assert!(least_node * 6 >= checks, "spread over the nodes: {least_node} of {checks}");

    // node-c's slots were taken by the others within a lease and an interval.
    assert!(held > 0, "node-c held slots when it was killed");
    let survivors = "'node-a', 'node-b'";
    let held_sites = "SELECT website_id FROM held_by_c";
    let bound = killed_at + Duration::from_secs(LEASE + INTERVAL + 1);
    assert_eq!(unchecked(&db, held_sites, survivors, killed_at, bound).await, 0, "taken over");
    let after_lease = killed_at + Duration::from_secs(LEASE + 1);
    assert_eq!(unchecked(&db, all, survivors, after_lease, ended).await, 0, "every site goes on");
    let late_c = format!(
        "SELECT COUNT(*) AS n FROM monitor_checks WHERE node_id = 'node-c' AND timestamp > {}",
        at(killed_at)
    );
    assert_eq!(db.count(&late_c).await, 0);
    // After the take-over, still one check per slot: the ones node-c held may see their taken-
    // over slot run late, just before the next one, so they are left out here.
    let others = "SELECT id FROM websites WHERE id NOT IN (SELECT website_id FROM held_by_c)";
    let after = gaps(killed_at, ended, others);
    let doubled_after = db
        .count(&format!("SELECT COUNT(*) AS n FROM {after} WHERE gap < interval '2.5 seconds'"))
        .await;
    assert_eq!(doubled_after, 0, "no slot checked twice after the kill");
    let twice_open = "SELECT COUNT(*) AS n FROM (SELECT website_id FROM downtime_windows \
                      WHERE end_time IS NULL GROUP BY website_id HAVING COUNT(*) > 1) twice";
    assert_eq!(db.count(twice_open).await, 0, "never two open windows");
    let open = db.count("SELECT COUNT(*) AS n FROM downtime_windows WHERE end_time IS NULL").await;
    assert_eq!(open, (SITES / FAILING_EVERY) as i64, "one open window per failing site");

    // A graceful stop hands every slot back (node-c's were taken over and released).
    for node in [a, b] {
        let stopped = node.terminate();
        assert!(stopped.status.success(), "{:?}", stopped.logs);
    }
    let held = "SELECT COUNT(*) AS n FROM check_schedule WHERE lease_owner IS NOT NULL";
    assert_eq!(db.count(held).await, 0, "no slot left held");
}

async fn hits_within(farm: &TargetServer, path: &str, above: u64, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if farm.hits(path) > above {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    farm.hits(path) > above
}

#[tokio::test(flavor = "multi_thread")]
async fn a_change_on_one_node_holds_on_the_others_within_a_second() {
    let Some(db) = migrated_postgres().await else {
        eprintln!("skipped: LOOKOUT_TEST_POSTGRES_URL is not set");
        return;
    };
    let farm = TargetServer::start().await;
    // Node A only serves the API; B and C check.
    let mut api_env = node_env("node-a");
    api_env.push(("SCHEDULER_ENABLED", "false"));
    let a = TestApp::start(&db, &api_env).await;
    let b = TestApp::start(&db, &node_env("node-b")).await;
    let c = TestApp::start(&db, &node_env("node-c")).await;
    let create = async |path: &str, interval: u64, enabled: bool| {
        let body = json!({ "url": farm.url(path), "name": path, "check_interval": interval, "enabled": enabled });
        let (status, site) = a.post_json("/api/websites", &body).await;
        assert_eq!(status, 201, "{site}");
        format!("/api/websites/{}", site["id"])
    };

    // Disabled on A: B and C stop within a second.
    let x = create("/x", 1, true).await;
    assert!(hits_within(&farm, "/x", 2, Duration::from_secs(10)).await);
    assert_eq!(a.patch_json(&x, &json!({ "enabled": false })).await.0, 200);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let stopped = farm.hits("/x");
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(farm.hits("/x"), stopped, "no check of a disabled site after a second");

    // Enabled on A: checked within a second.
    let z = create("/z", 60, false).await;
    let patched = Instant::now();
    assert_eq!(a.patch_json(&z, &json!({ "enabled": true })).await.0, 200);
    assert!(hits_within(&farm, "/z", 0, Duration::from_secs(1)).await, "enabled: checked at once");
    eprintln!("enabled on node A: first check by B or C after {:?}", patched.elapsed());

    // Interval changed on A from an hour to a second: B and C check every second from then on.
    let y = create("/y", 3600, true).await;
    assert!(hits_within(&farm, "/y", 0, Duration::from_secs(5)).await);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let before = farm.hits("/y");
    assert_eq!(before, 1, "the hour-long interval holds until the change");
    assert_eq!(a.patch_json(&y, &json!({ "check_interval": 1 })).await.0, 200);
    assert!(hits_within(&farm, "/y", before, Duration::from_secs(2)).await, "re-timed at once");
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(farm.hits("/y") >= before + 3, "every second: {}", farm.hits("/y"));

    // The API-only node shows the schedule the others run.
    let status = async || a.get(&format!("{y}/status")).await.1;
    let shown = async || status().await["next_check_at"].is_string();
    let deadline = Instant::now() + Duration::from_secs(3);
    while !shown().await && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(shown().await, "{}", status().await);
    assert_eq!(status().await["state"], "up");

    let by_a = db.count("SELECT COUNT(*) AS n FROM monitor_checks WHERE node_id = 'node-a'").await;
    assert_eq!(by_a, 0, "the API-only node checks nothing");
    drop((a, b, c));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_circuit_breaker_counts_failures_on_every_node() {
    let Some(db) = migrated_postgres().await else {
        eprintln!("skipped: LOOKOUT_TEST_POSTGRES_URL is not set");
        return;
    };
    const THRESHOLD: u64 = 6;
    let farm = TargetServer::start().await;
    let breaker = [
        ("LOOKOUT__CIRCUIT_BREAKER__FAILURE_THRESHOLD", "6"),
        ("LOOKOUT__CIRCUIT_BREAKER__OPEN_SECS", "60"),
    ];
    let mut env_a = node_env("node-a");
    env_a.extend_from_slice(&breaker);
    let mut env_b = node_env("node-b");
    env_b.extend_from_slice(&breaker);
    let a = TestApp::start(&db, &env_a).await;
    let mut sites = Vec::new();
    for n in 0..5 {
        let path = format!("/down/{n}?status=503");
        let body =
            json!({ "url": farm.url(&path), "name": format!("Down {n}"), "check_interval": 1 });
        let (status, site) = a.post_json("/api/websites", &body).await;
        assert_eq!(status, 201, "{site}");
        sites.push(site["id"].clone());
    }
    let fewest_checks = async || {
        db.count(
            "SELECT COALESCE(MIN(n), 0) AS n FROM (SELECT w.id, COUNT(c.id) AS n FROM websites w \
             LEFT JOIN monitor_checks c ON c.website_id = w.id GROUP BY w.id) x",
        )
        .await
    };
    // Node A alone makes the first failures, then stops and hands its sites back.
    let deadline = Instant::now() + Duration::from_secs(20);
    while fewest_checks().await < 2 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(a.terminate().status.success());
    let by_a = db.count("SELECT COUNT(*) AS n FROM monitor_checks WHERE node_id = 'node-a'").await;
    assert!(by_a >= 2 * 5, "node A made {by_a} checks");
    let most = db
        .count("SELECT MAX(n) AS n FROM (SELECT COUNT(*) AS n FROM monitor_checks GROUP BY website_id) x")
        .await;
    assert!(most < THRESHOLD as i64, "node A alone made {most} failures on one site");

    // Node B goes on counting from A's failures: the breaker opens at THRESHOLD checks in all.
    let b = TestApp::start(&db, &env_b).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    let open_on_b = async |id: &serde_json::Value| {
        b.get(&format!("/api/websites/{id}/status")).await.1["circuit_breaker"]["state"] == "open"
    };
    for id in &sites {
        while !open_on_b(id).await && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(open_on_b(id).await, "site {id}: breaker open, as seen from node B");
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    for id in &sites {
        let checks = db
            .count(&format!("SELECT COUNT(*) AS n FROM monitor_checks WHERE website_id = {id}"))
            .await;
        assert_eq!(
            checks, THRESHOLD as i64,
            "site {id}: {THRESHOLD} checks over both nodes, then none while the breaker is open"
        );
        let by_b = db
            .count(&format!(
                "SELECT COUNT(*) AS n FROM monitor_checks WHERE website_id = {id} AND node_id = 'node-b'"
            ))
            .await;
        assert!(by_b > 0, "site {id}: node B made the last failures");
    }
    drop(b);
}

#[test]
fn a_shared_schedule_needs_postgresql_and_a_lease_longer_than_a_check() {
    let db = TestDatabase::sqlite();
    let workdir = tempfile::tempdir().unwrap();
    let (status, output) = run_to_exit(
        workdir.path(),
        &[],
        &[("DATABASE_URL", db.url()), ("LOOKOUT__SCHEDULER__MODE", "shared")],
    );
    assert!(!status.success());
    assert!(output.contains("scheduler.mode = \"shared\" needs a PostgreSQL"), "{output}");
    let (status, output) = run_to_exit(
        workdir.path(),
        &[],
        &[
            ("DATABASE_URL", "postgres://postgres@127.0.0.1:1/none"),
            ("LOOKOUT__SCHEDULER__LEASE_SECS", "10"),
            ("LOOKOUT__PROBE__TIMEOUT_SECS", "30"),
        ],
    );
    assert!(!status.success());
    assert!(output.contains("scheduler.lease_secs (10) must be at least"), "{output}");
    let (status, output) = run_to_exit(
        workdir.path(),
        &[],
        &[("DATABASE_URL", db.url()), ("LOOKOUT__SCHEDULER__MODE", "sometimes")],
    );
    assert!(!status.success());
    assert!(output.contains("scheduler.mode") || output.contains("sometimes"), "{output}");
}
