//! Alerts through the real binary to the farm's webhook receiver: a receiver that fails and
//! throttles gets the event after retries (same dedup key every time, every attempt recorded),
//! a `kill -9` while a delivery is in flight loses nothing (issue 12, item 4), and an email
//! channel mails a real SMTP server, the resolved mail threaded under the firing one.

use std::time::Duration;

use lookout_target_farm::{Answer, SmtpReceiver, SmtpSecurity, TargetServer, WebhookReceiver};
use serde_json::{Value, json};

use crate::helpers::{TestApp, eventually, with_both_databases};

/// Checks every second; no grouping wait; a fixed node id (a restart takes its leases back).
const ENV: &[(&str, &str)] = &[
    ("LOOKOUT__MONITOR__MIN_INTERVAL_SECS", "1"),
    ("LOOKOUT__PROBE__TIMEOUT_SECS", "5"),
    ("LOOKOUT__PROBE__RETRIES", "0"),
    ("LOOKOUT__ALERTS__GROUP_WAIT_SECS", "0"),
    ("LOOKOUT__ALERTS__SEND_TIMEOUT_SECS", "3"),
    ("LOOKOUT__NODE__ID", "alerts-node"),
];

/// A webhook channel to the receiver's `/hook` and a failing site alerting on its first
/// failure; returns the site's id.
async fn failing_site(app: &TestApp, farm: &TargetServer, receiver: &WebhookReceiver) -> Value {
    let channel = json!({ "name": "ops", "kind": "webhook",
        "config": { "url": receiver.url("/hook"), "secret": "whsec-test-0123456789" } });
    let (status, channel) = app.post_json("/api/channels", &channel).await;
    assert_eq!(status, 201, "{channel}");
    farm.set_status("/down", 503);
    let site = json!({ "url": farm.url("/down"), "name": "Shop", "check_interval": 1,
        "alerts": { "channels": [channel["id"]], "failure_threshold": 1 } });
    let (status, site) = app.post_json("/api/websites", &site).await;
    assert_eq!(status, 201, "{site}");
    site["id"].clone()
}

with_both_databases!(a_failing_receiver_gets_the_event_after_retries, |db| {
    let farm = TargetServer::start().await;
    let receiver = WebhookReceiver::start().await;
    receiver.answer_next(
        "/hook",
        [Answer::Status(500), Answer::too_many_requests("1"), Answer::NO_CONTENT],
    );
    let app = TestApp::start(&db, ENV).await;
    let site = failing_site(&app, &farm, &receiver).await;
    let requests = receiver.wait_for("/hook", 3, Duration::from_secs(60)).await;
    let keys: Vec<_> =
        requests.iter().map(|r| r.header("idempotency-key").map(str::to_owned)).collect();
    assert_eq!(keys, vec![Some("incident-1-firing".to_owned()); 3], "the same event each time");
    let body = requests[2].json().unwrap();
    assert_eq!((&body["event"], &body["website"]["id"]), (&json!("firing"), &site));
    assert!(requests[2].header("x-lookout-signature").is_some_and(|s| s.contains(",v1=")));
    // The third attempt came at least the receiver's Retry-After after the second.
    assert!(requests[2].received_at - requests[1].received_at >= time::Duration::milliseconds(900));
    let delivered = eventually(Duration::from_secs(30), async || {
        let (_, list) = app.get("/api/deliveries?status=delivered").await;
        list.as_array()
            .is_some_and(|l| l.iter().any(|d| d["attempts"] == 3 && d["event"] == "firing"))
    })
    .await;
    assert!(delivered, "{}", app.get("/api/deliveries").await.1);
    let logs = app.logs().join("\n");
    assert!(logs.contains("will retry"), "a WARN per failed attempt");
    assert!(!logs.contains("whsec-test-0123456789"), "the secret is never logged");
});

with_both_databases!(a_kill_9_while_sending_loses_nothing, |db| {
    let farm = TargetServer::start().await;
    let receiver = WebhookReceiver::start().await;
    receiver.answer_all([Answer::Hang]);
    let app = TestApp::start(&db, ENV).await;
    failing_site(&app, &farm, &receiver).await;
    // The firing event is on the wire, unanswered, when the process dies.
    receiver.wait_for("/hook", 1, Duration::from_secs(60)).await;
    let _workdir = app.kill9();
    receiver.answer_all([Answer::NO_CONTENT]);
    let app = TestApp::start(&db, ENV).await;
    let requests = receiver.wait_for("/hook", 2, Duration::from_secs(90)).await;
    assert_eq!(requests[1].header("idempotency-key"), Some("incident-1-firing"));
    let delivered = eventually(Duration::from_secs(30), async || {
        let (_, list) = app.get("/api/deliveries?status=delivered").await;
        list.as_array().is_some_and(|l| l.iter().any(|d| d["event"] == "firing"))
    })
    .await;
    assert!(delivered, "{}", app.get("/api/deliveries").await.1);
    let firing = "SELECT COUNT(*) AS n FROM deliveries WHERE event = 'firing'";
    assert_eq!(db.count(firing).await, 1, "one delivery, sent twice: at least once");
});

with_both_databases!(an_email_channel_threads_the_resolved_mail_under_the_firing_one, |db| {
    let farm = TargetServer::start().await;
    let smtp = SmtpReceiver::start(SmtpSecurity::Plain).await;
    let port = smtp.port().to_string();
    let mut env = ENV.to_vec();
    env.extend([
        ("LOOKOUT__SMTP__HOST", "127.0.0.1"),
        ("LOOKOUT__SMTP__PORT", port.as_str()),
        ("LOOKOUT__SMTP__TLS", "none"),
        ("LOOKOUT__SMTP__FROM", "lookout@example.com"),
    ]);
    let app = TestApp::start(&db, &env).await;
    let channel = json!({ "name": "on-call", "kind": "email",
        "config": { "to": ["oncall@example.com"] } });
    let (status, channel) = app.post_json("/api/channels", &channel).await;
    assert_eq!(status, 201, "{channel}");
    farm.set_status("/shop", 503);
    let site = json!({ "url": farm.url("/shop"), "name": "Shop", "check_interval": 1,
        "alerts": { "channels": [channel["id"]], "failure_threshold": 1 } });
    let (status, site) = app.post_json("/api/websites", &site).await;
    assert_eq!(status, 201, "{site}");
    let firing = smtp.wait_for(1, Duration::from_secs(60)).await.remove(0);
    assert_eq!(firing.header("subject").as_deref(), Some("[lookout] DOWN: Shop"));
    assert_eq!(firing.rcpt_to, vec!["oncall@example.com".to_owned()]);
    farm.set_status("/shop", 200);
    let mails = smtp.wait_for(2, Duration::from_secs(60)).await;
    let resolved = &mails[1];
    assert_eq!(resolved.header("subject").as_deref(), Some("[lookout] RESOLVED: Shop"));
    let firing_id = firing.header("message-id").unwrap();
    assert_eq!(resolved.header("in-reply-to"), Some(firing_id), "threaded under the firing mail");
});
