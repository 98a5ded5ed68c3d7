//! The SQLite file on a small filesystem that the checks fill up (a size-limited tmpfs, mounted
//! by the test: needs root, else `skipped`): lookout keeps serving reads, `/health` answers 503
//! naming `disk_full`, check results are held and then dropped and counted as in a database
//! outage, and writing resumes by itself once space returns. Then the disk fills again and
//! lookout is stopped and restarted on the full disk (its WAL checkpoint at close fails): it
//! starts, serves reads, holds, and resumes too. The file passes `PRAGMA integrity_check`.

use std::time::Duration;

use lookout_store::test_support::{SmallFilesystem, TestDatabase, sqlite_integrity_check};
use lookout_target_farm::TargetServer;
use serde_json::{Value, json};

use crate::helpers::{TestApp, eventually, metric};
use crate::openapi::assert_matches_spec;

const SITES: usize = 10;
/// Ten sites checked every second fill it in about five seconds.
const BUFFER: u64 = 50;
/// Room for start-up and migrations (about 200 KiB of WAL) and for the checks of a while.
const FILESYSTEM_BYTES: u64 = 8 << 20;
/// What the filler leaves: the checks fill it within seconds.
const LEFT_FOR_CHECKS: u64 = 128 * 1024;
/// Generous bounds for a busy machine.
const WAIT: Duration = Duration::from_secs(60);

const ENV: [(&str, &str); 4] = [
    ("LOOKOUT__DATABASE__OUTAGE_BUFFER", "50"),
    ("LOOKOUT__MONITOR__MIN_INTERVAL_SECS", "1"),
    ("LOOKOUT__PROBE__RETRIES", "0"),
    ("LOOKOUT__LOG__CHECKS", "none"),
];

/// The newest stored check of site `id`, as its id (0 before the first).
async fn newest_check(app: &TestApp, id: &Value) -> i64 {
    let (status, page) = app.get(&format!("/api/websites/{id}/checks?limit=1")).await;
    assert_eq!(status, 200, "{page}");
    page["checks"][0]["id"].as_i64().unwrap_or(0)
}

async fn held(app: &TestApp) -> f64 {
    metric(&app.metrics_text().await, "lookout_checks_held")
}

/// Waits until `/health` says the disk is full, and returns its body.
async fn wait_for_disk_full(app: &TestApp) -> Value {
    let full = async || app.get("/health").await.1["writes"] == "disk_full";
    assert!(eventually(WAIT, full).await, "{:#?}", app.logs());
    let (status, health) = app.get("/health").await;
    assert_eq!(status, 503, "{health}");
    assert_eq!((&health["status"], &health["database"]), (&json!("degraded"), &json!("ok")));
    health
}

/// Reads answer while the disk is full; a write through the API is a 503, not a 500 (or goes
/// through: a small write may fit into WAL space a failed bigger one left allocated).
async fn assert_reads_work(app: &TestApp, site: &Value) {
    let (status, list) = app.get("/api/websites").await;
    assert_eq!((status, list.as_array().map(Vec::len)), (200, Some(SITES)), "{list}");
    assert!(newest_check(app, site).await > 0, "stored checks are read");
    for path in [
        format!("/api/websites/{site}"),
        format!("/api/websites/{site}/stats?window=24h"),
        format!("/api/websites/{site}/status"),
        format!("/api/websites/{site}/downtimes"),
        "/api/stats?window=24h".to_owned(),
        "/api/nodes".to_owned(),
    ] {
        let (status, body) = app.get(&path).await;
        assert_eq!(status, 200, "{path}: {body}");
    }
    let rename = json!({ "name": "Renamed" });
    let (status, answer) = app.patch_json(&format!("/api/websites/{site}"), &rename).await;
    match status {
        200 => assert_eq!(answer["name"], "Renamed"),
        _ => {
            assert_eq!((status, &answer["code"]), (503, &json!("service_unavailable")), "{answer}")
        }
    }
}

