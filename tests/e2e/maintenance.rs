//! Maintenance windows through the real binary (issue 12, item 6): the API and its refusals,
//! a silenced site checked and marked but alerting no one (and its time left out of uptime),
//! a paused site not checked at all; ending the window brings both back.

use std::time::Duration;

use lookout_target_farm::{Answer, TargetServer, WebhookReceiver};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::helpers::{TestApp, eventually, with_both_databases};

const ENV: &[(&str, &str)] = &[
    ("LOOKOUT__MONITOR__MIN_INTERVAL_SECS", "1"),
    ("LOOKOUT__PROBE__RETRIES", "0"),
    ("LOOKOUT__ALERTS__GROUP_WAIT_SECS", "0"),
    ("LOOKOUT__LOG__CHECKS", "none"),
];

fn at(offset: time::Duration) -> String {
    (OffsetDateTime::now_utc() + offset).format(&Rfc3339).unwrap()
}

/// A site, created disabled (so that nothing is checked before its window exists).
async fn disabled_site(app: &TestApp, url: &str, name: &str) -> i64 {
    let body = json!({ "url": url, "name": name, "check_interval": 1, "enabled": false,
        "alerts": { "failure_threshold": 1 } });
    let (status, site) = app.post_json("/api/websites", &body).await;
    assert_eq!(status, 201, "{site}");
    site["id"].as_i64().unwrap()
}

async fn enable(app: &TestApp, site: i64) {
    let (status, body) =
        app.patch_json(&format!("/api/websites/{site}"), &json!({ "enabled": true })).await;
    assert_eq!(status, 200, "{body}");
}

async fn checks(app: &TestApp, site: i64) -> Vec<Value> {
    let (_, page) = app.get(&format!("/api/websites/{site}/checks?limit=100")).await;
    page["checks"].as_array().cloned().unwrap_or_default()
}

