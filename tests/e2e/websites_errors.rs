//! Every error case of the website endpoints: status code and JSON error body.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::on_both_backends;

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

on_both_backends!(invalid_values_are_422_with_the_field, |app| {
    let cases = [
        (json!({ "url": "ftp://example.com", "name": "x" }), "url"),
        (json!({ "url": "javascript:alert(1)", "name": "x" }), "url"),
        (json!({ "url": "example.com", "name": "x" }), "url"),
        (json!({ "url": "http://", "name": "x" }), "url"),
        (json!({ "url": "https://exa mple.com", "name": "x" }), "url"),
        (json!({ "url": format!("https://example.com/{}", "a".repeat(2100)), "name": "x" }), "url"),
        (json!({ "url": "https://example.com", "name": "   " }), "name"),
        (json!({ "url": "https://example.com", "name": "a".repeat(201) }), "name"),
        (
            json!({ "url": "https://example.com", "name": "x", "check_interval": 59 }),
            "check_interval",
        ),
        (
            json!({ "url": "https://example.com", "name": "x", "check_interval": 3601 }),
            "check_interval",
        ),
        (
            json!({ "url": "https://example.com", "name": "x", "check_interval": -1 }),
            "check_interval",
        ),
    ];
    for (body, field) in cases {
        assert_error(
            app.post_json("/api/websites", &body).await,
            422,
            "validation_failed",
            Some(field),
        );
    }
    assert_eq!(app.get("/api/websites").await.1, json!([]), "nothing was stored");
});

on_both_backends!(wrong_shapes_are_422, |app| {
    let cases = [
        json!({ "url": "https://example.com", "name": "x", "color": "red" }),
        json!({ "url": "https://example.com" }),
        json!({ "name": "x" }),
        json!({ "url": 42, "name": "x" }),
        json!({ "url": "https://example.com", "name": "x", "enabled": "yes" }),
        json!({ "url": "https://example.com", "name": "x", "check_interval": 1e30 }),
        json!({ "url": "https://example.com", "name": "x", "check_interval": "60" }),
        json!({ "url": null, "name": "x" }),
        json!([1, 2, 3]),
    ];
    for body in cases {
        let (status, error) = app.post_json("/api/websites", &body).await;
        assert_eq!(status, 422, "{body} → {error}");
        assert_eq!(error["code"], "validation_failed");
    }
});

on_both_backends!(patch_rejects_nulls_unknown_fields_and_bad_values, |app| {
    let created = app.create_website("https://example.com", "Example").await;
    let path = format!("/api/websites/{}", created["id"]);
    for field in ["url", "name", "enabled", "check_interval"] {
        let result = app.patch_json(&path, &json!({ field: null })).await;
        assert_error(result, 422, "validation_failed", Some(field));
    }
    assert_error(
        app.patch_json(&path, &json!({ "url": "file:///etc/passwd" })).await,
        422,
        "validation_failed",
        Some("url"),
    );
    assert_error(
        app.patch_json(&path, &json!({ "check_interval": 10 })).await,
        422,
        "validation_failed",
        Some("check_interval"),
    );
    assert_eq!(app.patch_json(&path, &json!({ "id": 5 })).await.0, 422);
    assert_eq!(app.get(&path).await, (200, created), "nothing changed");
});

on_both_backends!(malformed_json_is_400, |app| {
    for body in [&b"{\"url\": "[..], b"not json", b"{\"url\":\"https://a.com\",}", b"\xff\xfe"] {
        let result = app
            .send_raw(Method::POST, "/api/websites", Some("application/json"), body.to_vec())
            .await;
        assert_error(result, 400, "invalid_json", None);
    }
});

on_both_backends!(non_json_bodies_are_415, |app| {
    let body = br#"{"url":"https://example.com","name":"x"}"#.to_vec();
    for content_type in [Some("text/plain"), Some("application/x-www-form-urlencoded"), None] {
        let result = app.send_raw(Method::POST, "/api/websites", content_type, body.clone()).await;
        assert_error(result, 415, "unsupported_media_type", None);
    }
});

on_both_backends!(bodies_over_64_kib_are_413, |app| {
    let name = "a".repeat(70 * 1024);
    let body = serde_json::to_vec(&json!({ "url": "https://example.com", "name": name })).unwrap();
    let result = app.send_raw(Method::POST, "/api/websites", Some("application/json"), body).await;
    assert_error(result, 413, "payload_too_large", None);
});

on_both_backends!(duplicate_urls_are_409, |app| {
    app.create_website("https://example.com", "Example").await;
    let result = app
        .post_json("/api/websites", &json!({ "url": "https://EXAMPLE.com/", "name": "Again" }))
        .await;
    assert_error(result, 409, "duplicate_url", Some("url"));
    let other = app.create_website("https://other.example", "Other").await;
    let path = format!("/api/websites/{}", other["id"]);
    let result = app.patch_json(&path, &json!({ "url": "https://example.com" })).await;
    assert_error(result, 409, "duplicate_url", Some("url"));
});

on_both_backends!(unknown_and_malformed_ids_are_404, |app| {
    for id in ["4242", "abc", "0", "-1", "1.5", "99999999999999999999999", "%20"] {
        let path = format!("/api/websites/{id}");
        assert_error(app.get(&path).await, 404, "not_found", None);
        assert_error(app.patch_json(&path, &json!({ "name": "x" })).await, 404, "not_found", None);
        assert_error(app.delete(&path).await, 404, "not_found", None);
    }
});

on_both_backends!(unknown_routes_and_methods, |app| {
    assert_error(app.get("/api/nothing-here").await, 404, "not_found", None);
    let result = app
        .send_raw(Method::PUT, "/api/websites/1", Some("application/json"), b"{}".to_vec())
        .await;
    assert_error(result, 405, "method_not_allowed", None);
    let result = app.send_raw(Method::DELETE, "/api/websites", None, Vec::new()).await;
    assert_error(result, 405, "method_not_allowed", None);
});
