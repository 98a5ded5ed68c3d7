//! Release elision on the shared schedule, through the real binary: a site whose interval
//! exceeds the check timeout is claimed without a lease, its row moved on to the next slot at
//! once. A node killed during such a check loses that slot — no node checks it — and the next
//! slot is checked on time by another node, once; checks that leave the breaker as it was write
//! no release at all.

use std::time::Duration;

use lookout_target_farm::TargetServer;
use serde_json::json;
use time::OffsetDateTime;

use crate::helpers::{TestApp, eventually, metric};
use crate::scale_out::migrated_postgres;

/// Above the check timeout (lease − 2 s = 18 s): the site's slots are claimed elided. Long
/// enough that a busy machine has time to kill node A inside the hanging check (15 s) and to
/// start node B before the next slot.
const INTERVAL: u64 = 19;

fn node_env(id: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("LOOKOUT__NODE__ID", id),
        ("LOOKOUT__SCHEDULER__MODE", "shared"),
        ("LOOKOUT__SCHEDULER__LEASE_SECS", "20"),
        // The hanging check ends (and would be released as a failure) 15 s after it began:
        // the test kills its node long before that.
        ("LOOKOUT__PROBE__TIMEOUT_SECS", "15"),
        ("LOOKOUT__PROBE__RETRIES", "0"),
        ("LOOKOUT__MONITOR__MIN_INTERVAL_SECS", "1"),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn a_node_killed_during_an_elided_check_loses_that_slot_and_the_next_is_checked_once() {
    let Some(db) = migrated_postgres().await else {
        eprintln!("skipped: LOOKOUT_TEST_POSTGRES_URL is not set");
        return;
    };
    let farm = TargetServer::start().await;
    farm.set_delay("/slow", Duration::from_secs(3600));
    // Node A alone: it claims the new site's first slot, and the target takes its request and
    // never answers.
    let a = TestApp::start(&db, &node_env("node-a")).await;
    let body = json!({ "url": farm.url("/slow"), "name": "Slow", "check_interval": INTERVAL });
    let (status, site) = a.post_json("/api/websites", &body).await;
    assert_eq!(status, 201, "{site}");
    let id = site["id"].as_i64().unwrap();
    assert!(eventually(Duration::from_secs(30), async || farm.hits("/slow") > 0).await);
    let _workdir = a.kill9();

    // The claim held no lease: the row points at the next slot, with the breaker untouched.
    let row = |condition: &str| {
        format!("SELECT COUNT(*) AS n FROM check_schedule WHERE website_id = {id} AND {condition}")
    };
    let elided = row("lease_owner IS NULL AND claimed_due IS NULL \
         AND breaker_failures = 0 AND breaker_open_until IS NULL \
         AND next_due_at > now() AT TIME ZONE 'UTC'");
    assert_eq!(db.count(&elided).await, 1, "the slot was claimed elided, and A died in its check");
    let next_slot_ms = db
        .count(&format!(
            "SELECT (EXTRACT(epoch FROM next_due_at) * 1000)::bigint AS n FROM check_schedule \
             WHERE website_id = {id}"
        ))
        .await;
    let next_slot =
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(next_slot_ms) * 1_000_000).unwrap();

    // Node B starts after A died, so it cannot have claimed the killed slot; by its next slot
    // the target answers.
    farm.set_delay("/slow", Duration::ZERO);
    let b = TestApp::start(&db, &node_env("node-b")).await;
    assert!(OffsetDateTime::now_utc() < next_slot, "node B was up before the next slot");
    let checks = format!("SELECT COUNT(*) AS n FROM monitor_checks WHERE website_id = {id}");
    let two_checks = Duration::from_secs(2 * INTERVAL + 30);
    assert!(eventually(two_checks, async || db.count(&checks).await >= 2).await, "checked by B");
    let ms_after_next = |condition: &str| {
        format!(
            "SELECT (EXTRACT(epoch FROM MIN(timestamp) - {}) * 1000)::bigint AS n \
             FROM monitor_checks WHERE website_id = {id} AND {condition}",
            crate::helpers::sql_timestamp(next_slot)
        )
    };
    let first_ms = db.count(&ms_after_next("true")).await;
    assert!(
        first_ms >= -1000,
        "the killed slot was not checked: first check {first_ms} ms from the next slot"
    );
    assert!(
        first_ms < (INTERVAL * 1000) as i64,
        "the next slot was checked ({first_ms} ms after it), not skipped"
    );
    let by_others = db.count(&format!("{checks} AND node_id <> 'node-b'")).await;
    assert_eq!(by_others, 0, "no check from the killed node");
    let doubled = db
        .count(&format!(
            "SELECT COUNT(*) AS n FROM (SELECT timestamp - lag(timestamp) OVER (ORDER BY timestamp) \
             AS gap FROM monitor_checks WHERE website_id = {id}) g \
             WHERE gap < {} * interval '1 millisecond'",
            INTERVAL * 500
        ))
        .await;
    assert_eq!(doubled, 0, "no slot checked twice");
    // Every check B made left the breaker as it was: B claimed them all and released none.
    let metrics = b.metrics_text().await;
    assert!(metric(&metrics, "lookout_schedule_claimed_total") >= 2.0, "{metrics}");
    assert_eq!(metric(&metrics, "lookout_schedule_released_total"), 0.0, "no release written");
    drop(b);
}
