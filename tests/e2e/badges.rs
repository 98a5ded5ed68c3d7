//! Badges through the real binary: served for a site marked `public` or on a status page, 404
//! for any other; SVG that parses, colours by state, the shields.io endpoint format, bad
//! parameters named.

use std::time::Duration;

use lookout_target_farm::TargetServer;
use serde_json::{Value, json};

use crate::helpers::{TestApp, eventually, with_both_databases};

const FAST: &[(&str, &str)] =
    &[("LOOKOUT__MONITOR__MIN_INTERVAL_SECS", "1"), ("LOOKOUT__PROBE__RETRIES", "0")];

async fn fetch(app: &TestApp, path: &str) -> (u16, Option<String>, String) {
    let response = app.client.get(app.url(path)).send().await.unwrap();
    let kind = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned());
    (response.status().as_u16(), kind, response.text().await.unwrap())
}

/// The SVG is well formed: one root, every element closed, the reading in its title.
fn assert_svg(text: &str, reading: &str) {
    assert!(
        text.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\"") && text.ends_with("</svg>"),
        "{text}"
    );
    let closing = text.matches("</").count();
    let opening = text.matches('<').count() - closing;
    assert_eq!(opening - text.matches("/>").count(), closing, "every element closed: {text}");
    assert!(text.contains(&format!("<title>{reading}</title>")), "{reading} in {text}");
}

with_both_databases!(badges_are_public_only_where_a_site_is_and_read_right, |db| {
    let farm = TargetServer::start().await;
    farm.set_status("/down", 503);
    let app = TestApp::start(&db, FAST).await;
    let mut sites: Vec<Value> = Vec::new();
    for (path, public) in [("/up", true), ("/down", false), ("/private", false)] {
        let body =
            json!({"url": farm.url(path), "name": path, "check_interval": 1, "public": public});
        let (status, site) = app.post_json("/api/websites", &body).await;
        assert_eq!((status, &site["public"]), (201, &json!(public)), "{site}");
        sites.push(site);
    }
    let page = json!({"slug": "p", "title": "P", "websites": [sites[1]["id"]]});
    assert_eq!(app.post_json("/api/status-pages", &page).await.0, 201);
    let (up, down, private) = (&sites[0]["id"], &sites[1]["id"], &sites[2]["id"]);

    let checked = eventually(Duration::from_secs(30), async || {
        fetch(&app, &format!("/badge/{up}/status.svg"))
            .await
            .2
            .contains("<title>status: up</title>")
            && fetch(&app, &format!("/badge/{down}/status.svg")).await.2.contains("status: down")
    })
    .await;
    assert!(checked, "both public sites checked");
    let (status, kind, svg) = fetch(&app, &format!("/badge/{up}/status.svg")).await;
    assert_eq!((status, kind.as_deref()), (200, Some("image/svg+xml")));
    assert_svg(&svg, "status: up");
    assert!(svg.contains("#4c1"), "bright green");
    let (_, _, svg) = fetch(&app, &format!("/badge/{down}/status.svg")).await;
    assert_svg(&svg, "status: down");
    assert!(svg.contains("#e05d44"), "red");
    let (status, _, svg) = fetch(&app, &format!("/badge/{up}/uptime.svg?window=7d")).await;
    assert_eq!(status, 200);
    assert_svg(&svg, "uptime 7d: 100%");
    let (_, _, svg) = fetch(&app, &format!("/badge/{up}/response-time.svg?window=30d")).await;
    assert!(svg.contains("<title>response time 30d: ") && svg.contains(" ms</title>"), "{svg}");
    let response =
        app.client.get(app.url(&format!("/badge/{up}/status.svg"))).send().await.unwrap();
    assert_eq!(response.headers()["cache-control"], "public, max-age=60");

    let (status, _, body) = fetch(&app, &format!("/badge/{down}/shields.json?metric=uptime")).await;
    let shield: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(status, 200);
    assert_eq!((&shield["schemaVersion"], &shield["label"]), (&json!(1), &json!("uptime 24h")));
    assert!(
        shield["message"].as_str().unwrap().ends_with('%') && shield["color"].is_string(),
        "{shield}"
    );

    // Not public, not a site, bad parameters.
    for path in [
        format!("/badge/{private}/status.svg"),
        "/badge/999999/uptime.svg".into(),
        "/badge/x/shields.json".into(),
    ] {
        assert_eq!(fetch(&app, &path).await.0, 404, "{path}");
    }
    let (status, _, body) = fetch(&app, &format!("/badge/{up}/uptime.svg?window=1y")).await;
    assert_eq!(status, 422);
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["field"], "window");
    let (status, _, body) = fetch(&app, &format!("/badge/{up}/shields.json?metric=mood")).await;
    assert_eq!(
        (status, serde_json::from_str::<Value>(&body).unwrap()["field"].as_str()),
        (422, Some("metric"))
    );

    // Made public later, it is served; `public: null` is refused.
    let (status, _) =
        app.patch_json(&format!("/api/websites/{private}"), &json!({"public": true})).await;
    assert_eq!(status, 200);
    assert_eq!(fetch(&app, &format!("/badge/{private}/shields.json")).await.0, 200);
    let (status, error) =
        app.patch_json(&format!("/api/websites/{private}"), &json!({"public": null})).await;
    assert_eq!((status, error["field"].as_str()), (422, Some("public")));
});
