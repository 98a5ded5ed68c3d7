//! A site's check settings through the API (issue 13): request options, assertions and the
//! degraded limit are kept and answered, secret header values never answered, every bad value
//! a 422 naming its field.

use serde_json::{Value, json};

use crate::helpers::on_both_backends;

fn settings() -> Value {
    json!({
        "url": "https://api.example.com/health",
        "name": "API",
        "request": {
            "method": "POST",
            "headers": {"Authorization": "Bearer s3cret", "X-Api-Key": "k3y", "Accept": "application/json"},
            "secret_headers": ["X-Api-Key"],
            "body": "{\"ping\": true}",
            "timeout_secs": 5,
            "follow_redirects": false,
            "http_version": "http1"
        },
        "assertions": [
            {"kind": "status", "any_of": [200, "2xx", "301-308"]},
            {"kind": "json_path", "path": "$.status", "op": "eq", "value": "up"},
            {"kind": "body_matches", "regex": "^\\{"},
            {"kind": "header", "name": "content-type", "op": "contains", "value": "json", "severity": "degraded"},
            {"kind": "response_time", "below_ms": 2000},
            {"kind": "tls_days_left", "above": 14}
        ],
        "degraded_above_ms": 800
    })
}

on_both_backends!(check_settings_are_kept_and_secrets_are_never_answered, |app| {
    let (status, created) = app.post_json("/api/websites", &settings()).await;
    assert_eq!(status, 201, "{created}");
    let request = &created["request"];
    assert_eq!(request["method"], "POST");
    assert_eq!(request["headers"]["Authorization"], "***");
    assert_eq!(request["headers"]["X-Api-Key"], "***");
    assert_eq!(request["headers"]["Accept"], "application/json");
    assert_eq!(request["timeout_secs"], 5);
    assert_eq!(request["http_version"], "http1");
    assert_eq!(created["assertions"], settings()["assertions"], "answered as sent");
    assert_eq!(created["degraded_above_ms"], 800);
    assert!(!created.to_string().contains("s3cret") && !created.to_string().contains("k3y"));
    let path = format!("/api/websites/{}", created["id"]);
    let (_, fetched) = app.get(&path).await;
    assert_eq!(fetched, created);

    // What was answered, sent back with a change: the secrets are kept, not set to "***".
    let mut request = created["request"].clone();
    request["headers"]["Accept"] = json!("*/*");
    let (status, patched) =
        app.patch_json(&path, &json!({"request": request, "degraded_above_ms": null})).await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["request"]["headers"]["Accept"], "*/*");
    assert_eq!(patched["degraded_above_ms"], Value::Null);
    assert_eq!(patched["assertions"], created["assertions"], "not sent: unchanged");
    let logs = app.logs().join("\n");
    assert!(!logs.contains("s3cret") && !logs.contains("k3y"), "secrets never logged");

    let (_, cleared) = app.patch_json(&path, &json!({"request": null, "assertions": []})).await;
    assert_eq!(
        (cleared["request"].clone(), cleared["assertions"].clone()),
        (Value::Null, json!([]))
    );
});

on_both_backends!(a_seed_client_sees_the_seed_behaviour, |app| {
    let (status, created) = app
        .post_json("/api/websites", &json!({"url": "https://example.com", "name": "Ex", "enabled": true, "check_interval": 60}))
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["request"], Value::Null);
    assert_eq!(created["assertions"], json!([]));
    assert_eq!(created["degraded_above_ms"], Value::Null);
});

on_both_backends!(every_bad_check_setting_is_a_422_naming_its_field, |app| {
    let cases: Vec<(Value, &str)> = vec![
        (json!({"request": {"method": "FETCH"}}), "request.method"),
        (json!({"request": {"headers": {"X Bad": "v"}}}), "request.headers.X Bad"),
        (json!({"request": {"headers": {"X-Evil": "a\r\nInjected: 1"}}}), "request.headers.X-Evil"),
        (
            json!({"request": {"headers": {"Content-Length": "3"}}}),
            "request.headers.Content-Length",
        ),
        (json!({"request": {"timeout_secs": 0}}), "request.timeout_secs"),
        (json!({"request": {"timeout_secs": 61}}), "request.timeout_secs"),
        (json!({"request": {"http_version": "http3"}}), "request.http_version"),
        (json!({"assertions": [{"kind": "nope"}]}), "assertions[0].kind"),
        (
            json!({"assertions": [{"kind": "status", "any_of": [200]}, {"kind": "body_matches", "regex": "(a"}]}),
            "assertions[1].regex",
        ),
        (
            json!({"assertions": [{"kind": "json_path", "path": "$..[", "op": "eq", "value": 1}]}),
            "assertions[0].path",
        ),
        (
            json!({"assertions": [{"kind": "json_path", "path": "$.a", "op": "like", "value": 1}]}),
            "assertions[0].op",
        ),
        (json!({"assertions": [{"kind": "status", "any_of": ["7xx"]}]}), "assertions[0].any_of[0]"),
        (
            json!({"assertions": [{"kind": "response_time", "below_ms": -5}]}),
            "assertions[0].below_ms",
        ),
        (
            json!({"assertions": [{"kind": "body_contains", "value": "x", "severity": "meh"}]}),
            "assertions[0].severity",
        ),
        (json!({"degraded_above_ms": 0}), "degraded_above_ms"),
    ];
    for (extra, field) in cases {
        let mut body = json!({"url": "https://bad.example", "name": "Bad"});
        for (key, value) in extra.as_object().unwrap() {
            body[key] = value.clone();
        }
        let (status, answer) = app.post_json("/api/websites", &body).await;
        assert_eq!(status, 422, "{body} → {answer}");
        assert_eq!(answer["field"], field, "{body} → {answer}");
        assert!(answer["message"].as_str().is_some_and(|m| !m.is_empty()), "{answer}");
    }
    let (_, listed) = app.get("/api/websites").await;
    assert_eq!(listed, json!([]), "nothing stored");
    let many: Vec<Value> =
        (0..21).map(|_| json!({"kind": "body_contains", "value": "ok"})).collect();
    let body = json!({"url": "https://bad.example", "name": "Bad", "assertions": many});
    let (status, answer) = app.post_json("/api/websites", &body).await;
    assert_eq!((status, answer["field"].as_str()), (422, Some("assertions")), "{answer}");
});
