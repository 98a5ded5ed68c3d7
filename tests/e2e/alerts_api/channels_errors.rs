//! Every bad channel input is a 422 naming the field, and nothing is stored; a URL to a
//! private address is refused while `probe.allow_private` is off; another kind on PATCH is
//! refused; ids that name no channel are 404.

use serde_json::json;

use super::{assert_error, assert_invalid, create_channel, post, webhook};
use crate::helpers::{TestApp, TestDatabase, on_both_backends};

on_both_backends!(bad_channels_are_422_naming_the_field, |app| {
    let hook =
        |config: serde_json::Value| json!({ "name": "x", "kind": "webhook", "config": config });
    let template =
        |config: serde_json::Value| json!({ "name": "x", "kind": "template", "config": config });
    let url = "https://hooks.example.com/x";
    let too_many: serde_json::Map<String, serde_json::Value> =
        (0..21).map(|n| (format!("X-H{n}"), json!("v"))).collect();
    let cases = [
        (json!({ "name": "x", "kind": "pager", "config": { "url": url } }), "kind"),
        (json!({ "name": "  ", "kind": "webhook", "config": { "url": url } }), "name"),
        (json!({ "name": "n".repeat(101), "kind": "webhook", "config": { "url": url } }), "name"),
        (hook(json!({ "url": "ftp://example.com/x" })), "config.url"),
        (hook(json!({ "url": "not a url" })), "config.url"),
        (hook(json!({ "url": url, "secret": "" })), "config.secret"),
        (hook(json!({ "url": url, "secret": "***" })), "config.secret"),
        (
            hook(json!({ "url": url, "headers": { "X-Foo": "a\r\nInjected: 1" } })),
            "config.headers.X-Foo",
        ),
        (
            hook(json!({ "url": url, "headers": { "Content-Length": "1" } })),
            "config.headers.Content-Length",
        ),
        (hook(json!({ "url": url, "headers": { "Bad Name": "1" } })), "config.headers.Bad Name"),
        (hook(json!({ "url": url, "headers": too_many })), "config.headers"),
        (hook(json!({ "url": url, "webhook_url": url })), "config"),
        (hook(json!({})), "config"),
        (hook(json!([url])), "config"),
        (
            json!({ "name": "x", "kind": "slack", "config": { "webhook_url": "hooks.slack.com" } }),
            "config.webhook_url",
        ),
        (json!({ "name": "x", "kind": "email", "config": { "to": [] } }), "config.to"),
        (
            json!({ "name": "x", "kind": "email", "config": { "to": ["ops@example.com", "nobody"] } }),
            "config.to[1]",
        ),
        (template(json!({ "url": url })), "config"),
        (template(json!({ "url": url, "body_template": "" })), "config.body_template"),
        (template(json!({ "url": url, "method": "GET", "body_template": "{}" })), "config.method"),
        (
            template(json!({ "url": url, "content_type": "json", "body_template": "{}" })),
            "config.content_type",
        ),
        // A template that does not render, and one whose JSON output does not parse.
        (
            template(json!({ "url": url, "body_template": "{\"a\": \"{{ event \"}" })),
            "config.body_template",
        ),
        (
            template(json!({ "url": url, "body_template": "event={{ event }}" })),
            "config.body_template",
        ),
    ];
    for (body, field) in cases {
        assert_invalid(app.post_json("/api/channels", &body).await, field);
    }
    // Without a mail server in configuration, email channels cannot be made.
    let mail = json!({ "name": "x", "kind": "email", "config": { "to": ["ops@example.com"] } });
    assert_invalid(app.post_json("/api/channels", &mail).await, "kind");
    // A template of another content type need not be JSON.
    let text = template(
        json!({ "url": url, "content_type": "text/plain", "body_template": "event={{ event }}" }),
    );
    assert_eq!(app.post_json("/api/channels", &text).await.0, 201);
    // Wrong shapes: unknown or missing fields, wrong types.
    for body in [
        json!({ "name": "x", "kind": "webhook", "config": { "url": url }, "colour": "red" }),
        json!({ "name": "x", "kind": "webhook" }),
        json!({ "kind": "webhook", "config": { "url": url } }),
        json!({ "name": "x", "kind": "webhook", "config": { "url": url }, "default": "yes" }),
        json!(["x", "webhook", { "url": url }]),
    ] {
        let (status, answer) = app.post_json("/api/channels", &body).await;
        assert_eq!(
            (status, &answer["code"]),
            (422, &json!("validation_failed")),
            "{body}: {answer}"
        );
    }
    let (_, list) = app.get("/api/channels").await;
    assert_eq!(list.as_array().unwrap().len(), 1, "only the text template was stored: {list}");
});