with_both_databases!(windows_are_created_listed_changed_and_deleted, |db| {
    let app = TestApp::start(&db, ENV).await;
    let site = app.create_website("https://example.com", "Shop").await["id"].as_i64().unwrap();
    let once = json!({ "name": "DB upgrade", "websites": [site], "mode": "pause",
        "starts_at": "2030-01-05T02:00:00Z", "ends_at": "2030-01-05T04:00:00+00:00" });
    let (status, created) = app.post_json("/api/maintenance", &once).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(
        (&created["mode"], &created["websites"], &created["all"]),
        (&json!("pause"), &json!([site]), &json!(false))
    );
    assert_eq!(
        (&created["active"], &created["next_starts_at"]),
        (&json!(false), &json!("2030-01-05T02:00:00Z"))
    );
    let unmanaged = (created.get("managed_by"), created.get("key"));
    assert_eq!(unmanaged, (Some(&Value::Null), Some(&Value::Null)), "no document manages it");
    let id = created["id"].as_i64().unwrap();

    // Weekly, Sundays 03:00 in Berlin: 02:00 UTC in winter.
    let weekly = json!({ "name": "patching", "all": true, "schedule": "0 3 * * sun",
        "duration_secs": 3600, "timezone": "Europe/Berlin", "from": "2030-01-01T00:00:00Z" });
    let (status, recurring) = app.post_json("/api/maintenance", &weekly).await;
    assert_eq!(status, 201, "{recurring}");
    assert_eq!(recurring["mode"], "silence", "the default mode");
    assert_eq!(recurring["next_starts_at"], "2030-01-06T02:00:00Z");
    assert_eq!(recurring["starts_at"], Value::Null);

    let (_, list) = app.get("/api/maintenance").await;
    assert_eq!(list.as_array().map(Vec::len), Some(2));
    // A one-off window becomes recurring: its one-off times go.
    let (status, changed) = app
        .patch_json(
            &format!("/api/maintenance/{id}"),
            &json!({ "schedule": "@daily", "duration_secs": 600 }),
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(
        (&changed["schedule"], &changed["starts_at"], &changed["timezone"]),
        (&json!("@daily"), &Value::Null, &json!("UTC"))
    );
    assert_eq!(app.get(&format!("/api/maintenance/{id}")).await.1, changed);
    assert_eq!(app.delete(&format!("/api/maintenance/{id}")).await.0, 204);
    assert_eq!(app.get(&format!("/api/maintenance/{id}")).await.0, 404);
    assert_eq!(app.delete(&format!("/api/maintenance/{id}")).await.0, 404);
    assert_eq!(app.get("/api/maintenance/abc").await.0, 404);
});

with_both_databases!(every_bad_window_is_a_422_naming_its_field, |db| {
    let app = TestApp::start(&db, ENV).await;
    let site = app.create_website("https://example.com", "Shop").await["id"].as_i64().unwrap();
    let base = json!({ "name": "w", "websites": [site], "starts_at": "2030-01-05T02:00:00Z",
        "ends_at": "2030-01-05T04:00:00Z" });
    let with = |patch: Value| {
        let mut body = base.clone();
        for (key, value) in patch.as_object().unwrap() {
            if value.is_null() {
                body.as_object_mut().unwrap().remove(key);
            } else {
                body[key] = value.clone();
            }
        }
        body
    };
    let recurring =
        json!({ "starts_at": null, "ends_at": null, "schedule": "0 2 * * *", "duration_secs": 60 });
    let cases = [
        (with(json!({ "name": "" })), "name"),
        (with(json!({ "websites": [] })), "websites"),
        (with(json!({ "websites": [site, 9999] })), "websites"),
        (with(json!({ "all": true })), "websites"),
        (with(json!({ "mode": "mute" })), "mode"),
        (with(json!({ "ends_at": "2030-01-05T01:00:00Z" })), "ends_at"),
        (with(json!({ "starts_at": "next tuesday" })), "starts_at"),
        (with(json!({ "starts_at": null, "ends_at": null })), "starts_at"),
        (with(json!({ "schedule": "@daily" })), "schedule"),
        (with(recurring.clone()).merged(json!({ "schedule": "61 * * * *" })), "schedule"),
        (with(recurring.clone()).merged(json!({ "timezone": "Europe/Atlantis" })), "timezone"),
        (with(recurring.clone()).merged(json!({ "duration_secs": 0 })), "duration_secs"),
        (
            with(recurring.clone())
                .merged(json!({ "from": "2030-02-01T00:00:00Z", "until": "2030-01-01T00:00:00Z" })),
            "until",
        ),
    ];
    for (body, field) in cases {
        let (status, error) = app.post_json("/api/maintenance", &body).await;
        assert_eq!((status, error["field"].as_str()), (422, Some(field)), "{body} → {error}");
    }
    let (_, unknown) =
        app.post_json("/api/maintenance", &with(json!({ "websites": [site, 9999] }))).await;
    assert_eq!(unknown["websites"], json!([9999]), "the unknown ids are named");
    let (status, _) = app.post_json("/api/maintenance", &with(json!({ "colour": "red" }))).await;
    assert!(status == 400 || status == 422, "an unknown field is refused");
    let (_, created) = app.post_json("/api/maintenance", &base).await;
    let path = format!("/api/maintenance/{}", created["id"]);
    let (status, error) = app.patch_json(&path, &json!({ "name": null })).await;
    assert_eq!((status, error["field"].as_str()), (422, Some("name")));
    let (status, error) =
        app.patch_json(&path, &json!({ "ends_at": "2030-01-05T01:00:00Z" })).await;
    assert_eq!((status, error["field"].as_str()), (422, Some("ends_at")));
    assert_eq!(
        app.get("/api/maintenance").await.1.as_array().map(Vec::len),
        Some(1),
        "nothing else written"
    );
});

with_both_databases!(a_silenced_site_is_checked_and_marked_and_alerts_no_one, |db| {
    let farm = TargetServer::start().await;
    farm.set_status("/down", 503);
    let receiver = WebhookReceiver::start().await;
    receiver.answer_all([Answer::NO_CONTENT]);
    let app = TestApp::start(&db, ENV).await;
    let channel = json!({ "name": "ops", "kind": "webhook", "default": true,
        "config": { "url": receiver.url("/hook") } });
    assert_eq!(app.post_json("/api/channels", &channel).await.0, 201);
    let site = disabled_site(&app, &farm.url("/down"), "Shop").await;
    // Every minute, a minute long: always on (a recurring window, in a zone with DST).
    let window = json!({ "name": "migration", "websites": [site], "mode": "silence",
        "schedule": "* * * * *", "duration_secs": 60, "timezone": "Europe/Berlin" });
    let (status, window) = app.post_json("/api/maintenance", &window).await;
    assert_eq!((status, &window["active"]), (201, &json!(true)), "{window}");
    enable(&app, site).await;

    assert!(
        eventually(Duration::from_secs(60), async || checks(&app, site).await.len() >= 3).await
    );
    let stored = checks(&app, site).await;
    assert!(
        stored.iter().all(|c| c["in_maintenance"] == true && c["is_available"] == false),
        "{stored:?}"
    );
    // An incident would have opened in the transaction that stored the check.
    assert_eq!(app.get("/api/incidents").await.1, json!([]));
    assert_eq!(app.get(&format!("/api/websites/{site}/status")).await.1["state"], "maintenance");
    let (_, stats) = app.get(&format!("/api/websites/{site}/stats?window=24h")).await;
    assert!(stats["maintenance_seconds"].as_f64().unwrap() > 0.0, "{stats}");
    assert_eq!(stats["total_downtime"], 0.0, "downtime in maintenance does not count: {stats}");
    let (_, sla) = app.get("/api/reports/sla").await;
    assert!(sla["sites"][0]["maintenance_seconds"].as_f64().unwrap() > 0.0, "{sla}");
    assert_eq!(sla["sites"][0]["breached"], false);

    // The window goes; the site is still down: the next failure opens the incident at once.
    assert_eq!(app.delete(&format!("/api/maintenance/{}", window["id"])).await.0, 204);
    let firing = receiver.wait_for("/hook", 1, Duration::from_secs(60)).await;
    assert_eq!(firing[0].json().unwrap()["event"], "firing");
    assert!(
        eventually(Duration::from_secs(30), async || {
            checks(&app, site).await.first().is_some_and(|c| c["in_maintenance"] == false)
        })
        .await
    );
});

with_both_databases!(a_paused_site_is_not_checked_until_its_window_ends, |db| {
    let farm = TargetServer::start().await;
    let app = TestApp::start(&db, ENV).await;
    let paused = disabled_site(&app, &farm.url("/paused"), "Paused").await;
    let control = disabled_site(&app, &farm.url("/control"), "Control").await;
    let window = json!({ "name": "move", "websites": [paused], "mode": "pause",
        "starts_at": at(-time::Duration::minutes(1)), "ends_at": at(time::Duration::hours(1)) });
    let (status, window) = app.post_json("/api/maintenance", &window).await;
    assert_eq!(status, 201, "{window}");
    enable(&app, paused).await;
    enable(&app, control).await;
    // The control site, on the same interval, is checked meanwhile; the paused one never.
    assert!(
        eventually(Duration::from_secs(60), async || checks(&app, control).await.len() >= 3).await
    );
    assert_eq!((checks(&app, paused).await.len(), farm.hits("/paused")), (0, 0));
    assert_eq!(app.get(&format!("/api/websites/{paused}/status")).await.1["state"], "maintenance");
    let metrics = app.metrics_text().await;
    assert!(metrics.contains("result=\"paused\""), "paused checks are counted");

    assert_eq!(app.delete(&format!("/api/maintenance/{}", window["id"])).await.0, 204);
    assert!(
        eventually(Duration::from_secs(60), async || !checks(&app, paused).await.is_empty()).await
    );
    assert!(farm.hits("/paused") >= 1);
});

/// `json!` objects merged (for the cases above).
trait Merged {
    fn merged(self, other: Value) -> Value;
}

impl Merged for Value {
    fn merged(mut self, other: Value) -> Value {
        for (key, value) in other.as_object().unwrap() {
            self[key] = value.clone();
        }
        self
    }
}
