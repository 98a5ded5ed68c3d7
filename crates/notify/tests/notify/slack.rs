//! Slack channels: an incoming-webhook message a tired on-call engineer reads at a glance.

use lookout_domain::alerting::{AlertEvent, ChannelId, EventKind, Notifier, SendOutcome};
use lookout_target_farm::WebhookReceiver;

use crate::helpers::{NOW, event, notifier, slack};

async fn sent(events: &[AlertEvent]) -> serde_json::Value {
    let receiver = WebhookReceiver::start().await;
    let channel = slack(&receiver.url("/services/T000/B000/XXXXsecret"));
    let outcome = notifier().send(&channel, events, NOW).await;
    assert!(matches!(outcome, SendOutcome::Delivered { .. }), "{outcome:?}");
    let [request] = receiver.requests("/services/T000/B000/XXXXsecret").try_into().unwrap();
    assert_eq!(request.method, "POST");
    assert_eq!(request.header("content-type"), Some("application/json"));
    request.json().unwrap()
}

fn block_texts(message: &serde_json::Value) -> String {
    message["blocks"].to_string()
}

#[tokio::test]
async fn a_site_going_down_reads_at_a_glance() {
    let message = sent(&[event(EventKind::Firing, 7)]).await;
    assert_eq!(message["text"], "🔴 DOWN: Shop — HTTP 503");
    let blocks = block_texts(&message);
    assert!(blocks.contains("<https://site7.example/|https://site7.example/>"), "{blocks}");
    assert!(blocks.contains("Down since*\\n2026-11-30 03:00:00 UTC"), "{blocks}");
    assert!(blocks.contains("Down for*\\n4m 12s"), "{blocks}");
    assert!(blocks.contains("Last error*\\nHTTP 503"), "{blocks}");
    assert!(blocks.contains("Incident*\\n#7"), "{blocks}");
}

#[tokio::test]
async fn every_event_has_its_own_words() {
    let resolved = sent(&[event(EventKind::Resolved, 7)]).await;
    assert_eq!(resolved["text"], "✅ RESOLVED: Shop — down for 4m 12s");
    let reminder = sent(&[event(EventKind::Reminder, 7)]).await;
    assert!(reminder["text"].as_str().unwrap().starts_with("🔁 STILL DOWN: Shop"));
    let escalated = sent(&[event(EventKind::Escalated, 7)]).await;
    assert!(escalated["text"].as_str().unwrap().starts_with("⏫ ESCALATED: Shop"));
    let test = sent(&[AlertEvent::test(ChannelId::MIN, NOW)]).await;
    assert_eq!(test["text"], "🧪 Test from lookout");
}

#[tokio::test]
async fn a_group_counts_and_lists_the_sites() {
    let mut events: Vec<AlertEvent> = (1..=24).map(|id| event(EventKind::Firing, id)).collect();
    events.push(event(EventKind::Resolved, 30));
    let message = sent(&events).await;
    assert_eq!(message["text"], "24 sites down, 1 recovered");
    let blocks = message["blocks"].as_array().unwrap();
    let lines: Vec<&str> = blocks
        .iter()
        .filter(|b| b["type"] == "section")
        .map(|b| b["text"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(lines.len(), 21, "20 sites, then the rest counted");
    assert!(lines[0].contains("<https://site1.example/|Site 1>"), "{}", lines[0]);
    assert_eq!(lines[20], "…and 5 more");
}
