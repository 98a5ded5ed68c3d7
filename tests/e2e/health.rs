//! `GET /health`: 200 while the database answers, 503 while it does not (a full disk: see
//! `disk_full.rs`).

use std::time::Duration;

use lookout_store::test_support::ThrowawayPostgres;
use serde_json::json;

use crate::helpers::{TestApp, on_both_backends};

on_both_backends!(healthy_when_the_database_answers, |app| {
    let healthy = json!({ "status": "ok", "database": "ok", "writes": "ok",
        "checks_held": 0, "checks_dropped": 0 });
    assert_eq!(app.get("/health").await, (200, healthy));
});

#[tokio::test(flavor = "multi_thread")]
async fn unhealthy_while_postgres_is_down_and_healthy_again_after() {
    let Some(cluster) = ThrowawayPostgres::start() else {
        eprintln!("skipped: no PostgreSQL server binaries under /usr/lib/postgresql");
        return;
    };
    let app = TestApp::start_in(
        tempfile::tempdir().unwrap(),
        &cluster.url(),
        &[("LOOKOUT__DATABASE__CONNECT_TIMEOUT_SECS", "1")],
    )
    .await;
    let created = app.create_website("https://example.com", "Example").await;
    assert_eq!(app.get("/health").await.0, 200);

    cluster.stop();
    let (status, body) = app.get("/health").await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["code"], "service_unavailable");
    let (status, body) = app.get("/api/websites").await;
    assert_eq!(status, 503, "{body}");
    assert!(!body.to_string().contains("127.0.0.1"), "no internals leak: {body}");

    cluster.start_server();
    let mut healthy = false;
    for _ in 0..50 {
        if app.get("/health").await.0 == 200 {
            healthy = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(healthy, "lookout recovers by itself when the database returns");
    let path = format!("/api/websites/{}", created["id"]);
    assert_eq!(app.get(&path).await, (200, created));
}
