//! Richer checks through the real binary (issue 13): a site asked with its own method, headers
//! and body; a 200 whose body says "down" recorded as a failed check with what failed; a
//! `degraded` assertion making the site `degraded`; secrets never in the logs.

use std::time::Duration;

use lookout_target_farm::TargetServer;
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
});
