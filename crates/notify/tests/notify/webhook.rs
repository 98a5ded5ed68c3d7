//! Webhook channels: the documented body, the headers, the signature, groups, HTTPS.

use hmac::{Hmac, KeyInit, Mac};
use lookout_domain::alerting::{AlertEvent, ChannelId, EventKind, Notifier, SendOutcome};
use lookout_notify::NotifyOptions;
use lookout_target_farm::{Answer, TestCa, Tls, WebhookReceiver};
use sha2::Sha256;

use crate::helpers::{NOW, event, header, notifier, notifier_with, webhook};

fn verify(secret: &str, signature: &str, body: &[u8]) -> i64 {
    let (t, v1) = signature.split_once(",v1=").unwrap();
    let t = t.strip_prefix("t=").unwrap();
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    let expected: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(v1, expected, "the signature verifies with the secret");
    t.parse().unwrap()
}

#[tokio::test]
async fn one_event_is_posted_as_the_documented_json_signed_with_the_secret() {
    let receiver = WebhookReceiver::start().await;
    let channel = webhook(
        &receiver.url("/hook"),
        Some("whsec-very-secret"),
        vec![header("X-Team", "ops"), header("Authorization", "Bearer abc123")],
    );
    let outcome = notifier().send(&channel, &[event(EventKind::Firing, 7)], NOW).await;
    assert_eq!(outcome, SendOutcome::Delivered { status_code: Some(204) });

    let [request] = receiver.requests("/hook").try_into().unwrap();
    assert_eq!(request.method, "POST");
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("user-agent"), Some(concat!("lookout/", env!("CARGO_PKG_VERSION"))));
    assert_eq!(request.header("idempotency-key"), Some("incident-7-firing"));
    assert_eq!(request.header("x-team"), Some("ops"));
    assert_eq!(request.header("authorization"), Some("Bearer abc123"));
    let t =
        verify("whsec-very-secret", request.header("x-lookout-signature").unwrap(), &request.body);
    assert_eq!(t, NOW.unix_timestamp());

    let body = request.json().unwrap();
    let keys: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
    for key in ["version", "event", "dedup_key", "sent_at", "incident", "website", "check"] {
        assert!(keys.contains(&key), "{key} in {keys:?}");
    }
    assert_eq!(body["version"], 1);
    assert_eq!(body["event"], "firing");
    assert_eq!(body["dedup_key"], "incident-7-firing");
    assert_eq!(body["sent_at"], "2026-11-30T03:04:12Z");
    assert_eq!(body["incident"]["id"], 7);
    assert_eq!(body["incident"]["opened_at"], "2026-11-30T03:00:00Z");
    assert_eq!(body["incident"]["resolved_at"], serde_json::Value::Null);
    assert_eq!(body["incident"]["duration_secs"], 252);
    assert_eq!(body["incident"]["acknowledged"], false);
    assert_eq!(body["website"]["name"], "Shop");
    assert_eq!(body["website"]["url"], "https://site7.example/");
    assert_eq!(body["check"]["status_code"], 503);
}

#[tokio::test]
async fn without_a_secret_there_is_no_signature() {
    let receiver = WebhookReceiver::start().await;
    let channel = webhook(&receiver.url("/plain"), None, vec![]);
    let outcome = notifier().send(&channel, &[event(EventKind::Resolved, 7)], NOW).await;
    assert!(matches!(outcome, SendOutcome::Delivered { .. }));
    let [request] = receiver.requests("/plain").try_into().unwrap();
    assert_eq!(request.header("x-lookout-signature"), None);
    assert_eq!(request.json().unwrap()["event"], "resolved");
}

#[tokio::test]
async fn several_events_go_out_as_one_group() {
    let receiver = WebhookReceiver::start().await;
    let channel = webhook(&receiver.url("/group"), Some("s3cret-key"), vec![]);
    let events =
        [event(EventKind::Firing, 1), event(EventKind::Firing, 2), event(EventKind::Resolved, 3)];
    let outcome = notifier().send(&channel, &events, NOW).await;
    assert!(matches!(outcome, SendOutcome::Delivered { .. }));

    let [request] = receiver.requests("/group").try_into().unwrap();
    let body = request.json().unwrap();
    assert_eq!(body["version"], 1);
    assert_eq!(body["event"], "group");
    assert_eq!(body["sent_at"], "2026-11-30T03:04:12Z");
    let key = body["dedup_key"].as_str().unwrap();
    assert!(key.starts_with("group-"), "{key}");
    assert_eq!(request.header("idempotency-key"), Some(key));
    let inner = body["events"].as_array().unwrap();
    let keys: Vec<&str> = inner.iter().map(|e| e["dedup_key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["incident-1-firing", "incident-2-firing", "incident-3-resolved"]);
    assert!(inner.iter().all(|e| e["sent_at"] == "2026-11-30T03:04:12Z" && e["version"] == 1));
    verify("s3cret-key", request.header("x-lookout-signature").unwrap(), &request.body);

    // The same events in another order: the same key, so a receiver can drop a redelivery.
    let reordered = [events[2].clone(), events[0].clone(), events[1].clone()];
    notifier().send(&channel, &reordered, NOW).await;
    let requests = receiver.requests("/group");
    assert_eq!(requests[1].header("idempotency-key"), Some(key));
}

#[tokio::test]
async fn https_receivers_are_reached_with_the_trusted_ca() {
    let ca = TestCa::new();
    let receiver = WebhookReceiver::start_with(
        Tls::Https(ca.server_config(&["localhost"], false)),
        "127.0.0.1:0",
    )
    .await;
    let channel = webhook(&receiver.url("/tls"), None, vec![]);
    let trusting = notifier_with(NotifyOptions {
        extra_roots: vec![ca.certificate()],
        addresses: lookout_domain::website::AddressPolicy::allow_all(),
        ..NotifyOptions::default()
    });
    let outcome = trusting.send(&channel, &[event(EventKind::Firing, 7)], NOW).await;
    assert_eq!(outcome, SendOutcome::Delivered { status_code: Some(204) });

    // Without the CA the certificate is not trusted: a TLS error, retried.
    let outcome = notifier().send(&channel, &[event(EventKind::Firing, 7)], NOW).await;
    let SendOutcome::Retry { error, .. } = outcome else { panic!("{outcome:?}") };
    assert!(error.starts_with("tls:"), "{error}");
    assert_eq!(receiver.count("/tls"), 1);
}

#[tokio::test]
async fn a_200_with_a_body_counts_as_delivered() {
    let receiver = WebhookReceiver::start().await;
    receiver.answer_next("/ok", [Answer::OK]);
    let channel = webhook(&receiver.url("/ok"), None, vec![]);
    let test = AlertEvent::test(ChannelId::MIN, NOW);
    let outcome = notifier().send(&channel, &[test], NOW).await;
    assert_eq!(outcome, SendOutcome::Delivered { status_code: Some(200) });
    let body = receiver.requests("/ok")[0].json().unwrap();
    assert_eq!(body["event"], "test");
    assert_eq!(body["website"], serde_json::Value::Null);
}