on_both_backends!(another_kind_on_patch_is_refused, |app| {
    let id = webhook(&app, "ops", "https://hooks.example.com/x").await;
    let path = format!("/api/channels/{id}");
    let slack = json!({ "webhook_url": "https://hooks.slack.com/services/T/B/x" });
    assert_invalid(
        app.patch_json(&path, &json!({ "kind": "slack", "config": slack })).await,
        "kind",
    );
    assert_invalid(app.patch_json(&path, &json!({ "kind": "slack" })).await, "kind");
    assert_invalid(app.patch_json(&path, &json!({ "kind": "pager" })).await, "kind");
    // A config of another kind's shape is read as this channel's kind.
    assert_invalid(app.patch_json(&path, &json!({ "config": slack })).await, "config");
    assert_invalid(
        app.patch_json(
            &path,
            &json!({ "config": { "url": "https://a.example/", "secret": "***" } }),
        )
        .await,
        "config.secret",
    );
    for field in ["name", "kind", "config", "default"] {
        assert_invalid(app.patch_json(&path, &json!({ field: null })).await, field);
    }
    let (status, unchanged) = app.get(&path).await;
    assert_eq!(
        (status, &unchanged["name"], &unchanged["kind"]),
        (200, &json!("ops"), &json!("webhook"))
    );
    assert_eq!(unchanged["config"], json!({ "url": "https://hooks.example.com/x", "headers": {} }));
});

on_both_backends!(ids_that_name_no_channel_are_404, |app| {
    for raw in ["999", "0", "-1", "abc", "1.5", "99999999999999999999"] {
        let path = format!("/api/channels/{raw}");
        assert_error(app.get(&path).await, 404, "not_found", None);
        assert_error(app.delete(&path).await, 404, "not_found", None);
        assert_error(app.patch_json(&path, &json!({ "name": "x" })).await, 404, "not_found", None);
        assert_error(post(&app, &format!("{path}/test")).await, 404, "not_found", None);
    }
    let (status, _) = app.send_raw(reqwest::Method::PUT, "/api/channels", None, Vec::new()).await;
    assert_eq!(status, 405);
});

/// `probe.allow_private` off: channel URLs go through the same guard as sites.
#[tokio::test(flavor = "multi_thread")]
async fn urls_to_private_addresses_are_refused() {
    let db = TestDatabase::sqlite();
    let app = TestApp::start(&db, &[("LOOKOUT__PROBE__ALLOW_PRIVATE", "false")]).await;
    let cases = [
        (
            json!({ "kind": "webhook", "config": { "url": "http://127.0.0.1:9/hook" } }),
            "config.url",
        ),
        (
            json!({ "kind": "webhook", "config": { "url": "http://169.254.169.254/latest" } }),
            "config.url",
        ),
        (
            json!({ "kind": "slack", "config": { "webhook_url": "http://10.1.2.3/services/x" } }),
            "config.webhook_url",
        ),
        (
            json!({ "kind": "template", "config": { "url": "http://[::1]/x", "body_template": "{}" } }),
            "config.url",
        ),
    ];
    for (mut body, field) in cases {
        body["name"] = json!("private");
        let (status, answer) = app.post_json("/api/channels", &body).await;
        assert_invalid((status, answer.clone()), field);
        assert!(answer["message"].as_str().unwrap().contains("private address"), "{answer}");
    }
    let public = create_channel(
        &app,
        json!({ "name": "public", "kind": "webhook",
        "config": { "url": "https://hooks.example.com/x" } }),
    )
    .await;
    let path = format!("/api/channels/{}", public["id"]);
    let private = json!({ "config": { "url": "http://192.168.1.1/hook" } });
    assert_invalid(app.patch_json(&path, &private).await, "config.url");
    assert_eq!(app.get(&path).await.1["config"]["url"], "https://hooks.example.com/x");
}
