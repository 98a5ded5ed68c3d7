//! Status pages through the real binary: the API (`/api/status-pages`) with every bad input
//! named, and the public page (`/status/{slug}`) open without sign-in, cached by `ETag`.

use std::time::Duration;

use lookout_target_farm::TargetServer;
use serde_json::{Value, json};

use crate::helpers::{TestApp, eventually, with_both_databases};

const WRITE: &str = "e2e-status-write-token-0123456789";

async fn call(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = app.client.request(method, app.url(path)).bearer_auth(WRITE);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

with_both_databases!(status_pages_are_managed_through_the_api_and_shown_to_anyone, |db| {
    let farm = TargetServer::start().await;
    farm.set_status("/api", 503);
    let env = [
        ("LOOKOUT__AUTH__WRITE_TOKENS", WRITE),
        ("LOOKOUT__MONITOR__MIN_INTERVAL_SECS", "1"),
        ("LOOKOUT__PROBE__RETRIES", "0"),
    ];
    let app = TestApp::start(&db, &env).await;
    let mut ids = Vec::new();
    for (path, name) in [("/shop", "Shop front"), ("/api", "Public API")] {
        let body = json!({"url": farm.url(path), "name": name, "check_interval": 1});
        let (status, site) = call(&app, reqwest::Method::POST, "/api/websites", Some(body)).await;
        assert_eq!(status, 201, "{site}");
        ids.push(site["id"].as_i64().unwrap());
    }

    let page = json!({"slug": "acme", "title": "Acme status", "description": "Everything Acme runs", "websites": [ids[1], ids[0]]});
    let (status, created) =
        call(&app, reqwest::Method::POST, "/api/status-pages", Some(page.clone())).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["url"], "/status/acme");
    let unmanaged = (created.get("managed_by"), created.get("key"));
    assert_eq!(unmanaged, (Some(&Value::Null), Some(&Value::Null)), "no document manages it");
    assert_eq!(created["websites"], json!([ids[1], ids[0]]));
    let (status, listed) = call(&app, reqwest::Method::GET, "/api/status-pages", None).await;
    assert_eq!((status, listed.as_array().unwrap().len()), (200, 1));

    for (body, field, code) in [
        (json!({"slug": "Bad Slug", "title": "t"}), "slug", 422),
        (json!({"slug": "x", "title": " "}), "title", 422),
        (json!({"slug": "x", "title": "t", "websites": [ids[0], ids[0]]}), "websites[1]", 422),
        (json!({"slug": "x", "title": "t", "websites": [999999]}), "websites", 422),
        (json!({"slug": "x", "title": "t", "extra": 1}), "extra", 422),
        (json!({"slug": "acme", "title": "t"}), "slug", 409),
    ] {
        let (status, error) =
            call(&app, reqwest::Method::POST, "/api/status-pages", Some(body.clone())).await;
        assert_eq!((status, error["field"].as_str()), (code, Some(field)), "{body}: {error}");
    }
    let (status, error) =
        call(&app, reqwest::Method::PATCH, "/api/status-pages/acme", Some(json!({"title": null})))
            .await;
    assert_eq!((status, error["field"].as_str()), (422, Some("title")));
    let (status, patched) = call(
        &app,
        reqwest::Method::PATCH,
        "/api/status-pages/acme",
        Some(json!({"title": "Acme"})),
    )
    .await;
    assert_eq!((status, patched["title"].as_str()), (200, Some("Acme")));
    assert_eq!(call(&app, reqwest::Method::GET, "/api/status-pages/nope", None).await.0, 404);
    assert_eq!(
        call(&app, reqwest::Method::GET, "/api/status-pages/Not%20A%20Slug", None).await.0,
        404
    );

    // The public page: no token, no cookie; down sites first in the news, URLs never shown.
    let shown = eventually(Duration::from_secs(30), async || {
        let html =
            app.client.get(app.url("/status/acme")).send().await.unwrap().text().await.unwrap();
        html.contains("Partial outage")
    })
    .await;
    assert!(shown, "the failing site makes a partial outage");
    let response = app.client.get(app.url("/status/acme")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("set-cookie").is_none(), "no session on a public page");
    assert_eq!(response.headers()["cache-control"], "public, max-age=30");
    assert!(response.headers().contains_key("etag"));
    let html = response.text().await.unwrap();
    assert!(html.contains("Acme") && html.contains("Everything Acme runs"));
    assert!(
        html.find("Public API").unwrap() < html.find("Shop front").unwrap(),
        "the page's order"
    );
    assert!(
        html.contains("Ongoing incidents")
            && html.contains("Public API</strong> has been down since"),
        "ongoing downtime named"
    );
    assert!(!html.contains(&farm.url("/shop")), "URLs stay private");
    assert_eq!(html.matches("class=\"bars\"").count(), 2);
    // A page that does not change answers a revalidation with 304 and no body (checked until it
    // happens: the page shows the minute it was made, so a pair may straddle a minute).
    let quiet = json!({"slug": "quiet", "title": "Quiet"});
    assert_eq!(call(&app, reqwest::Method::POST, "/api/status-pages", Some(quiet)).await.0, 201);
    let revalidated = eventually(Duration::from_secs(150), async || {
        let first = app.client.get(app.url("/status/quiet")).send().await.unwrap();
        let etag = first.headers()["etag"].clone();
        let again = app
            .client
            .get(app.url("/status/quiet"))
            .header("if-none-match", etag)
            .send()
            .await
            .unwrap();
        again.status() == 304 && again.text().await.unwrap().is_empty()
    })
    .await;
    assert!(revalidated, "an unchanged page is not sent again");
    assert_eq!(app.client.get(app.url("/status/nope")).send().await.unwrap().status(), 404);

    assert_eq!(call(&app, reqwest::Method::DELETE, "/api/status-pages/acme", None).await.0, 204);
    assert_eq!(app.client.get(app.url("/status/acme")).send().await.unwrap().status(), 404);
});
