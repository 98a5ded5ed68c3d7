//! Roll-ups and retention through the real binary: the job under `lookout serve` (on a cron
//! schedule) and `lookout rollup`; statistics are the same before and after a roll-up (every
//! region's and one region's), raw checks past retention are gone, and a second pass changes
//! nothing.

use std::time::Duration;

use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, Time};

use crate::helpers::{TestApp, TestDatabase, run_to_exit, with_both_databases};

const STEP_MINUTES: i64 = 10;
const DAYS: i64 = 5;

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap()
}

/// `t` as the test writes it into a `timestamp` column.
fn column(t: OffsetDateTime) -> String {
    t.format(format_description!("[year]-[month]-[day] [hour]:[minute]:[second]")).unwrap()
}

/// A check every 10 minutes for the 5 days before `now`, response times and failures varying,
/// made in turn from no region, `eu` and `us`.
async fn insert_history(db: &TestDatabase, site: &Value, now: OffsetDateTime, seed: i64) {
    let start = now - time::Duration::days(DAYS);
    let rows: Vec<String> = (0..DAYS * 24 * 60 / STEP_MINUTES)
        .map(|i| {
            let at = start + time::Duration::minutes(i * STEP_MINUTES);
            let ok = (i + seed) % 7 != 0;
            let response_time = ((i * 37 + seed * 11) % 900 + 1) as f64 / 1000.0;
            format!(
                "({site}, '{}', {}, {response_time}, {ok}, {}, {})",
                column(at),
                if ok { "200" } else { "NULL" },
                if ok { "NULL" } else { "'connection refused'" },
                ["NULL", "'eu'", "'us'"][(i % 3) as usize],
            )
        })
        .collect();
    for chunk in rows.chunks(200) {
        db.execute(&format!(
            "INSERT INTO monitor_checks (website_id, timestamp, status_code, response_time, \
             is_available, error_message, region) VALUES {}",
            chunk.join(", ")
        ))
        .await
        .unwrap();
    }
}

/// Every statistics answer the test compares before and after roll-ups: every region's and
/// `eu`'s.
async fn snapshot(app: &TestApp, sites: &[Value], ranges: &[(String, String)]) -> Vec<Value> {
    let mut answers = Vec::new();
    let views = ["", "&region=eu"];
    for ((from, to), view) in ranges.iter().flat_map(|r| views.iter().map(move |v| (r, v))) {
        let query = format!("from={from}&to={to}{view}");
        for id in sites {
            let (status, stats) = app.get(&format!("/api/websites/{id}/stats?{query}")).await;
            assert_eq!(status, 200, "{stats}");
            answers.push(stats);
        }
        // All sites, two pages.
        let (status, first) = app.get(&format!("/api/stats?{query}&limit=2")).await;
        assert_eq!(status, 200, "{first}");
        let cursor = first["next_cursor"].as_str().unwrap().to_owned();
        let (_, second) = app.get(&format!("/api/stats?{query}&limit=2&cursor={cursor}")).await;
        assert!(second["next_cursor"].is_null(), "{second}");
        let items: Vec<&Value> = first["items"]
            .as_array()
            .unwrap()
            .iter()
            .chain(second["items"].as_array().unwrap())
            .collect();
        assert_eq!(items.len(), sites.len());
        for (item, single) in items.iter().zip(&answers[answers.len() - sites.len()..]) {
            assert_eq!(&item["stats"], single, "/api/stats agrees with the per-site answer");
        }
        answers.push(first);
        answers.push(second);
    }
    answers
}

