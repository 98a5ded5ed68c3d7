//! Statistics seen from one region (issue 15) on both backends, with checks the test writes
//! (`monitor_checks.region`): `?region=` narrows the counts to that region's checks and takes
//! the uptime from them; without it the figures are the site's (windows, every region).

use serde_json::Value;

use crate::helpers::{TestApp, TestDatabase, on_both_backends};

const RANGE: &str = "from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z";

/// `count` checks of `site` from `region` (`NULL`: none), one a minute from `start` (minutes
/// after 2026-11-01 00:00); the first `failed` fail; `in_maintenance` marks them all.
async fn insert(
    db: &TestDatabase,
    site: &Value,
    region: &str,
    start: u32,
    count: u32,
    failed: u32,
    in_maintenance: bool,
) {
    let rows: Vec<String> = (0..count)
        .map(|i| {
            let minute = start + i;
            let ok = i >= failed;
            format!(
                "({site}, '2026-11-01 {:02}:{:02}:00', {}, 0.{:03}, {ok}, {in_maintenance}, {region})",
                minute / 60,
                minute % 60,
                if ok { "200" } else { "NULL" },
                100 + i,
            )
        })
        .collect();
    db.execute(&format!(
        "INSERT INTO monitor_checks (website_id, timestamp, status_code, response_time, \
         is_available, in_maintenance, region) VALUES {}",
        rows.join(", ")
    ))
    .await
    .unwrap();
}

async fn stats(app: &TestApp, site: &Value, query: &str) -> Value {
    let (status, body) = app.get(&format!("/api/websites/{site}/stats?{RANGE}{query}")).await;
    assert_eq!(status, 200, "{query}: {body}");
    body
}

fn close(value: &Value, expected: f64) -> bool {
    value.as_f64().is_some_and(|v| (v - expected).abs() < 1e-9)
}

on_both_backends!(a_region_filter_narrows_counts_and_takes_uptime_from_its_checks, |app| {
    let db = app.database();
    let body =
        serde_json::json!({ "url": "https://regions.example", "name": "R", "enabled": false });
    let (status, site) = app.post_json("/api/websites", &body).await;
    assert_eq!(status, 201, "{site}");
    let site = site["id"].clone();
    db.execute(&format!(
        "UPDATE websites SET created_at = '2026-10-01 00:00:00' WHERE id = {site}; \
         INSERT INTO downtime_windows (website_id, start_time, end_time, created_at) VALUES \
         ({site}, '2026-11-01 12:00:00', '2026-11-01 13:12:00', '2026-11-01 12:00:00')"
    ))
    .await
    .unwrap();
    // eu: 10 checks, 2 failed, and a failed one in maintenance; us: 10, 5 failed; none: 4 up.
    insert(db, &site, "'eu'", 0, 10, 2, false).await;
    insert(db, &site, "'eu'", 30, 1, 1, true).await;
    insert(db, &site, "'us'", 0, 10, 5, false).await;
    insert(db, &site, "NULL", 60, 4, 0, false).await;

    let quorum = stats(&app, &site, "").await;
    assert_eq!((&quorum["region"], &quorum["uptime_basis"]), (&Value::Null, &"windows".into()));
    assert!(close(&quorum["uptime_percent"], 95.0), "72 min of the day down: {quorum}");
    assert_eq!((&quorum["check_count"], &quorum["failed_count"]), (&25.into(), &8.into()));

    let eu = stats(&app, &site, "&region=eu").await;
    assert_eq!((&eu["region"], &eu["uptime_basis"]), (&"eu".into(), &"checks".into()));
    assert!(close(&eu["uptime_percent"], 80.0), "8 of 10 outside maintenance: {eu}");
    assert_eq!((&eu["check_count"], &eu["failed_count"]), (&11.into(), &3.into()));
    assert!(close(&eu["response_time"]["max"], 0.109), "{eu}");
    for quorums in ["total_downtime", "incidents", "mttr", "longest_outage", "maintenance_seconds"]
    {
        assert_eq!(eu[quorums], quorum[quorums], "{quorums} stays the quorum's windows'");
    }
    let us = stats(&app, &site, "&region=us").await;
    assert!(close(&us["uptime_percent"], 50.0), "{us}");
    assert_eq!(us["check_count"], 10);
    let nowhere = stats(&app, &site, "&region=ap-south").await;
    assert_eq!(nowhere["check_count"], 0, "an unknown region has no checks, no error");
    assert_eq!(
        (&nowhere["uptime_percent"], &nowhere["response_time"]),
        (&Value::Null, &Value::Null)
    );

    for bad in ["eu%20west", "", "a%2Fb"] {
        let (status, body) = app.get(&format!("/api/websites/{site}/stats?region={bad}")).await;
        assert_eq!((status, &body["field"]), (422, &"region".into()), "{bad}: {body}");
        let (status, body) = app.get(&format!("/api/stats?region={bad}")).await;
        assert_eq!((status, &body["field"]), (422, &"region".into()), "{bad}: {body}");
        let (status, body) = app.get(&format!("/api/reports/sla?region={bad}")).await;
        assert_eq!((status, &body["field"]), (422, &"region".into()), "{bad}: {body}");
    }

    let (status, page) = app.get(&format!("/api/stats?{RANGE}&region=eu")).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["items"][0]["stats"], eu, "the listing agrees with the site's answer");

    // The SLA report: from eu 80 % breaches 90 %; the quorum's 95 % does not.
    let (status, report) = app.get(&format!("/api/reports/sla?{RANGE}&target=90&region=eu")).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!((&report["region"], &report["uptime_basis"]), (&"eu".into(), &"checks".into()));
    assert!(close(&report["sites"][0]["uptime_percent"], 80.0), "{report}");
    assert_eq!(report["sites"][0]["breached"], true);
    assert_eq!(report["sites"][0]["downtime"], 4320.0, "the quorum's windows");
    let (_, report) = app.get(&format!("/api/reports/sla?{RANGE}&target=90")).await;
    assert_eq!((&report["region"], &report["uptime_basis"]), (&Value::Null, &"windows".into()));
    assert_eq!(report["sites"][0]["breached"], false, "{report}");
});
