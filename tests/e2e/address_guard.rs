//! The SSRF guard: with the default policy a site may not point at private addresses, neither
//! as a literal when saved nor through DNS when checked.

use std::time::Duration;

use lookout_target_farm::TargetServer;
use serde_json::json;

use crate::helpers::{TestApp, TestDatabase, run_to_exit};

const STRICT: &[(&str, &str)] = &[
    ("LOOKOUT__PROBE__ALLOW_PRIVATE", "false"),
    ("LOOKOUT__MONITOR__MIN_INTERVAL_SECS", "1"),
    ("LOOKOUT__PROBE__RETRIES", "0"),
];

#[tokio::test(flavor = "multi_thread")]
async fn private_literals_are_refused_and_resolved_private_addresses_are_not_checked() {
    let db = TestDatabase::sqlite();
    let target = TargetServer::start().await;
    let app = TestApp::start(&db, STRICT).await;
    for url in [
        "http://127.0.0.1:9/",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/",
        "http://10.1.2.3/",
        "http://100.64.0.1/",
    ] {
        let (status, body) =
            app.post_json("/api/websites", &json!({ "url": url, "name": "x" })).await;
        assert_eq!(status, 422, "{url}: {body}");
        assert_eq!(body["field"], "url");
        assert!(body["message"].as_str().unwrap().contains("private address"), "{body}");
    }
    let public = app.create_website("https://example.com", "Public").await;
    let (status, _) = app
        .patch_json(
            &format!("/api/websites/{}", public["id"]),
            &json!({ "url": "http://192.168.1.1/" }),
        )
        .await;
    assert_eq!(status, 422);

    // A name is accepted when saved, but what it resolves to is checked at every check.
    let url = format!("http://localhost:{}/internal", target.address().port());
    let (status, site) = app
        .post_json("/api/websites", &json!({ "url": url, "name": "Sneaky", "check_interval": 1 }))
        .await;
    assert_eq!(status, 201, "{site}");
    let blocked = format!(
        "SELECT COUNT(*) AS n FROM monitor_checks WHERE website_id = {} AND error_message = 'blocked: private address'",
        site["id"]
    );
    let mut seen = false;
    for _ in 0..100 {
        if db.count(&blocked).await > 0 {
            seen = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(seen, "the check is recorded as blocked");
    assert_eq!(target.total_hits(), 0, "nothing reached the private target");
}

#[tokio::test(flavor = "multi_thread")]
async fn allowed_networks_lift_the_guard() {
    let db = TestDatabase::sqlite();
    let target = TargetServer::start().await;
    let mut env = STRICT.to_vec();
    env.push(("LOOKOUT__PROBE__ALLOWED_CIDRS", "10.20.0.0/16,127.0.0.0/8"));
    let app = TestApp::start(&db, &env).await;
    let (status, body) = app
        .post_json(
            "/api/websites",
            &json!({ "url": target.url("/ok"), "name": "Local", "check_interval": 1 }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let mut hit = false;
    for _ in 0..100 {
        if target.hits("/ok") > 0 {
            hit = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(hit);
    let (status, _) =
        app.post_json("/api/websites", &json!({ "url": "http://192.168.0.1/", "name": "x" })).await;
    assert_eq!(status, 422, "only the listed networks are allowed");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_network_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let (status, output) =
        run_to_exit(dir.path(), &[], &[("LOOKOUT__PROBE__ALLOWED_CIDRS", "10.0.0.0/99")]);
    assert!(!status.success());
    assert!(output.contains("probe.allowed_cidrs"), "{output}");
}