with_both_databases!(rollups_keep_statistics_and_expire_raw_checks, |db| {
    let now = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap();
    let raw_days = ("LOOKOUT__RETENTION__RAW_DAYS", "2");
    let app = TestApp::start(&db, &[("SCHEDULER_ENABLED", "false")]).await;
    let mut sites = Vec::new();
    for (n, url) in
        ["https://a.example", "https://b.example", "https://c.example"].iter().enumerate()
    {
        let id = app.create_website(url, &format!("Site {n}")).await["id"].clone();
        db.execute(&format!(
            "UPDATE websites SET created_at = '2026-01-01 00:00:00' WHERE id = {id}"
        ))
        .await
        .unwrap();
        insert_history(&db, &id, now, n as i64).await;
        sites.push(id);
    }
    let a = &sites[0];
    db.execute(&format!(
        "INSERT INTO downtime_windows (website_id, start_time, end_time, created_at) VALUES \
         ({a}, '{start}', '{end}', '{start}')",
        start = column(
            (now - time::Duration::days(3)).replace_time(Time::from_hms(23, 15, 0).unwrap())
        ),
        end =
            column((now - time::Duration::days(2)).replace_time(Time::from_hms(1, 5, 0).unwrap())),
    ))
    .await
    .unwrap();
    let hour = |t: OffsetDateTime| t.replace_time(Time::from_hms(t.hour(), 0, 0).unwrap());
    let ranges = vec![
        // Ragged edges inside raw retention: raw at the edges, hours in between.
        (
            rfc3339(now - time::Duration::hours(20) + time::Duration::minutes(7)),
            rfc3339(now - time::Duration::minutes(40)),
        ),
        // Hour-aligned from 4 days ago: hours, whole days, hours.
        (
            rfc3339(hour(now - time::Duration::days(4)) + time::Duration::hours(3)),
            rfc3339(hour(now - time::Duration::hours(1))),
        ),
        // Everything.
        (rfc3339(now - time::Duration::days(6)), rfc3339(now)),
    ];
    let before = snapshot(&app, &sites, &ranges).await;
    assert!(before[0]["check_count"].as_u64().unwrap() > 100, "{}", before[0]);
    let eu = &before[sites.len() + 2];
    assert_eq!(eu["uptime_basis"], "checks", "{eu}");
    let third = before[0]["check_count"].as_u64().unwrap() as f64 / 3.0;
    assert!((eu["check_count"].as_u64().unwrap() as f64 - third).abs() <= 1.0, "{eu}");
    drop(app);

    // The job under `serve`: rolls up every complete hour and day, deletes raw checks older
    // than 2 days (whole hours, and only once rolled up).
    let app = TestApp::start(
        &db,
        &[
            ("SCHEDULER_ENABLED", "false"),
            ("LOOKOUT__RETENTION__ENABLED", "true"),
            // Every second, so that the test sees a pass soon.
            ("LOOKOUT__RETENTION__SCHEDULE", "* * * * * *"),
            raw_days,
        ],
    )
    .await;
    assert!(
        app.wait_for_log("Roll-up and retention pass done", Duration::from_secs(30)).await,
        "{:?}",
        app.logs()
    );
    let rollups = |what: &str, grain: u32| {
        format!(
            "SELECT COUNT({what}) AS n FROM check_rollups WHERE grain = {grain} AND website_id = {a}"
        )
    };
    // Five days of history: 4 or 5 whole days, and every hour since the first check; a row
    // per region (none, eu, us) and bucket. The first day is the history's first hours: begun
    // less than 30 minutes before midnight, it holds fewer than three checks, and as many
    // regions.
    let days = db.count(&rollups("DISTINCT bucket_start", 86_400)).await;
    assert!((4..=5).contains(&days), "daily roll-ups: {days}");
    let start = now - time::Duration::days(DAYS);
    let midnight = start.date().next_day().unwrap().midnight().assume_utc();
    let step = STEP_MINUTES * 60;
    let first_day_checks = ((midnight - start).whole_seconds() + step - 1) / step;
    let regions = if days == DAYS { first_day_checks.min(3) + 3 * (days - 1) } else { 3 * days };
    assert_eq!(db.count(&rollups("*", 86_400)).await, regions, "one per region");
    assert!(db.count(&rollups("DISTINCT bucket_start", 3600)).await >= 5 * 24 - 2, "hourly");
    let after = snapshot(&app, &sites, &ranges).await;
    assert_eq!(after, before, "statistics are the same from roll-ups as from raw checks");
    let (status, old) = app
        .get(&format!("/api/websites/{a}/checks?to={}", rfc3339(now - time::Duration::days(3))))
        .await;
    assert_eq!(status, 200);
    assert_eq!(old["checks"].as_array().unwrap().len(), 0, "raw checks past retention are gone");
    let (_, recent) = app.get(&format!("/api/websites/{a}/checks?limit=1000")).await;
    let kept = recent["checks"].as_array().unwrap().len();
    assert!((280..=300).contains(&kept), "about two days of checks kept: {kept}");
    let (_, downtimes) = app.get(&format!("/api/websites/{a}/downtimes")).await;
    assert_eq!(downtimes.as_array().unwrap().len(), 1, "downtime windows are kept");
    drop(app);

    // `lookout rollup` afterwards: nothing left to do, nothing changes.
    let workdir = tempfile::tempdir().unwrap();
    let (status, output) =
        run_to_exit(workdir.path(), &["rollup"], &[("DATABASE_URL", db.url()), raw_days]);
    assert!(status.success(), "{output}");
    // (An hour may have ended since: then that one is rolled up.)
    assert!(
        output.contains("rolled up 0 hours") || output.contains("rolled up 1 hours"),
        "{output}"
    );
    let app = TestApp::start(&db, &[("SCHEDULER_ENABLED", "false")]).await;
    assert_eq!(snapshot(&app, &sites, &ranges).await, before);
});
