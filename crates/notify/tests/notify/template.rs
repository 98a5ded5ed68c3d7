//! Template channels: rendered against the event, sent with the channel's method, content type
//! and headers; a bad template or non-JSON output is refused with its line.

use lookout_domain::alerting::{ChannelConfig, EventKind, Notifier, SendOutcome, TemplateMethod};
use lookout_target_farm::WebhookReceiver;

use crate::helpers::{NOW, event, notifier, template};

#[tokio::test]
async fn the_template_is_rendered_and_sent_with_its_method_and_headers() {
    let receiver = WebhookReceiver::start().await;
    let body = r#"{"summary": "{{ website.name }} is {{ event }}", "code": {{ check.status_code }}, "key": "{{ dedup_key }}"}"#;
    let channel =
        template(&receiver.url("/pd"), TemplateMethod::Put, "application/vnd.pd+json", body);
    let outcome = notifier().send(&channel, &[event(EventKind::Firing, 7)], NOW).await;
    assert_eq!(outcome, SendOutcome::Delivered { status_code: Some(204) });

    let [request] = receiver.requests("/pd").try_into().unwrap();
    assert_eq!(request.method, "PUT");
    assert_eq!(request.header("content-type"), Some("application/vnd.pd+json"));
    assert_eq!(request.header("authorization"), Some("Bearer tpl-token-123"));
    assert_eq!(request.header("idempotency-key"), Some("incident-7-firing"));
    let sent = request.json().unwrap();
    assert_eq!(sent["summary"], "Shop is firing");
    assert_eq!(sent["code"], 503);
    assert_eq!(sent["key"], "incident-7-firing");
}

#[tokio::test]
async fn plain_text_templates_are_sent_as_rendered() {
    let receiver = WebhookReceiver::start().await;
    let channel = template(
        &receiver.url("/text"),
        TemplateMethod::Post,
        "text/plain",
        "{{ website.name }}: {{ event | upper }}{% if incident %} since {{ incident.opened_at }}{% endif %}",
    );
    notifier().send(&channel, &[event(EventKind::Resolved, 7)], NOW).await;
    let [request] = receiver.requests("/text").try_into().unwrap();
    assert_eq!(request.body_text(), "Shop: RESOLVED since 2026-11-30T03:00:00Z");
}

#[tokio::test]
async fn a_template_channel_given_several_events_sends_the_first() {
    let receiver = WebhookReceiver::start().await;
    let channel =
        template(&receiver.url("/one"), TemplateMethod::Post, "text/plain", "{{ dedup_key }}");
    let events = [event(EventKind::Firing, 1), event(EventKind::Firing, 2)];
    notifier().send(&channel, &events, NOW).await;
    let [request] = receiver.requests("/one").try_into().unwrap();
    assert_eq!(request.body_text(), "incident-1-firing");
}

fn config_of(body: &str, content_type: &str) -> ChannelConfig {
    template("https://example.com/hook", TemplateMethod::Post, content_type, body).config
}

#[test]
fn a_template_that_does_not_parse_is_refused_with_its_line() {
    let error = notifier()
        .check_config(&config_of("{\n  \"a\": \"{{ website.name }\"\n}", "application/json"))
        .unwrap_err();
    assert_eq!(error.field, "config.body_template");
    assert!(error.message.starts_with("line 2: syntax error"), "{}", error.message);

    let error = notifier()
        .check_config(&config_of("ok\n{% for x in %}\n{% endfor %}", "text/plain"))
        .unwrap_err();
    assert!(error.message.starts_with("line 2:"), "{}", error.message);
}

#[test]
fn a_json_template_whose_output_is_not_json_is_refused_with_the_line() {
    let error = notifier()
        .check_config(&config_of("{\n  \"site\": {{ website.name }}\n}", "application/json"))
        .unwrap_err();
    assert_eq!(error.field, "config.body_template");
    assert!(
        error.message.starts_with("line 2: rendered body is not valid JSON"),
        "{}",
        error.message
    );
    // The same output is fine as plain text.
    assert!(
        notifier()
            .check_config(&config_of("{\n  \"site\": {{ website.name }}\n}", "text/plain"))
            .is_ok()
    );
}

#[test]
fn good_templates_and_other_kinds_pass() {
    let notifier = notifier();
    assert!(
        notifier
            .check_config(&config_of(
                r#"{"text": "{{ website.name }} {{ event }}"}"#,
                "application/json"
            ))
            .is_ok()
    );
    let webhook = crate::helpers::webhook("https://example.com/hook", None, vec![]).config;
    assert!(notifier.check_config(&webhook).is_ok());
}

#[tokio::test]
async fn a_template_that_fails_when_sent_is_refused_without_a_request() {
    let receiver = WebhookReceiver::start().await;
    // It parses, so it was saved; it fails only when rendered (text plus a number).
    let channel = template(
        &receiver.url("/bad"),
        TemplateMethod::Post,
        "text/plain",
        "{{ website.name + 1 }}",
    );
    let outcome = notifier().send(&channel, &[event(EventKind::Firing, 7)], NOW).await;
    let SendOutcome::Reject { error, .. } = outcome else { panic!("{outcome:?}") };
    assert!(error.starts_with("the template does not render: line 1"), "{error}");
    assert_eq!(receiver.count("/bad"), 0);
}
