//! The monitoring engine through the real binary: sites checked on their interval against local
//! targets, downtime windows, the circuit breaker, and schedule changes through the API.

use std::time::{Duration, Instant};

use lookout_target_farm::TargetServer;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestDatabase, eventually, with_both_databases};

/// Environment for fast checks: 1 s intervals allowed, short probe timeout, no retry pauses.
const FAST: &[(&str, &str)] = &[
    ("LOOKOUT__MONITOR__MIN_INTERVAL_SECS", "1"),
    ("LOOKOUT__PROBE__TIMEOUT_SECS", "5"),
    ("LOOKOUT__PROBE__RETRIES", "0"),
];

async fn start(db: &TestDatabase, extra: &[(&str, &str)]) -> TestApp {
    let mut env = FAST.to_vec();
    env.extend_from_slice(extra);
    TestApp::start(db, &env).await
}

async fn add_site(app: &TestApp, url: &str, name: &str, interval: u32) -> Value {
    let (status, body) = app
        .post_json(
            "/api/websites",
            &json!({ "url": url, "name": name, "check_interval": interval }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    body
}

with_both_databases!(checks_each_site_on_its_interval_and_stores_every_check, |db| {
    let target = TargetServer::start().await;
    let app = start(&db, &[]).await;
    let url = target.url("/up");
    let site = add_site(&app, &url, "Up", 1).await;
    assert!(eventually(Duration::from_secs(10), async || target.hits("/up") >= 3).await);
    let line = format!("Check completed for {url}: status=200, time=");
    assert!(app.wait_for_log(&line, Duration::from_secs(5)).await, "{:?}", app.logs());
    let id = &site["id"];
    let stored_ok = format!(
        "SELECT COUNT(*) AS n FROM monitor_checks WHERE website_id = {id} AND status_code = 200 \
         AND is_available = true AND error_message IS NULL AND response_time > 0"
    );
    assert!(eventually(Duration::from_secs(5), async || db.count(&stored_ok).await >= 3).await);
    // Every check that reached the target was stored (give the writer a moment to flush).
    let stopped = app.terminate();
    assert!(stopped.status.success());
    let stored = db
        .count(&format!("SELECT COUNT(*) AS n FROM monitor_checks WHERE website_id = {id}"))
        .await;
    assert_eq!(u64::try_from(stored).unwrap(), target.hits("/up"));
});

with_both_databases!(an_outage_opens_one_window_and_recovery_closes_it, |db| {
    let target = TargetServer::start().await;
    target.set_status("/flaky", 503);
    let app = start(&db, &[]).await;
    let site = add_site(&app, &target.url("/flaky"), "Flaky", 1).await;
    let id = &site["id"];
    assert!(
        app.wait_for_log("Downtime window opened for Flaky at ", Duration::from_secs(10)).await
    );
    assert!(eventually(Duration::from_secs(10), async || target.hits("/flaky") >= 3).await);
    let windows = format!("SELECT COUNT(*) AS n FROM downtime_windows WHERE website_id = {id}");
    let open = format!("{windows} AND end_time IS NULL");
    assert_eq!(db.count(&windows).await, 1, "three failures, one window");
    assert_eq!(db.count(&open).await, 1);

    target.set_status("/flaky", 200);
    assert!(
        app.wait_for_log("Downtime window closed for Flaky. Duration: ", Duration::from_secs(10))
            .await
    );
    assert!(eventually(Duration::from_secs(5), async || db.count(&open).await == 0).await);
    assert_eq!(db.count(&windows).await, 1);
});

with_both_databases!(five_failures_open_the_circuit_breaker, |db| {
    let target = TargetServer::start().await;
    target.set_status("/down", 500);
    let app = start(&db, &[("LOOKOUT__LOG__CHECKS", "none")]).await;
    let site = add_site(&app, &target.url("/down"), "Down", 1).await;
    let line = format!(
        "Circuit breaker opened for website {}. Blocked for 300s after 5 failures.",
        site["id"]
    );
    assert!(app.wait_for_log(&line, Duration::from_secs(15)).await, "{:?}", app.logs());
    tokio::time::sleep(Duration::from_millis(500)).await;
    let hits = target.hits("/down");
    assert_eq!(hits, 5);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(target.hits("/down"), hits, "no checks while the breaker is open");
    assert!(!app.logs().iter().any(|l| l.contains("Check completed")), "log.checks = none");
});

with_both_databases!(disabling_a_site_stops_its_checks_at_once, |db| {
    let target = TargetServer::start().await;
    let app = start(&db, &[]).await;
    let site = add_site(&app, &target.url("/paused"), "Paused", 1).await;
    assert!(eventually(Duration::from_secs(10), async || target.hits("/paused") >= 2).await);
    let path = format!("/api/websites/{}", site["id"]);
    assert_eq!(app.patch_json(&path, &json!({ "enabled": false })).await.0, 200);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let hits = target.hits("/paused");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(target.hits("/paused"), hits);
    // Enabling again resumes them.
    assert_eq!(app.patch_json(&path, &json!({ "enabled": true })).await.0, 200);
    assert!(eventually(Duration::from_secs(5), async || target.hits("/paused") > hits).await);
});

with_both_databases!(deleting_a_site_mid_check_leaves_no_rows, |db| {
    let target = TargetServer::start().await;
    let app = start(&db, &[]).await;
    let site = add_site(&app, &target.url("/slow?delay_ms=1500"), "Slow", 1).await;
    assert!(eventually(Duration::from_secs(10), async || target.hits("/slow") >= 1).await);
    assert_eq!(app.delete(&format!("/api/websites/{}", site["id"])).await.0, 204);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let id = &site["id"];
    assert_eq!(
        db.count(&format!("SELECT COUNT(*) AS n FROM monitor_checks WHERE website_id = {id}"))
            .await,
        0
    );
    assert_eq!(
        db.count(&format!("SELECT COUNT(*) AS n FROM downtime_windows WHERE website_id = {id}"))
            .await,
        0
    );
    let hits = target.hits("/slow");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(target.hits("/slow"), hits, "no checks after the delete");
});

#[tokio::test(flavor = "multi_thread")]
async fn a_shorter_interval_applies_at_once() {
    let db = TestDatabase::sqlite();
    let target = TargetServer::start().await;
    let app = start(&db, &[]).await;
    // Created enabled: checked once at once, then not again for an hour.
    let site = add_site(&app, &target.url("/hourly"), "Hourly", 3600).await;
    assert!(eventually(Duration::from_secs(5), async || target.hits("/hourly") == 1).await);
    let path = format!("/api/websites/{}", site["id"]);
    assert_eq!(app.patch_json(&path, &json!({ "check_interval": 1 })).await.0, 200);
    assert!(eventually(Duration::from_secs(5), async || target.hits("/hourly") >= 3).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn with_the_scheduler_off_nothing_is_checked() {
    let db = TestDatabase::sqlite();
    let target = TargetServer::start().await;
    let app = start(&db, &[("SCHEDULER_ENABLED", "false")]).await;
    add_site(&app, &target.url("/idle"), "Idle", 1).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(target.total_hits(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_open_window_survives_a_restart_and_sites_are_checked_again() {
    let db = TestDatabase::sqlite();
    let target = TargetServer::start().await;
    target.set_status("/x", 503);
    let app = start(&db, &[]).await;
    let site = add_site(&app, &target.url("/x"), "X", 1).await;
    assert!(app.wait_for_log("Downtime window opened for X", Duration::from_secs(10)).await);
    assert!(app.terminate().status.success());

    let again = start(&db, &[]).await;
    assert!(
        again.wait_for_log("Starting scheduler: 1 websites synced", Duration::from_secs(5)).await
    );
    target.set_status("/x", 200);
    assert!(again.wait_for_log("Downtime window closed for X", Duration::from_secs(10)).await);
    let id = &site["id"];
    assert_eq!(
        db.count(&format!("SELECT COUNT(*) AS n FROM downtime_windows WHERE website_id = {id}"))
            .await,
        1
    );
}

with_both_databases!(status_follows_the_site_through_up_down_breaker_and_pause, |db| {
    let target = TargetServer::start().await;
    let app = start(&db, &[]).await;
    let site = add_site(&app, &target.url("/st"), "St", 1).await;
    let path = format!("/api/websites/{}/status", site["id"]);
    assert!(
        eventually(Duration::from_secs(10), async || app.get(&path).await.1["state"] == "up").await
    );
    let (status, body) = app.get(&path).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["last_check"]["status_code"], 200);
    assert_eq!(body["open_window"], Value::Null);
    assert_eq!(body["circuit_breaker"]["state"], "closed");
    // The next check is at most one interval ahead. (In shared mode the status reads the
    // schedule as last refreshed from the database, a fraction of a second old.)
    let next_check_soon = async || {
        let body = app.get(&path).await.1;
        let Some(next) = body["next_check_at"].as_str() else { return false };
        let rfc3339 = &time::format_description::well_known::Rfc3339;
        let ahead =
            time::OffsetDateTime::parse(next, rfc3339).unwrap() - time::OffsetDateTime::now_utc();
        ahead > time::Duration::seconds(-1) && ahead <= time::Duration::seconds(2)
    };
    assert!(eventually(Duration::from_secs(5), next_check_soon).await);

    target.set_status("/st", 500);
    assert!(
        eventually(Duration::from_secs(10), async || {
            let body = app.get(&path).await.1;
            body["state"] == "down" && body["open_window"].is_object()
        })
        .await
    );
    assert!(
        eventually(Duration::from_secs(10), async || {
            app.get(&path).await.1["circuit_breaker"]["state"] == "open"
        })
        .await
    );
    assert!(app.get(&path).await.1["circuit_breaker"]["until"].is_string());

    let site_path = format!("/api/websites/{}", site["id"]);
    assert_eq!(app.patch_json(&site_path, &json!({ "enabled": false })).await.0, 200);
    assert!(
        eventually(Duration::from_secs(5), async || {
            let body = app.get(&path).await.1;
            body["state"] == "paused" && body["next_check_at"].is_null()
        })
        .await
    );
    assert_eq!(app.get("/api/websites/999/status").await.0, 404);
});

#[tokio::test(flavor = "multi_thread")]
async fn status_without_the_scheduler_is_unknown() {
    let db = TestDatabase::sqlite();
    let app = start(&db, &[("SCHEDULER_ENABLED", "false")]).await;
    let site = add_site(&app, "http://127.0.0.1:9/", "Never", 60).await;
    let (status, body) = app.get(&format!("/api/websites/{}/status", site["id"])).await;
    assert_eq!(status, 200);
    assert_eq!(body["state"], "unknown");
    assert_eq!(body["next_check_at"], Value::Null);
    assert_eq!(body["last_check"], Value::Null);
    assert_eq!(body["circuit_breaker"], json!({ "state": "closed", "failures": 0 }));
}

async fn metrics_text(app: &TestApp) -> (u16, String) {
    let response = app.client.get(app.url("/metrics")).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_describe_checks_schedule_storage_and_the_api() {
    let db = TestDatabase::sqlite();
    let target = TargetServer::start().await;
    target.set_status("/bad", 503);
    let app = start(&db, &[]).await;
    add_site(&app, &target.url("/good"), "Good", 1).await;
    add_site(&app, &target.url("/bad"), "Bad", 1).await;
    let wanted = [
        "lookout_checks_total{result=\"up\"}",
        "lookout_checks_total{result=\"down\"}",
        "lookout_check_duration_seconds_bucket",
        "lookout_schedule_lateness_seconds_bucket",
        "lookout_check_batch_size_bucket",
        "lookout_scheduled_sites 2",
        "lookout_checks_in_flight",
        "lookout_http_requests_total{method=\"POST\",route=\"/api/websites\",status=\"201\"} 2",
        "lookout_http_request_duration_seconds_bucket",
        "lookout_sites{state=\"enabled\"} 2",
        "lookout_sites{state=\"down\"} 1",
        "lookout_circuit_breakers_open ",
    ];
    let mut last = String::new();
    let complete = eventually(Duration::from_secs(12), async || {
        let (status, text) = metrics_text(&app).await;
        assert_eq!(status, 200);
        last = text;
        wanted.iter().all(|w| last.contains(w))
    })
    .await;
    let missing: Vec<_> = wanted.iter().filter(|w| !last.contains(*w)).collect();
    assert!(complete, "missing {missing:?} in:\n{last}");
    assert!(!last.contains("website_id"), "no per-site labels by default");
}

#[tokio::test(flavor = "multi_thread")]
async fn histogram_upkeep_runs_whether_or_not_anyone_scrapes() {
    let db = TestDatabase::sqlite();
    let app = start(&db, &[]).await;
    // Counted per run of the job, not per scrape: it shows the job runs on its own schedule.
    let runs = "lookout_job_runs_total{job=\"metrics-upkeep\"}";
    let ran =
        eventually(Duration::from_secs(30), async || metrics_text(&app).await.1.contains(runs));
    assert!(ran.await, "no run of the metrics-upkeep job in:\n{}", metrics_text(&app).await.1);
}

#[tokio::test(flavor = "multi_thread")]
async fn per_site_labels_and_switching_metrics_off() {
    let db = TestDatabase::sqlite();
    let target = TargetServer::start().await;
    let app = start(&db, &[("LOOKOUT__METRICS__PER_SITE_LABELS", "true")]).await;
    let site = add_site(&app, &target.url("/one"), "One", 1).await;
    let label = format!("website_id=\"{}\"", site["id"]);
    assert!(
        eventually(Duration::from_secs(10), async || metrics_text(&app).await.1.contains(&label))
            .await
    );

    let off = start(&TestDatabase::sqlite(), &[("LOOKOUT__METRICS__ENABLED", "false")]).await;
    assert_eq!(metrics_text(&off).await.0, 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn credentials_in_urls_never_reach_logs_or_error_texts() {
    let db = TestDatabase::sqlite();
    let target = TargetServer::start().await;
    let app = start(&db, &[]).await;
    let url = format!("http://admin:s3cret@127.0.0.1:{}/private", target.address().port());
    add_site(&app, &url, "Secret", 1).await;
    assert!(eventually(Duration::from_secs(10), async || target.hits("/private") >= 1).await);
    let (status, body) =
        app.post_json("/api/websites", &json!({ "url": url, "name": "Again" })).await;
    assert_eq!(status, 409);
    assert!(!body.to_string().contains("s3cret"), "{body}");
    assert!(
        app.wait_for_log("Check completed for http://***@127.0.0.1:", Duration::from_secs(5)).await
    );
    let logs = app.terminate().logs;
    assert!(logs.iter().all(|line| !line.contains("s3cret")), "{logs:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_with_checks_in_flight_exits_cleanly_within_the_bound() {
    let db = TestDatabase::sqlite();
    let target = TargetServer::start().await;
    let app = start(&db, &[("LOOKOUT__PROBE__TIMEOUT_SECS", "60")]).await;
    add_site(&app, &target.url("/fast"), "Fast", 1).await;
    add_site(&app, &target.url("/stuck?delay_ms=60000"), "Stuck", 1).await;
    assert!(eventually(Duration::from_secs(10), async || target.hits("/stuck") >= 1).await);
    assert!(eventually(Duration::from_secs(10), async || target.hits("/fast") >= 2).await);
    let started = Instant::now();
    let stopped = app.terminate();
    assert!(stopped.status.success(), "{}", stopped.status);
    // The bound lookout promises (in-flight checks get 5 s, then are abandoned), with room to spare.
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    assert!(stopped.logs.iter().any(|l| l.contains("Check worker stopped")), "{:?}", stopped.logs);
    let fast = db.count("SELECT COUNT(*) AS n FROM monitor_checks WHERE website_id = 1").await;
    assert_eq!(
        u64::try_from(fast).unwrap(),
        target.hits("/fast"),
        "every finished check was stored"
    );
}
