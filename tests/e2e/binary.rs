//! The binary itself: restarts, `lookout migrate`, configuration, logs, signals.

use std::time::Duration;

use serde_json::json;

use crate::helpers::{TestApp, TestDatabase, run_to_exit};

#[tokio::test(flavor = "multi_thread")]
async fn data_survives_a_restart_on_the_default_sqlite_file() {
    // No DATABASE_URL: the default, lookout.db in the working directory.
    let app = TestApp::start_in(tempfile::tempdir().unwrap(), "", &[]).await;
    let created = app.create_website("https://example.com", "Example").await;
    let stopped = app.terminate();
    assert!(stopped.status.success(), "{}", stopped.status);
    assert!(stopped.workdir.path().join("lookout.db").exists(), "the default database file");
    let again = TestApp::start_in(stopped.workdir, "", &[]).await;
    let path = format!("/api/websites/{}", created["id"]);
    assert_eq!(again.get(&path).await, (200, created));
}

#[tokio::test(flavor = "multi_thread")]
async fn migrate_applies_migrations_and_exits() {
    let db = TestDatabase::sqlite();
    let dir = tempfile::tempdir().unwrap();
    let (status, output) = run_to_exit(dir.path(), &["migrate"], &[("DATABASE_URL", db.url())]);
    assert!(status.success(), "{output}");
    assert!(output.contains("Applied migration"), "{output}");
    let (status, output) = run_to_exit(dir.path(), &["migrate"], &[("DATABASE_URL", db.url())]);
    assert!(status.success(), "{output}");
    assert!(!output.contains("Applied migration"), "a second run has nothing to do: {output}");
    let app = TestApp::start(&db, &[]).await;
    assert_eq!(app.get("/api/websites").await, (200, json!([])));
}

#[tokio::test(flavor = "multi_thread")]
async fn migrate_runs_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else {
        eprintln!("skipped: LOOKOUT_TEST_POSTGRES_URL is not set");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (status, output) = run_to_exit(dir.path(), &["migrate"], &[("DATABASE_URL", db.url())]);
    assert!(status.success(), "{output}");
    assert!(output.contains("Applied migration"), "{output}");
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_stops_gracefully_with_exit_code_zero() {
    let db = TestDatabase::sqlite();
    let app = TestApp::start(&db, &[]).await;
    let stopped = app.terminate();
    assert!(stopped.status.success(), "{}", stopped.status);
    assert!(
        stopped.logs.iter().any(|l| l.contains("SIGTERM: shutting down")),
        "{:?}",
        stopped.logs
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn interval_bounds_come_from_configuration() {
    let db = TestDatabase::sqlite();
    let app = TestApp::start(
        &db,
        &[
            ("LOOKOUT__MONITOR__MIN_INTERVAL_SECS", "1"),
            ("LOOKOUT__MONITOR__MAX_INTERVAL_SECS", "10"),
        ],
    )
    .await;
    let (status, body) = app
        .post_json(
            "/api/websites",
            &json!({ "url": "https://a.example", "name": "a", "check_interval": 1 }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = app
        .post_json(
            "/api/websites",
            &json!({ "url": "https://b.example", "name": "b", "check_interval": 11 }),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    // The default interval is pulled into the configured bounds.
    let body = app.create_website("https://c.example", "c").await;
    assert_eq!(body["check_interval"], 10);
}

#[tokio::test(flavor = "multi_thread")]
async fn config_files_and_seed_variables_apply() {
    let db = TestDatabase::sqlite();
    let workdir = tempfile::tempdir().unwrap();
    std::fs::create_dir(workdir.path().join("config")).unwrap();
    std::fs::write(workdir.path().join("config/local.toml"), "[monitor]\nmin_interval_secs = 5\n")
        .unwrap();
    std::fs::write(workdir.path().join(".env"), "SCHEDULER_ENABLED=false\n").unwrap();
    let app = TestApp::start_in(workdir, db.url(), &[]).await;
    assert!(
        app.wait_for_log("Scheduler disabled", Duration::from_secs(5)).await,
        "{:?}",
        app.logs()
    );
    let (status, body) = app
        .post_json(
            "/api/websites",
            &json!({ "url": "https://a.example", "name": "a", "check_interval": 5 }),
        )
        .await;
    assert_eq!(status, 201, "config/local.toml lowered the minimum: {body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_configuration_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    for (env, expected) in [
        (("SCHEDULER_TIMEZONE", "Mars/Olympus_Mons"), "scheduler.timezone"),
        (("LOOKOUT__MONITOR__MIN_INTERVAL_SECS", "100"), "min_interval_secs"),
        (("DATABASE_URL", "mysql://localhost/x"), "database url"),
    ] {
        let mut all = vec![env];
        if env.1 == "100" {
            all.push(("LOOKOUT__MONITOR__MAX_INTERVAL_SECS", "50"));
        }
        let (status, output) = run_to_exit(dir.path(), &[], &all);
        assert!(!status.success(), "{env:?} must be refused");
        assert!(output.contains(expected), "{env:?}: {output}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn json_logs_on_request() {
    let db = TestDatabase::sqlite();
    let app = TestApp::start(&db, &[("LOOKOUT__LOG__FORMAT", "json")]).await;
    let logs = app.logs();
    let started = logs.iter().find(|l| l.contains("Starting scheduler")).expect("start-up line");
    let line: serde_json::Value = serde_json::from_str(started).unwrap();
    assert_eq!(line["level"], "INFO");
    assert_eq!(line["websites"], 0);
}
