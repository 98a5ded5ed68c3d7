//! The OpenAPI document: every documented operation exists, answers with a documented status,
//! and its JSON body validates against the documented schema.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestDatabase};

/// Validates `body` against the schema the spec documents for `method path` → `status`.
pub(crate) fn assert_matches_spec(
    spec: &Value,
    method: &str,
    path: &str,
    status: u16,
    body: &Value,
) {
    let responses = &spec["paths"][path][method]["responses"];
    let documented = &responses[status.to_string()];
    assert!(documented.is_object(), "{method} {path} → {status} is not documented: {responses}");
    let Some(schema) = documented["content"]["application/json"]["schema"].as_object() else {
        return;
    };
    let mut root = Value::Object(schema.clone());
    root["components"] = spec["components"].clone();
    let validator = jsonschema::validator_for(&root).unwrap();
    let errors: Vec<String> = validator.iter_errors(body).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{method} {path} → {status}: {errors:?}\nbody: {body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_operation_is_documented_and_answers_as_documented() {
    let db = TestDatabase::sqlite();
    let app = TestApp::start(&db, &[("SCHEDULER_ENABLED", "false")]).await;
    let (status, spec) = app.get("/api/openapi.json").await;
    assert_eq!(status, 200);
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));

    let mut operations: Vec<(String, String)> = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object().unwrap().keys().map(move |m| (m.clone(), path.clone()))
        })
        .collect();
    operations.sort();
    let expected = [
        ("delete", "/api/channels/{id}"),
        ("delete", "/api/maintenance/{id}"),
        ("delete", "/api/status-pages/{slug}"),
        ("delete", "/api/websites/{id}"),
        ("get", "/api/channels"),
        ("get", "/api/channels/{id}"),
        ("get", "/api/deliveries"),
        ("get", "/api/export"),
        ("get", "/api/incidents"),
        ("get", "/api/incidents/{id}"),
        ("get", "/api/maintenance"),
        ("get", "/api/maintenance/{id}"),
        ("get", "/api/nodes"),
        ("get", "/api/openapi.json"),
        ("get", "/api/reports/sla"),
        ("get", "/api/stats"),
        ("get", "/api/status-pages"),
        ("get", "/api/status-pages/{slug}"),
        ("get", "/api/websites"),
        ("get", "/api/websites/{id}"),
        ("get", "/api/websites/{id}/certificate"),
        ("get", "/api/websites/{id}/checks"),
        ("get", "/api/websites/{id}/downtimes"),
        ("get", "/api/websites/{id}/stats"),
        ("get", "/api/websites/{id}/status"),
        ("get", "/health"),
        ("get", "/metrics"),
        ("patch", "/api/channels/{id}"),
        ("patch", "/api/maintenance/{id}"),
        ("patch", "/api/status-pages/{slug}"),
        ("patch", "/api/websites/{id}"),
        ("post", "/api/apply"),
        ("post", "/api/channels"),
        ("post", "/api/channels/{id}/test"),
        ("post", "/api/deliveries/{id}/retry"),
        ("post", "/api/incidents/{id}/ack"),
        ("post", "/api/maintenance"),
        ("post", "/api/status-pages"),
        ("post", "/api/websites"),
    ];
    let expected: Vec<(String, String)> =
        expected.iter().map(|(m, p)| ((*m).to_owned(), (*p).to_owned())).collect();
    assert_eq!(operations, expected, "every route of the server is in the spec");

    // Real responses, good and bad, against their documented schemas.
    let (status, created) = app
        .post_json("/api/websites", &json!({ "url": "https://example.com", "name": "Example" }))
        .await;
    assert_matches_spec(&spec, "post", "/api/websites", status, &created);
    let id = created["id"].clone();
    let one = format!("/api/websites/{id}");
    let (status, hook) = app
        .post_json(
            "/api/channels",
            &json!({ "name": "ops", "kind": "webhook", "config": {
                "url": "https://hooks.example.com/x", "secret": "s", "headers": { "A": "b" } } }),
        )
        .await;
    assert_matches_spec(&spec, "post", "/api/channels", status, &hook);
    let channel = format!("/api/channels/{}", hook["id"]);
    let cases: Vec<(&str, &str, String, Option<Value>)> = vec![
        (
            "post",
            "/api/websites",
            "/api/websites".into(),
            Some(json!({ "url": "ftp://x", "name": "x" })),
        ),
        (
            "post",
            "/api/websites",
            "/api/websites".into(),
            Some(json!({ "url": "https://example.com", "name": "x" })),
        ),
        ("get", "/api/websites", "/api/websites".into(), None),
        ("get", "/api/websites/{id}", one.clone(), None),
        ("get", "/api/websites/{id}", "/api/websites/999".into(), None),
        ("get", "/api/websites/{id}/certificate", format!("{one}/certificate"), None),
        (
            "post",
            "/api/websites",
            "/api/websites".into(),
            Some(json!({ "url": "https://checked.example", "name": "x",
                "request": { "method": "POST", "headers": { "Authorization": "Bearer x" } },
                "assertions": [{ "kind": "json_path", "path": "$.ok", "op": "eq", "value": true }],
                "degraded_above_ms": 800 })),
        ),
        (
            "post",
            "/api/websites",
            "/api/websites".into(),
            Some(json!({ "url": "https://checked.example", "name": "x",
                "assertions": [{ "kind": "body_matches", "regex": "(" }] })),
        ),
        ("patch", "/api/websites/{id}", one.clone(), Some(json!({ "name": "Renamed" }))),
        ("patch", "/api/websites/{id}", one.clone(), Some(json!({ "name": null }))),
        ("get", "/api/websites/{id}/checks", format!("{one}/checks"), None),
        ("get", "/api/websites/{id}/checks", format!("{one}/checks?limit=0"), None),
        ("get", "/api/websites/{id}/downtimes", format!("{one}/downtimes"), None),
        ("get", "/api/websites/{id}/stats", format!("{one}/stats?window=7d"), None),
        ("get", "/api/websites/{id}/status", format!("{one}/status"), None),
        ("get", "/api/nodes", "/api/nodes".into(), None),
        (
            "post",
            "/api/status-pages",
            "/api/status-pages".into(),
            Some(json!({ "slug": "main", "title": "Main", "websites": [id] })),
        ),
        (
            "post",
            "/api/status-pages",
            "/api/status-pages".into(),
            Some(json!({ "slug": "main", "title": "Again" })),
        ),
        ("post", "/api/status-pages", "/api/status-pages".into(), Some(json!({ "slug": "-" }))),
        ("get", "/api/status-pages", "/api/status-pages".into(), None),
        ("get", "/api/status-pages/{slug}", "/api/status-pages/main".into(), None),
        ("get", "/api/status-pages/{slug}", "/api/status-pages/none".into(), None),
        (
            "patch",
            "/api/status-pages/{slug}",
            "/api/status-pages/main".into(),
            Some(json!({ "description": null, "websites": [] })),
        ),
        ("get", "/api/stats", "/api/stats?window=30d&limit=1".into(), None),
        ("get", "/api/stats", "/api/stats?cursor=x".into(), None),
        ("get", "/api/reports/sla", "/api/reports/sla".into(), None),
        ("get", "/api/reports/sla", "/api/reports/sla?target=101".into(), None),
        (
            "post",
            "/api/websites",
            "/api/websites".into(),
            Some(json!({ "url": "https://alerts.example", "name": "x",
                "alerts": { "failure_threshold": 3, "escalate": [] } })),
        ),
        (
            "post",
            "/api/websites",
            "/api/websites".into(),
            Some(json!({ "url": "https://alerts.example", "name": "x",
                "alerts": { "failure_threshold": 0 } })),
        ),
        ("patch", "/api/websites/{id}", one.clone(), Some(json!({ "alerts": null }))),
        ("get", "/api/channels", "/api/channels".into(), None),
        ("get", "/api/channels/{id}", channel.clone(), None),
        ("get", "/api/channels/{id}", "/api/channels/999".into(), None),
        (
            "post",
            "/api/channels",
            "/api/channels".into(),
            Some(json!({ "name": "x", "kind": "email", "config": { "to": ["nobody"] } })),
        ),
        (
            "post",
            "/api/channels",
            "/api/channels".into(),
            Some(
                json!({ "name": "mail", "kind": "email", "config": { "to": ["ops@example.com"] } }),
            ),
        ),
        (
            "post",
            "/api/channels",
            "/api/channels".into(),
            Some(json!({ "name": "chat", "kind": "slack",
                "config": { "webhook_url": "https://hooks.slack.com/services/T/B/x" } })),
        ),
        (
            "post",
            "/api/channels",
            "/api/channels".into(),
            Some(json!({ "name": "tpl", "kind": "template", "config": {
                "url": "https://events.example.com/", "body_template": "{\"e\": \"{{ event }}\"}",
                "headers": { "X-Token": "t" } } })),
        ),
        ("patch", "/api/channels/{id}", channel.clone(), Some(json!({ "default": true }))),
        ("patch", "/api/channels/{id}", channel.clone(), Some(json!({ "kind": "slack" }))),
        ("get", "/api/incidents", "/api/incidents".into(), None),
        ("get", "/api/incidents", "/api/incidents?state=shut".into(), None),
        ("get", "/api/incidents/{id}", "/api/incidents/999".into(), None),
        ("post", "/api/incidents/{id}/ack", "/api/incidents/999/ack".into(), Some(Value::Null)),
        ("get", "/api/deliveries", "/api/deliveries?status=dead".into(), None),
        ("get", "/api/deliveries", "/api/deliveries?limit=0".into(), None),
        (
            "post",
            "/api/deliveries/{id}/retry",
            "/api/deliveries/999/retry".into(),
            Some(Value::Null),
        ),
        (
            "post",
            "/api/maintenance",
            "/api/maintenance".into(),
            Some(json!({ "name": "patching", "all": true, "schedule": "0 3 * * sun",
                "duration_secs": 3600, "timezone": "Europe/Berlin" })),
        ),
        (
            "post",
            "/api/maintenance",
            "/api/maintenance".into(),
            Some(
                json!({ "name": "x", "all": true, "schedule": "0 3 * * sun", "duration_secs": 0 }),
            ),
        ),
        ("get", "/api/maintenance", "/api/maintenance".into(), None),
        ("get", "/api/maintenance/{id}", "/api/maintenance/1".into(), None),
        ("get", "/api/maintenance/{id}", "/api/maintenance/999".into(), None),
        (
            "patch",
            "/api/maintenance/{id}",
            "/api/maintenance/1".into(),
            Some(json!({ "starts_at": "2030-01-01T00:00:00Z", "ends_at": "2030-01-01T01:00:00Z" })),
        ),
        (
            "patch",
            "/api/maintenance/{id}",
            "/api/maintenance/1".into(),
            Some(json!({ "name": null })),
        ),
        ("get", "/health", "/health".into(), None),
        ("get", "/api/openapi.json", "/api/openapi.json".into(), None),
    ];
    for (method, documented, real, body) in cases {
        let (status, answer) = match body {
            Some(body) => {
                let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
                let bytes = serde_json::to_vec(&body).unwrap();
                app.send_raw(method, &real, Some("application/json"), bytes).await
            }
            None => app.get(&real).await,
        };
        assert_matches_spec(&spec, method, documented, status, &answer);
    }
    let response = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_matches_spec(&spec, "get", "/metrics", response.status().as_u16(), &Value::Null);
    for expected in [204, 404] {
        let (status, answer) = app.delete("/api/status-pages/main").await;
        assert_eq!(status, expected);
        assert_matches_spec(&spec, "delete", "/api/status-pages/{slug}", status, &answer);
    }
    let (status, _) = app.delete(&one).await;
    assert_matches_spec(&spec, "delete", "/api/websites/{id}", status, &Value::Null);
    let (status, _) = app.delete(&channel).await;
    assert_matches_spec(&spec, "delete", "/api/channels/{id}", status, &Value::Null);
    let (status, _) = app.delete("/api/maintenance/1").await;
    assert_eq!(status, 204);
    assert_matches_spec(&spec, "delete", "/api/maintenance/{id}", status, &Value::Null);
}
