//! Reading every list of a document: keys standing in for ids, `"***"` kept for the plan,
//! problems placed on their line.

use lookout_domain::IntervalBounds;
use lookout_domain::alerting::{ChannelConfig, MASK};
use lookout_domain::maintenance::MaintenanceScope;
use lookout_domain::manifest::{ItemKey, Ref};

use super::*;

fn key(raw: &str) -> ItemKey {
    ItemKey::parse(raw).unwrap()
}

#[test]
fn a_toml_document_declares_every_list_and_names_items_by_key_or_id() {
    let text = r#"
[[channels]]
key = "ops"
name = "Ops"
kind = "slack"
config = { webhook_url = "***" }

[[websites]]
key = "shop"
url = "https://shop.example.com/"
name = "Shop"
check_interval = 60
alerts = { channels = ["ops", 7], escalate = [{ after_secs = 600, channels = ["ops"] }] }

[[maintenance]]
name = "Nightly"
websites = ["shop", 3]
starts_at = "2026-12-10T02:00:00Z"
ends_at = "2026-12-10T03:00:00Z"

[[status_pages]]
slug = "public"
title = "Acme"
websites = ["shop"]
"#;
    let parsed = parse_document(text, DocumentFormat::Toml, IntervalBounds::default()).unwrap();
    let document = parsed.document;
    let channel = &document.channels[0];
    assert_eq!(channel.key, key("ops"));
    let ChannelConfig::Slack { webhook_url } = &channel.item.config else { panic!() };
    assert_eq!(webhook_url.expose(), MASK, "kept for the plan to take the stored secret");

    let alerts = document.websites[0].item.alerts.as_ref().unwrap();
    let seven = lookout_domain::alerting::ChannelId::new(7).unwrap();
    assert_eq!(alerts.channels, Some(vec![Ref::Key(key("ops")), Ref::Id(seven)]));
    assert_eq!(alerts.escalate.as_ref().unwrap()[0].channels, vec![Ref::Key(key("ops"))]);

    let window = &document.maintenance[0];
    assert_eq!(window.key, key("Nightly"), "a window's key defaults to its name");
    let three = lookout_domain::WebsiteId::new(3).unwrap();
    assert_eq!(
        window.item.scope,
        MaintenanceScope::Websites(vec![Ref::Id(three), Ref::Key(key("shop"))])
    );
    let page = &document.status_pages[0];
    assert_eq!((page.key.as_str(), &page.item.websites), ("public", &vec![Ref::Key(key("shop"))]));
}

#[test]
fn problems_in_the_new_lists_are_placed_on_their_lines() {
    let text = "channels:\n  - name: Ops\n    kind: slack\n    config:\n      webhook_url: not a url\n\
                status_pages:\n  - slug: Not A Slug\n    title: Acme\n\
                maintenance:\n  - name: Nightly\n    websites: [\"\"]\n";
    let errors = parse_document(text, DocumentFormat::Yaml, IntervalBounds::default()).unwrap_err();
    let placed: Vec<String> = errors.iter().map(|e| e.describe("d.yaml")).collect();
    assert!(
        placed.iter().any(|p| p.starts_with("d.yaml:5:7: channels[0].config.webhook_url: ")),
        "{placed:?}"
    );
    assert!(
        placed.iter().any(|p| p.starts_with("d.yaml:7:") && p.contains("status_pages[0].slug")),
        "{placed:?}"
    );
    assert!(
        placed.iter().any(|p| p.contains("maintenance[0].websites[0]: a key must not be empty")),
        "{placed:?}"
    );
}