/// Space is back: `/health` is 200 again, nothing is held, new checks are stored, and the
/// full disk opened no circuit breaker.
async fn assert_writing_resumed(app: &TestApp, sites: &[Value]) {
    let healthy = json!({ "status": "ok", "database": "ok", "writes": "ok",
        "checks_held": 0, "checks_dropped": 0 });
    let ok = async || app.get("/health").await == (200, healthy.clone());
    assert!(eventually(WAIT, ok).await, "{:#?}", app.logs());
    assert_eq!(held(app).await, 0.0);
    let before = newest_check(app, &sites[0]).await;
    let fresh = async || newest_check(app, &sites[0]).await > before;
    assert!(eventually(WAIT, fresh).await, "new checks are stored again");
    for id in sites {
        let (_, status) = app.get(&format!("/api/websites/{id}/status")).await;
        assert_eq!(status["circuit_breaker"]["state"], "closed", "no breaker opened: {status}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_disk_is_ridden_out_and_writing_resumes_when_space_returns() {
    let fs = match SmallFilesystem::mount(FILESYSTEM_BYTES) {
        Ok(fs) => fs,
        Err(refused) => {
            eprintln!("skipped: {refused}");
            return;
        }
    };
    let file = fs.path().join("lookout.db");
    let database = TestDatabase::sqlite_file(&file);
    let farm = TargetServer::start().await;
    let app = TestApp::start_in(tempfile::tempdir().unwrap(), database.url(), &ENV).await;
    let sites = app.create_sites(&farm, SITES, 1).await;
    let first = &sites[0];
    assert!(eventually(WAIT, async || newest_check(&app, first).await > 0).await, "checks stored");
    let (_, spec) = app.get("/api/openapi.json").await;

    // The checks fill the disk: one clear WARN, /health says why, reads go on.
    fs.fill_leaving(LEFT_FOR_CHECKS).unwrap();
    let health = wait_for_disk_full(&app).await;
    assert!(health["checks_held"].as_u64().unwrap() > 0, "{health}");
    assert_matches_spec(&spec, "get", "/health", 503, &health);
    let warning = "Disk full: the database cannot write; holding check results until space returns";
    assert!(app.wait_for_log(warning, Duration::from_secs(5)).await, "{:#?}", app.logs());
    assert_reads_work(&app, first).await;
    let stored_before = newest_check(&app, first).await;

    // Held results grow up to the bound, then new ones are dropped and counted.
    let some = held(&app).await;
    assert!(eventually(WAIT, async || held(&app).await > some).await, "held results grow");
    assert!(app.wait_for_log("Outage buffer full", WAIT).await, "{:#?}", app.logs());
    let text = app.metrics_text().await;
    assert_eq!(metric(&text, "lookout_checks_held"), BUFFER as f64, "held up to the bound");
    assert!(metric(&text, "lookout_checks_dropped_total") > 0.0, "then dropped and counted");
    let (status, health) = app.get("/health").await;
    assert_eq!((status, health["checks_held"].as_u64()), (503, Some(BUFFER)), "{health}");
    assert!(health["checks_dropped"].as_u64().unwrap() > 0, "{health}");
    assert_eq!(newest_check(&app, first).await, stored_before, "nothing written meanwhile");

    // Room again: writing resumes by itself, the held results first.
    fs.remove_filler().unwrap();
    let resumed = format!("Disk space back, writing resumed: stored {BUFFER} held check results");
    assert!(app.wait_for_log(&resumed, WAIT).await, "{:#?}", app.logs());
    assert!(newest_check(&app, first).await > stored_before, "the held results are stored");
    assert_writing_resumed(&app, &sites).await;

    // Full again, and lookout stops and starts on the full disk.
    fs.fill_leaving(LEFT_FOR_CHECKS).unwrap();
    wait_for_disk_full(&app).await;
    let stopped = app.terminate();
    assert!(stopped.status.success(), "{:#?}", stopped.logs);
    let lost = "Stopping while the database cannot write";
    assert!(stopped.logs.iter().any(|line| line.contains(lost)), "{:#?}", stopped.logs);
    let app = TestApp::start_in(tempfile::tempdir().unwrap(), database.url(), &ENV).await;
    wait_for_disk_full(&app).await;
    assert_reads_work(&app, first).await;
    fs.remove_filler().unwrap();
    assert_writing_resumed(&app, &sites).await;

    let stopped = app.terminate();
    assert!(stopped.status.success(), "{:#?}", stopped.logs);
    assert_eq!(sqlite_integrity_check(&file).unwrap(), "ok");
}
