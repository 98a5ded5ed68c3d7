//! Channel CRUD on both backends: every kind round trips with its secrets shown as `"***"`, a
//! secret sent back as `"***"` keeps the stored value, the test send, deletion.

use std::time::Duration;

use serde_json::{Value, json};

use super::{WITH_SMTP, create_channel, post, webhook};
use crate::helpers::{TestApp, eventually, on_both_backends, with_both_databases};
use lookout_target_farm::WebhookReceiver;

/// Every secret the tests send; none may appear in any answer.
const SECRETS: [&str; 4] = ["s3cret-signing", "Bearer t0ken", "T000/B000/xyz", "tmpl-t0ken"];

fn assert_no_secret(body: &Value) {
    let text = body.to_string();
    for secret in SECRETS {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
}

with_both_databases!(every_kind_round_trips_with_secrets_masked, |db| {
    let app = TestApp::start(&db, WITH_SMTP).await;
    let response = app
        .client
        .post(app.url("/api/channels"))
        .json(&json!({ "name": "  ops  ", "kind": "webhook", "default": true, "config": {
            "url": "https://hooks.example.com/lookout", "secret": "s3cret-signing",
            "headers": { "Authorization": "Bearer t0ken" } } }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let hook: Value = response.json().await.unwrap();
    assert_eq!(location, format!("/api/channels/{}", hook["id"]));
    assert_eq!(hook["name"], "ops");
    assert_eq!(hook["kind"], "webhook");
    assert_eq!(hook["default"], true);
    let unmanaged = (hook.get("managed_by"), hook.get("key"));
    assert_eq!(unmanaged, (Some(&Value::Null), Some(&Value::Null)), "no document manages it");
    assert_eq!(
        hook["config"],
        json!({ "url": "https://hooks.example.com/lookout", "secret": "***",
            "headers": { "Authorization": "***" } })
    );
    assert!(hook["created_at"].as_str().is_some_and(|t| t.ends_with('Z')), "{hook}");
    assert_eq!(app.get(&location).await, (200, hook.clone()));

    let slack = create_channel(
        &app,
        json!({ "name": "chat", "kind": "slack",
        "config": { "webhook_url": "https://hooks.slack.com/services/T000/B000/xyz" } }),
    )
    .await;
    assert_eq!(slack["config"], json!({ "webhook_url": "***" }));
    assert_eq!(slack["default"], false);
    let mail = create_channel(
        &app,
        json!({ "name": "mail", "kind": "email",
        "config": { "to": ["ops@example.com", "oncall@example.org"] } }),
    )
    .await;
    assert_eq!(mail["config"], json!({ "to": ["ops@example.com", "oncall@example.org"] }));
    let template = create_channel(
        &app,
        json!({ "name": "pager", "kind": "template", "config": {
        "url": "https://events.example.com/v2/enqueue", "headers": { "X-Token": "tmpl-t0ken" },
        "body_template": "{\"summary\": \"{{ event }} {{ website.name }}\"}" } }),
    )
    .await;
    assert_eq!(
        template["config"],
        json!({ "url": "https://events.example.com/v2/enqueue", "method": "POST",
            "headers": { "X-Token": "***" }, "content_type": "application/json",
            "body_template": "{\"summary\": \"{{ event }} {{ website.name }}\"}" })
    );

    let (status, list) = app.get("/api/channels").await;
    assert_eq!(status, 200);
    assert_eq!(list, json!([hook, slack, mail, template]), "ordered by id");
    assert_no_secret(&list);
    for line in app.logs() {
        for secret in SECRETS {
            assert!(!line.contains(secret), "{secret} logged: {line}");
        }
    }
});

on_both_backends!(patch_changes_fields_and_the_mask_keeps_secrets, |app| {
    let receiver = WebhookReceiver::start().await;
    let created = create_channel(
        &app,
        json!({ "name": "ops", "kind": "webhook", "config": {
        "url": "https://old.example.com/hook", "secret": "s3cret-signing",
        "headers": { "Authorization": "Bearer t0ken" } } }),
    )
    .await;
    let path = format!("/api/channels/{}", created["id"]);

    // One field at a time keeps the others.
    let (status, renamed) = app.patch_json(&path, &json!({ "name": "ops-2" })).await;
    assert_eq!(status, 200, "{renamed}");
    assert_eq!(renamed["name"], "ops-2");
    assert_eq!(renamed["config"], created["config"]);
    assert_eq!(renamed["created_at"], created["created_at"]);
    let (status, flagged) = app.patch_json(&path, &json!({ "default": true })).await;
    assert_eq!(
        (status, &flagged["default"], &flagged["name"]),
        (200, &json!(true), &json!("ops-2"))
    );
    assert_eq!(app.patch_json(&path, &json!({})).await.0, 200, "an empty patch changes nothing");

    // The config as shown, sent back with a new url: the secrets stay.
    let mut config = created["config"].clone();
    config["url"] = json!(receiver.url("/hook"));
    let (status, moved) =
        app.patch_json(&path, &json!({ "kind": "webhook", "config": config })).await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(
        moved["config"],
        json!({ "url": receiver.url("/hook"), "secret": "***",
        "headers": { "Authorization": "***" } })
    );
    assert_eq!(app.get(&path).await, (200, moved.clone()));

    // The test send shows what is stored: the header's value and a signature.
    let (status, test) = post(&app, &format!("{path}/test")).await;
    assert_eq!(status, 200, "{test}");
    assert_eq!(test["status"], "delivered", "{test}");
    assert_eq!(test["status_code"], 204, "the receiver answers 204 No Content");
    assert_eq!(test["error"], Value::Null);
    assert!(test["delivery_id"].as_i64().is_some_and(|id| id > 0), "{test}");
    assert!(
        eventually(Duration::from_secs(10), async || !receiver.requests("/hook").is_empty()).await
    );
    let request = receiver.requests("/hook").remove(0);
    assert_eq!(request.header("authorization"), Some("Bearer t0ken"));
    assert!(
        request.header("x-lookout-signature").is_some_and(|s| s.starts_with("t=")),
        "signed with the kept secret: {:?}",
        request.headers
    );
    let event: Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(event["event"], "test", "{event}");

    // Leaving the secret out removes it; a header sent with a new value replaces it.
    let config =
        json!({ "url": receiver.url("/hook"), "headers": { "Authorization": "Bearer new" } });
    let (status, unsigned) = app.patch_json(&path, &json!({ "config": config })).await;
    assert_eq!(status, 200, "{unsigned}");
    assert_eq!(
        unsigned["config"],
        json!({ "url": receiver.url("/hook"),
        "headers": { "Authorization": "***" } })
    );
    let (status, test) = post(&app, &format!("{path}/test")).await;
    assert_eq!((status, &test["status"]), (200, &json!("delivered")), "{test}");
    assert!(
        eventually(Duration::from_secs(10), async || receiver.requests("/hook").len() >= 2).await
    );
    let request = receiver.requests("/hook").remove(1);
    assert_eq!(request.header("authorization"), Some("Bearer new"));
    assert_eq!(request.header("x-lookout-signature"), None);
    assert!(unsigned["updated_at"].as_str() >= created["updated_at"].as_str());
});

on_both_backends!(a_failed_test_send_is_reported_and_listed, |app| {
    let farm = lookout_target_farm::TargetServer::start().await;
    let id = webhook(&app, "broken", &farm.url("/hook?status=500")).await;
    let (status, test) = post(&app, &format!("/api/channels/{id}/test")).await;
    assert_eq!(status, 200, "{test}");
    assert_eq!(test["status"], "failed", "{test}");
    assert_eq!(test["status_code"], 500);
    assert!(test["error"].as_str().is_some_and(|e| !e.is_empty()), "{test}");
    // A test is not retried: it is dead at once.
    let (status, dead) = app.get("/api/deliveries?status=dead").await;
    assert_eq!(status, 200);
    let delivery = dead
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == test["delivery_id"])
        .unwrap_or_else(|| panic!("the test delivery is listed as dead: {dead}"))
        .clone();
    assert_eq!(delivery["channel_id"], id);
    assert_eq!(delivery["channel_name"], "broken");
    assert_eq!(delivery["channel_kind"], "webhook");
    assert_eq!(delivery["event"], "test");
    assert_eq!(delivery["incident_id"], Value::Null);
    assert_eq!(delivery["attempts"], 1);
    assert!(delivery["last_error"].is_string(), "{delivery}");
    let (status, delivered) = app.get("/api/deliveries?status=delivered").await;
    assert_eq!(status, 200);
    assert!(delivered.as_array().unwrap().iter().all(|d| d["id"] != test["delivery_id"]));

    // Retried by hand: due again.
    let retry = format!("/api/deliveries/{}/retry", test["delivery_id"]);
    let (status, again) = post(&app, &retry).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["id"], test["delivery_id"]);
    assert_ne!(again["status"], "dead", "{again}");
});

on_both_backends!(delete_then_404, |app| {
    let id = webhook(&app, "gone", "https://hooks.example.com/x").await;
    let path = format!("/api/channels/{id}");
    assert_eq!(app.delete(&path).await, (204, Value::Null));
    for (status, body) in [
        app.get(&path).await,
        app.delete(&path).await,
        app.patch_json(&path, &json!({ "name": "x" })).await,
        post(&app, &format!("{path}/test")).await,
    ] {
        assert_eq!(status, 404, "{body}");
        assert_eq!(body["code"], "not_found");
    }
    assert_eq!(app.get("/api/channels").await, (200, json!([])));
});
