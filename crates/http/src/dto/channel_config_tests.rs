use serde_json::{Value, json};

use super::*;

fn field_of(kind: ChannelKind, raw: Value) -> String {
    let error = parse_config(kind, raw.clone(), None).expect_err(&raw.to_string());
    error.field().unwrap_or_default().to_owned()
}

fn shown(config: &ChannelConfig) -> Value {
    serde_json::to_value(ChannelConfigBody::from(config)).unwrap()
}

#[test]
fn every_kind_parses_and_is_shown_with_its_secrets_masked() {
    let webhook = parse_config(
        ChannelKind::Webhook,
        json!({ "url": "https://hooks.example/x", "secret": "s3cret",
            "headers": { "Authorization": "Bearer t0ken" } }),
        None,
    )
    .unwrap();
    assert_eq!(
        shown(&webhook),
        json!({ "url": "https://hooks.example/x", "secret": "***",
            "headers": { "Authorization": "***" } })
    );
    let slack = parse_config(
        ChannelKind::Slack,
        json!({ "webhook_url": "https://hooks.slack.com/services/T/B/x" }),
        None,
    )
    .unwrap();
    assert_eq!(shown(&slack), json!({ "webhook_url": "***" }));
    let email =
        parse_config(ChannelKind::Email, json!({ "to": ["ops@example.com"] }), None).unwrap();
    assert_eq!(shown(&email), json!({ "to": ["ops@example.com"] }));
    let template = parse_config(
        ChannelKind::Template,
        json!({ "url": "https://api.example/alert", "body_template": "{\"e\": \"{{ event }}\"}" }),
        None,
    )
    .unwrap();
    assert_eq!(
        shown(&template),
        json!({ "url": "https://api.example/alert", "method": "POST", "headers": {},
            "content_type": "application/json", "body_template": "{\"e\": \"{{ event }}\"}" })
    );
    for config in [webhook, slack, template] {
        let text = format!("{} {config:?}", shown(&config));
        assert!(!text.contains("s3cret") && !text.contains("t0ken") && !text.contains("T/B/x"));
    }
}

#[test]
fn the_mask_keeps_the_stored_secrets() {
    let stored = parse_config(
        ChannelKind::Webhook,
        json!({ "url": "https://a.example/", "secret": "old", "headers": { "X-Token": "t" } }),
        None,
    )
    .unwrap();
    let patched = parse_config(
        ChannelKind::Webhook,
        json!({ "url": "https://b.example/", "secret": "***", "headers": { "x-token": "***" } }),
        Some(&stored),
    )
    .unwrap();
    let ChannelConfig::Webhook { url, secret, headers } = patched else { panic!("a webhook") };
    assert_eq!(url.as_str(), "https://b.example/");
    assert_eq!(secret.map(|s| s.expose().to_owned()).as_deref(), Some("old"));
    assert_eq!(headers[0].value.expose(), "t");
    // Without a stored value the mask means nothing.
    let error = parse_config(
        ChannelKind::Webhook,
        json!({ "url": "https://b.example/", "headers": { "X-Other": "***" } }),
        Some(&stored),
    )
    .unwrap_err();
    assert_eq!(error.field(), Some("config.headers.X-Other"));
    assert_eq!(field_of(ChannelKind::Slack, json!({ "webhook_url": "***" })), "config.webhook_url");
}

#[test]
fn bad_fields_are_named() {
    use ChannelKind::*;
    let many: BTreeMap<String, String> =
        (0..=MAX_HEADERS).map(|n| (format!("X-{n}"), "v".to_owned())).collect();
    let cases = [
        (Webhook, json!({ "url": "ftp://x" }), "config.url"),
        (Webhook, json!({ "url": "https://x.example", "secret": "" }), "config.secret"),
        (
            Webhook,
            json!({ "url": "https://x.example", "headers": { "Host": "a" } }),
            "config.headers.Host",
        ),
        (
            Webhook,
            json!({ "url": "https://x.example", "headers": { "X-Foo": "a\nb" } }),
            "config.headers.X-Foo",
        ),
        (Webhook, json!({ "url": "https://x.example", "headers": many }), "config.headers"),
        (Webhook, json!({ "url": "https://x.example", "body_template": "x" }), "config"),
        (Webhook, json!("https://x.example"), "config"),
        (Webhook, json!(["https://x.example"]), "config"),
        (Slack, json!({ "webhook_url": "not a url" }), "config.webhook_url"),
        (Email, json!({ "to": [] }), "config.to"),
        (Email, json!({ "to": ["ops@example.com", "nobody"] }), "config.to[1]"),
        (Template, json!({ "url": "https://x.example" }), "config"),
        (
            Template,
            json!({ "url": "https://x.example", "body_template": " " }),
            "config.body_template",
        ),
        (
            Template,
            json!({ "url": "https://x.example", "body_template": "x", "method": "GET" }),
            "config.method",
        ),
        (
            Template,
            json!({ "url": "https://x.example", "body_template": "x", "content_type": "json" }),
            "config.content_type",
        ),
    ];
    for (kind, raw, field) in cases {
        assert_eq!(field_of(kind, raw.clone()), field, "{raw}");
    }
}
