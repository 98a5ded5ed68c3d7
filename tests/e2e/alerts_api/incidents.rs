//! Incidents and deliveries: the list filters (a bad value is a 422 naming the parameter),
//! 404s, and one incident through its life — opened by failing checks, notified, acknowledged,
//! resolved — on both backends.

use std::time::Duration;

use lookout_target_farm::TargetServer;
use serde_json::{Value, json};

use super::{assert_error, assert_invalid, post, webhook};
use crate::helpers::{TestApp, eventually, on_both_backends, with_both_databases};
use lookout_target_farm::WebhookReceiver;

on_both_backends!(bad_list_parameters_are_422_and_unknown_ids_404, |app| {
    assert_eq!(app.get("/api/incidents").await, (200, json!([])));
    assert_eq!(app.get("/api/deliveries").await, (200, json!([])));
    for query in ["state=open", "state=resolved&website_id=7&limit=1000", "limit=1"] {
        assert_eq!(app.get(&format!("/api/incidents?{query}")).await, (200, json!([])), "{query}");
    }
    for query in ["status=pending", "status=failed", "status=dead", "status=delivered&limit=5"] {
        assert_eq!(app.get(&format!("/api/deliveries?{query}")).await, (200, json!([])), "{query}");
    }
    for (query, field) in [
        ("state=closed", "state"),
        ("state=", "state"),
        ("website_id=abc", "website_id"),
        ("website_id=0", "website_id"),
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("limit=ten", "limit"),
    ] {
        assert_invalid(app.get(&format!("/api/incidents?{query}")).await, field);
    }
    for (query, field) in [("status=sent", "status"), ("limit=0", "limit"), ("limit=-1", "limit")] {
        assert_invalid(app.get(&format!("/api/deliveries?{query}")).await, field);
    }
    let (status, body) = app.get("/api/incidents?colour=red").await;
    assert_eq!((status, &body["code"]), (422, &json!("validation_failed")), "{body}");
    for raw in ["999", "0", "abc"] {
        assert_error(app.get(&format!("/api/incidents/{raw}")).await, 404, "not_found", None);
        let ack = format!("/api/incidents/{raw}/ack");
        assert_error(post(&app, &ack).await, 404, "not_found", None);
        let retry = format!("/api/deliveries/{raw}/retry");
        assert_error(post(&app, &retry).await, 404, "not_found", None);
    }
    let (status, _) = app.get("/api/incidents/1/ack").await;
    assert_eq!(status, 405);
});

/// Checks every second, no retries, events sent at once.
const FAST: &[(&str, &str)] = &[
    ("LOOKOUT__MONITOR__MIN_INTERVAL_SECS", "1"),
    ("LOOKOUT__PROBE__TIMEOUT_SECS", "5"),
    ("LOOKOUT__PROBE__RETRIES", "0"),
    ("LOOKOUT__ALERTS__GROUP_WAIT_SECS", "0"),
];

/// The site's incidents in `state`.
async fn incidents(app: &TestApp, site: &Value, state: &str) -> Vec<Value> {
    let (status, list) = app.get(&format!("/api/incidents?state={state}&website_id={site}")).await;
    assert_eq!(status, 200, "{list}");
    list.as_array().unwrap().clone()
}

with_both_databases!(an_incident_opens_is_acknowledged_and_resolves, |db| {
    let farm = TargetServer::start().await;
    farm.set_status("/flaky", 503);
    let receiver = WebhookReceiver::start().await;
    let app = TestApp::start(&db, FAST).await;
    let hook = webhook(&app, "ops", &receiver.url("/hook")).await;
    let body = json!({ "url": farm.url("/flaky"), "name": "Flaky", "check_interval": 1,
        "alerts": { "channels": [hook], "failure_threshold": 1, "success_threshold": 1,
            "confirm_after_secs": 1 } });
    let (status, site) = app.post_json("/api/websites", &body).await;
    assert_eq!(status, 201, "{site}");
    let id = site["id"].clone();
    let opened =
        eventually(Duration::from_secs(30), async || incidents(&app, &id, "open").await.len() == 1)
            .await;
    assert!(opened, "an incident opens: {}", app.logs().join("\n"));
    let incident = incidents(&app, &id, "open").await.remove(0);
    assert_eq!(incident["website_id"], id);
    assert_eq!(incident["website_name"], "Flaky");
    assert_eq!(incident["state"], "open");
    assert_eq!(incident["resolved_at"], Value::Null);
    assert_eq!(incident["acknowledged"], false);
    assert!(incident["duration_secs"].as_i64().is_some_and(|d| d >= 0), "{incident}");
    let path = format!("/api/incidents/{}", incident["id"]);

    // The firing event reaches the channel and is listed with the incident.
    let delivered = eventually(Duration::from_secs(30), async || {
        let (_, detail) = app.get(&path).await;
        detail["notifications"].as_array().is_some_and(|list| {
            list.iter().any(|n| n["event"] == "firing" && n["status"] == "delivered")
        })
    })
    .await;
    assert!(delivered, "the firing event is delivered: {}", app.get(&path).await.1);
    let (_, detail) = app.get(&path).await;
    let firing = detail["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["event"] == "firing")
        .unwrap()
        .clone();
    assert_eq!(firing["channel_id"], hook);
    assert_eq!(firing["channel_name"], "ops");
    assert_eq!(firing["channel_kind"], "webhook");
    assert!(firing["dedup_key"].as_str().is_some_and(|k| !k.is_empty()), "{firing}");
    assert!(firing["delivered_at"].is_string(), "{firing}");
    assert!(receiver.requests("/hook").iter().any(|r| {
        serde_json::from_slice::<Value>(&r.body).is_ok_and(|e| e["event"] == "firing")
            && r.header("idempotency-key") == firing["dedup_key"].as_str()
    }));
    let (_, delivered) = app.get("/api/deliveries?status=delivered").await;
    let listed = delivered.as_array().unwrap().iter().find(|d| d["id"] == firing["id"]).cloned();
    assert_eq!(listed.map(|d| d["incident_id"].clone()), Some(incident["id"].clone()));

    // Acknowledged once; acknowledging again keeps the first time.
    let (status, acked) = post(&app, &format!("{path}/ack")).await;
    assert_eq!(status, 200, "{acked}");
    assert_eq!(acked["id"], incident["id"]);
    assert_eq!(acked["acknowledged"], true);
    assert!(acked["acknowledged_at"].is_string(), "{acked}");
    let (_, again) = post(&app, &format!("{path}/ack")).await;
    assert_eq!(again["acknowledged_at"], acked["acknowledged_at"]);

    // Back up: the incident resolves, and shows under `resolved` only.
    farm.set_status("/flaky", 200);
    let resolved = eventually(Duration::from_secs(30), async || {
        incidents(&app, &id, "resolved").await.len() == 1
    })
    .await;
    assert!(resolved, "the incident resolves: {}", app.get(&path).await.1);
    assert!(incidents(&app, &id, "open").await.is_empty());
    let (_, done) = app.get(&path).await;
    assert_eq!(done["state"], "resolved");
    assert!(done["resolved_at"].is_string(), "{done}");
    let (_, other_site) = app.get("/api/incidents?website_id=424242").await;
    assert_eq!(other_site, json!([]));
    let (_, one) = app.get("/api/incidents?limit=1").await;
    assert_eq!(one.as_array().unwrap().len(), 1);
});
