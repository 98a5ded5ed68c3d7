//! The website CRUD endpoints, happy paths, on both backends.

use serde_json::{Value, json};

use crate::helpers::on_both_backends;

fn is_utc_rfc3339(value: &Value) -> bool {
    value.as_str().is_some_and(|s| {
        s.ends_with('Z')
            && time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
                .is_ok()
    })
}

on_both_backends!(create_returns_201_location_and_defaults, |app| {
    let response = app
        .client
        .post(app.url("/api/websites"))
        .json(&json!({ "url": "https://example.com", "name": "  Example  " }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let body: Value = response.json().await.unwrap();
    assert_eq!(location, format!("/api/websites/{}", body["id"]));
    assert!(body["id"].as_i64().unwrap() > 0);
    assert_eq!(body["url"], "https://example.com", "answered as given");
    assert_eq!(body["name"], "Example");
    assert_eq!(body["enabled"], true);
    assert_eq!(body["check_interval"], 300);
    assert!(is_utc_rfc3339(&body["created_at"]), "{body}");
    assert_eq!(body["created_at"], body["updated_at"]);
    let (status, fetched) = app.get(&location).await;
    assert_eq!(status, 200);
    assert_eq!(fetched, body);
});

on_both_backends!(create_takes_enabled_and_interval, |app| {
    let (status, body) = app
        .post_json(
            "/api/websites",
            &json!({ "url": "http://example.org/status", "name": "Org", "enabled": false, "check_interval": 60 }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["enabled"], false);
    assert_eq!(body["check_interval"], 60);
});

on_both_backends!(list_is_ordered_by_id, |app| {
    let (status, body) = app.get("/api/websites").await;
    assert_eq!((status, body), (200, json!([])));
    let mut ids = Vec::new();
    for host in ["c", "a", "b"] {
        ids.push(app.create_website(&format!("https://{host}.example"), host).await["id"].clone());
    }
    let (status, body) = app.get("/api/websites").await;
    assert_eq!(status, 200);
    let listed: Vec<Value> = body.as_array().unwrap().iter().map(|w| w["id"].clone()).collect();
    assert_eq!(listed, ids);
});

on_both_backends!(patch_changes_fields_and_moves_updated_at, |app| {
    let created = app.create_website("https://example.com", "Example").await;
    let path = format!("/api/websites/{}", created["id"]);
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let (status, body) = app
        .patch_json(
            &path,
            &json!({ "url": "https://example.net", "name": "Net", "enabled": false, "check_interval": 3600 }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["url"], "https://example.net");
    assert_eq!(body["name"], "Net");
    assert_eq!(body["enabled"], false);
    assert_eq!(body["check_interval"], 3600);
    assert_eq!(body["created_at"], created["created_at"]);
    assert!(is_utc_rfc3339(&body["updated_at"]));
    assert!(body["updated_at"].as_str() > created["updated_at"].as_str(), "{body}");
    assert_eq!(app.get(&path).await, (200, body));
});

on_both_backends!(patch_of_one_field_keeps_the_others, |app| {
    let created = app.create_website("https://example.com", "Example").await;
    let path = format!("/api/websites/{}", created["id"]);
    let (status, body) = app.patch_json(&path, &json!({ "enabled": false })).await;
    assert_eq!(status, 200);
    assert_eq!(body["enabled"], false);
    for field in ["id", "url", "name", "check_interval", "created_at"] {
        assert_eq!(body[field], created[field], "{field}");
    }
});

on_both_backends!(empty_patch_is_a_no_op, |app| {
    let created = app.create_website("https://example.com", "Example").await;
    let path = format!("/api/websites/{}", created["id"]);
    assert_eq!(app.patch_json(&path, &json!({})).await, (200, created.clone()));
    assert_eq!(app.get(&path).await, (200, created));
});

on_both_backends!(delete_then_404, |app| {
    let created = app.create_website("https://example.com", "Example").await;
    let path = format!("/api/websites/{}", created["id"]);
    assert_eq!(app.delete(&path).await, (204, Value::Null));
    assert_eq!(app.get(&path).await.0, 404);
    assert_eq!(app.delete(&path).await.0, 404);
    assert_eq!(app.get("/api/websites").await, (200, json!([])));
    // The url is free again.
    app.create_website("https://example.com", "Again").await;
});

on_both_backends!(the_url_is_answered_as_given_and_duplicates_use_the_normalised_form, |app| {
    let (status, created) = app
        .post_json("/api/websites", &json!({ "url": "https://Example.com", "name": "Example" }))
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["url"], "https://Example.com");
    let (status, body) = app
        .post_json("/api/websites", &json!({ "url": "https://example.com/", "name": "Again" }))
        .await;
    assert_eq!((status, body["code"].as_str()), (409, Some("duplicate_url")), "{body}");
    let path = format!("/api/websites/{}", created["id"]);
    let (status, patched) = app.patch_json(&path, &json!({ "url": "HTTPS://EXAMPLE.COM/" })).await;
    assert_eq!((status, patched["url"].as_str()), (200, Some("HTTPS://EXAMPLE.COM/")));
    let (_, listed) = app.get("/api/websites").await;
    assert_eq!(listed[0]["url"], "HTTPS://EXAMPLE.COM/");
    let (_, fetched) = app.get(&path).await;
    assert_eq!(fetched["url"], "HTTPS://EXAMPLE.COM/");
});
