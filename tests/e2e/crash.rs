//! `kill -9` while checking thousands of sites, then a restart: every website is still there, no
//! site has two open windows, checks resume within one interval, and only the results that were
//! in flight or in the batch being written are lost (the test prints how many).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use lookout_target_farm::TargetServer;

use crate::helpers::{TestApp, insert_sites, with_both_databases};

const SITES: u64 = 2000;
const INTERVAL: u64 = 2;
/// Every fourth site answers 503: its window is open when the process dies.
const FAILING_EVERY: u64 = 4;

const ENV: &[(&str, &str)] = &[
    ("LOOKOUT__MONITOR__MIN_INTERVAL_SECS", "1"),
    ("LOOKOUT__PROBE__RETRIES", "0"),
    ("LOOKOUT__LOG__CHECKS", "none"),
    // Failing sites keep being checked (the breaker would pause them after 5 failures).
    ("LOOKOUT__CIRCUIT_BREAKER__FAILURE_THRESHOLD", "1000"),
    // The restarted process is the same node: on PostgreSQL (shared schedule) it takes back
    // the slots its killed predecessor held once the id is its own, instead of waiting for
    // their leases.
    ("LOOKOUT__NODE__ID", "crash-node"),
];

fn hits(farm: &TargetServer) -> HashMap<u64, u64> {
    (0..SITES).map(|n| (n, farm.hits(&format!("/s/{n}")))).collect()
}

with_both_databases!(kill_9_under_load_loses_only_what_was_in_flight, |db| {
    let farm = TargetServer::start().await;
    let app = TestApp::start(&db, &[]).await;
    drop(app); // migrations
    insert_sites(&db, &farm, SITES, INTERVAL, FAILING_EVERY).await;
    let app = TestApp::start(&db, ENV).await;
    let deadline = Instant::now() + Duration::from_secs(60);
    while farm.total_hits() < 3 * SITES && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _workdir = app.kill9();
    let answered = farm.total_hits();
    let stored = db.count("SELECT COUNT(*) AS n FROM monitor_checks").await as u64;
    let lost = answered.saturating_sub(stored);
    eprintln!(
        "kill -9 at {} checks/s: {answered} requests answered, {stored} checks stored, {lost} lost",
        SITES / INTERVAL
    );
    assert!(stored >= 3 * SITES - SITES / INTERVAL, "stored {stored} of {answered}");
    assert!(lost <= SITES / INTERVAL, "at most about one second of results is lost: {lost}");
    let doubled = "SELECT COUNT(*) AS n FROM (SELECT website_id FROM downtime_windows \
                   WHERE end_time IS NULL GROUP BY website_id HAVING COUNT(*) > 1) twice";
    let open = "SELECT COUNT(*) AS n FROM downtime_windows WHERE end_time IS NULL";
    let failing = (SITES / FAILING_EVERY) as i64;
    assert_eq!(db.count(doubled).await, 0);
    assert_eq!(db.count(open).await, failing, "one open window per failing site");

    let before = hits(&farm);
    let restarted = Instant::now();
    let app = TestApp::start(&db, ENV).await;
    // On PostgreSQL the shared schedule's node first waits out its predecessor's heartbeat
    // (about 12 s: it must not take an id a running node holds); checking starts from there.
    let listening = Instant::now();
    eprintln!("kill -9: the restarted node listened after {:?}", listening - restarted);
    let (status, sites) = app.get("/api/websites").await;
    assert_eq!(status, 200);
    assert_eq!(sites.as_array().unwrap().len() as u64, SITES, "every website is still there");
    // Start-up spreads the first checks over one interval.
    let deadline = listening + Duration::from_secs(INTERVAL * 5);
    let resumed = loop {
        let now = hits(&farm);
        let waiting = (0..SITES).filter(|n| now[n] <= before[n]).count();
        if waiting == 0 || Instant::now() > deadline {
            break waiting;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(resumed, 0, "every site checked again after the restart");
    eprintln!(
        "kill -9: all {SITES} sites checked again {:?} after the restart began",
        restarted.elapsed()
    );
    tokio::time::sleep(Duration::from_secs(INTERVAL)).await;
    drop(app);
    assert_eq!(db.count(doubled).await, 0, "still never two open windows");
    assert_eq!(db.count(open).await, failing, "the open windows carried on, none added");
    let windows = db.count("SELECT COUNT(*) AS n FROM downtime_windows").await;
    assert_eq!(windows, failing, "no window was opened twice");
});
