//! The alerting API (issue 12): channels (CRUD, masking, the test send), a site's `alerts`,
//! incidents and deliveries, and every bad input of the issue as a 422 naming the field.

mod auth;
mod channels;
mod channels_errors;
mod incidents;
mod policies;

use serde_json::{Value, json};

use crate::helpers::TestApp;

/// A mail server in configuration, so that email channels can be made (nothing is sent).
const WITH_SMTP: &[(&str, &str)] =
    &[("LOOKOUT__SMTP__HOST", "127.0.0.1"), ("LOOKOUT__SMTP__TLS", "none")];

/// Asserts an error answer: status, code, and the field it names (`None`: no field).
fn assert_error(result: (u16, Value), status: u16, code: &str, field: Option<&str>) {
    let (got, body) = result;
    assert_eq!(got, status, "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    match field {
        Some(field) => assert_eq!(body["field"], field, "{body}"),
        None => assert!(body.get("field").is_none(), "{body}"),
    }
}

/// A 422 naming `field`.
fn assert_invalid(result: (u16, Value), field: &str) {
    assert_error(result, 422, "validation_failed", Some(field));
}

/// `POST` without a body (the test send, acknowledging, retrying).
async fn post(app: &TestApp, path: &str) -> (u16, Value) {
    app.send_raw(reqwest::Method::POST, path, None, Vec::new()).await
}

/// Creates a channel and returns its JSON, asserting 201.
async fn create_channel(app: &TestApp, body: Value) -> Value {
    let (status, channel) = app.post_json("/api/channels", &body).await;
    assert_eq!(status, 201, "{channel}");
    channel
}

/// Creates a webhook channel to `url` named `name`; returns its id.
async fn webhook(app: &TestApp, name: &str, url: &str) -> i64 {
    let body = json!({ "name": name, "kind": "webhook", "config": { "url": url } });
    create_channel(app, body).await["id"].as_i64().unwrap()
}
