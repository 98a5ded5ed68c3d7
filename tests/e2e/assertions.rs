//! Richer checks through the real binary (issue 13): a site asked with its own method, headers
//! and body; a 200 whose body says "down" recorded as a failed check with what failed; a
//! `degraded` assertion making the site `degraded`; secrets never in the logs.

use std::time::Duration;

use lookout_target_farm::{TargetServer, TestCa, Tls};
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestDatabase, eventually, with_both_databases};

const FAST: &[(&str, &str)] = &[
    ("LOOKOUT__MONITOR__MIN_INTERVAL_SECS", "1"),
    ("LOOKOUT__PROBE__TIMEOUT_SECS", "5"),
    ("LOOKOUT__PROBE__RETRIES", "0"),
];

/// The newest check of `site` that satisfies `wanted`, waited for with a generous bound.
async fn newest_check(app: &TestApp, site: &Value, wanted: impl Fn(&Value) -> bool) -> Value {
    let path = format!("/api/websites/{}/checks?limit=5", site["id"]);
    let mut found = Value::Null;
    let seen = eventually(Duration::from_secs(20), async || {
        let (_, page) = app.get(&path).await;
        match page["checks"].as_array().and_then(|checks| checks.iter().find(|c| wanted(c))) {
            Some(check) => {
                found = check.clone();
                true
            }
            None => false,
        }
    })
    .await;
    assert!(seen, "no such check of {site}");
    found
}

async fn state_of(app: &TestApp, site: &Value) -> String {
    let (_, status) = app.get(&format!("/api/websites/{}/status", site["id"])).await;
    status["state"].as_str().unwrap_or_default().to_owned()
}

async fn start(db: &TestDatabase) -> TestApp {
    TestApp::start(db, FAST).await
}

with_both_databases!(a_200_that_says_down_is_a_failed_check_that_says_why, |db| {
    let target = TargetServer::start().await;
    target.set_answer("/health", &[("content-type", "application/json")], r#"{"status": "down"}"#);
    let app = start(&db).await;
    let (status, site) = app
        .post_json(
            "/api/websites",
            &json!({
                "url": target.url("/health"),
                "name": "API",
                "check_interval": 1,
                "request": {
                    "method": "POST",
                    "headers": {"Authorization": "Bearer s3cret-t0ken", "Content-Type": "application/json"},
                    "body": "{\"deep\": true}"
                },
                "assertions": [
                    {"kind": "status", "any_of": ["2xx"]},
                    {"kind": "json_path", "path": "$.status", "op": "eq", "value": "up"}
                ]
            }),
        )
        .await;
    assert_eq!(status, 201, "{site}");
    let failed = newest_check(&app, &site, |c| c["failed_assertion"].is_string()).await;
    assert_eq!(failed["status_code"], 200);
    assert_eq!(failed["is_available"], false);
    assert_eq!(failed["failed_assertion"], "json_path $.status eq \"up\": got \"down\"");
    let phases = &failed["phases"];
    assert_eq!(
        (phases["dns"].clone(), phases["tls"].clone()),
        (Value::Null, Value::Null),
        "{phases}"
    );
    let sum: f64 =
        ["connect", "ttfb", "transfer"].iter().map(|p| phases[p].as_f64().unwrap()).sum();
    let total = failed["response_time"].as_f64().unwrap();
    assert!((sum - total).abs() <= 0.001, "phases {phases} add up to {total}");
    assert_eq!(state_of(&app, &site).await, "down");
    let seen = target.last_request().unwrap();
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.header("authorization"), Some("Bearer s3cret-t0ken"));
    assert_eq!(seen.body, b"{\"deep\": true}");

    target.set_answer("/health", &[("content-type", "application/json")], r#"{"status": "up"}"#);
    let up = newest_check(&app, &site, |c| c["is_available"] == true).await;
    assert_eq!(
        (up["failed_assertion"].clone(), up["degraded"].clone()),
        (Value::Null, json!(false))
    );
    assert!(
        eventually(Duration::from_secs(10), async || state_of(&app, &site).await == "up").await
    );
    assert!(!app.logs().join("\n").contains("s3cret-t0ken"), "the secret never reaches the log");
});

with_both_databases!(a_failed_degraded_assertion_leaves_the_site_up_but_degraded, |db| {
    let target = TargetServer::start().await;
    target.set_answer("/page", &[("x-cache", "MISS")], "<html>ok</html>");
    let app = start(&db).await;
    let (status, site) = app
        .post_json(
            "/api/websites",
            &json!({
                "url": target.url("/page"),
                "name": "Page",
                "check_interval": 1,
                "assertions": [
                    {"kind": "body_contains", "value": "ok"},
                    {"kind": "header", "name": "X-Cache", "op": "eq", "value": "HIT", "severity": "degraded"}
                ]
            }),
        )
        .await;
    assert_eq!(status, 201, "{site}");
    let check = newest_check(&app, &site, |c| c["degraded"] == true).await;
    assert_eq!(check["is_available"], true);
    assert_eq!(check["failed_assertion"], "header x-cache eq \"HIT\": got \"MISS\"");
    assert!(
        eventually(Duration::from_secs(10), async || state_of(&app, &site).await == "degraded")
            .await
    );
    let (_, stats) = app.get(&format!("/api/websites/{}/stats?window=24h", site["id"])).await;
    assert!(stats["degraded_count"].as_u64().unwrap() >= 1, "{stats}");
    assert_eq!(stats["failed_count"], 0, "{stats}");
    let (_, downtimes) = app.get(&format!("/api/websites/{}/downtimes", site["id"])).await;
    assert_eq!(downtimes, json!([]), "degraded is not down");
    let counted = eventually(Duration::from_secs(30), async || {
        let text = app.metrics_text().await;
        text.lines().any(|l| l == "lookout_sites{state=\"degraded\"} 1")
            && text.lines().any(|l| l == "lookout_sites{state=\"up\"} 0")
    })
    .await;
    assert!(counted, "the gauges count the site as degraded:\n{}", app.metrics_text().await);
});

with_both_databases!(the_certificate_read_by_checks_is_answered_and_near_its_end_degrades, |db| {
    let ca = TestCa::new();
    let https = TargetServer::start_with(
        Tls::Https(ca.server_config_expiring_in(&["localhost"], 9)),
        "127.0.0.1:0",
    )
    .await;
    let plain = TargetServer::start().await;
    let ca_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(ca_file.path(), ca.certificate_pem()).unwrap();
    let mut env = FAST.to_vec();
    env.push(("LOOKOUT__PROBE__CA_FILE", ca_file.path().to_str().unwrap()));
    env.push(("LOOKOUT__METRICS__PER_SITE_LABELS", "true"));
    let app = TestApp::start(&db, &env).await;
    let (status, site) = app
        .post_json(
            "/api/websites",
            &json!({
                "url": https.url("/"),
                "name": "TLS",
                "check_interval": 1,
                "assertions": [{"kind": "tls_days_left", "above": 14}]
            }),
        )
        .await;
    assert_eq!(status, 201, "{site}");
    let check = newest_check(&app, &site, |c| c["degraded"] == true).await;
    assert_eq!(check["failed_assertion"], "tls_days_left above 14: 9 days left");
    assert!(check["phases"]["tls"].as_f64().unwrap() > 0.0, "{check}");

    let path = format!("/api/websites/{}/certificate", site["id"]);
    let (status, certificate) = app.get(&path).await;
    assert_eq!(status, 200, "{certificate}");
    assert_eq!(certificate["days_left"], 9);
    assert_eq!(certificate["sans"], json!(["localhost"]));
    assert!(certificate["issuer"].as_str().is_some_and(|i| !i.is_empty()), "{certificate}");
    assert!(
        certificate["not_after"].as_str().is_some() && certificate["checked_at"].as_str().is_some()
    );
    let gauge =
        format!("lookout_certificate_expiry_timestamp_seconds{{website_id=\"{}\"}}", site["id"]);
    assert!(app.metrics_text().await.contains(&gauge), "per-site expiry gauge");

    let (_, http_site) = app
        .post_json(
            "/api/websites",
            &json!({"url": plain.url("/"), "name": "Plain", "check_interval": 1}),
        )
        .await;
    newest_check(&app, &http_site, |c| c["is_available"] == true).await;
    let (status, body) = app.get(&format!("/api/websites/{}/certificate", http_site["id"])).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")), "{body}");
    let (status, _) = app.get("/api/websites/999999/certificate").await;
    assert_eq!(status, 404);
});
