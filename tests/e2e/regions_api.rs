//! A site's `regions` and `quorum` through the API on both backends: round trip, patches, every
//! bad input named; and one node with a region checks only the sites its region covers.

use std::time::Duration;

use lookout_target_farm::TargetServer;
use serde_json::{Value, json};

use crate::helpers::{TestApp, eventually, on_both_backends, with_both_databases};

fn site(url: &str, extra: Value) -> Value {
    let mut body = json!({ "url": url, "name": "Shop" });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    body
}

/// Creating `body` is refused with 422 naming `field`.
async fn refused(app: &TestApp, body: Value, field: &str) {
    let (status, error) = app.post_json("/api/websites", &body).await;
    assert_eq!((status, error["field"].as_str()), (422, Some(field)), "{body} → {error}");
}

on_both_backends!(regions_and_quorum_round_trip_and_patch, |app| {
    let url = "https://shop.example.com/";
    let (status, created) = app
        .post_json(
            "/api/websites",
            &site(url, json!({ "regions": ["eu", "us", "ap"], "quorum": 2 })),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(
        (created["regions"].clone(), created["quorum"].clone()),
        (json!(["eu", "us", "ap"]), json!(2))
    );
    let id = created["id"].clone();
    let (_, read) = app.get(&format!("/api/websites/{id}")).await;
    assert_eq!(read["quorum"], 2);

    let path = format!("/api/websites/{id}");
    let (status, patched) = app.patch_json(&path, &json!({ "quorum": "all" })).await;
    assert_eq!((status, patched["quorum"].clone()), (200, json!("all")), "{patched}");
    assert_eq!(patched["regions"], json!(["eu", "us", "ap"]), "regions kept");
    let (status, error) = app.patch_json(&path, &json!({ "quorum": 4 })).await;
    assert_eq!((status, error["field"].as_str()), (422, Some("quorum")), "{error}");
    let (_, unchanged) = app.get(&path).await;
    assert_eq!(unchanged["quorum"], "all", "a refused patch writes nothing");
    let (_, fewer) = app.patch_json(&path, &json!({ "regions": ["eu", "us"], "quorum": 2 })).await;
    assert_eq!(
        (fewer["regions"].clone(), fewer["quorum"].clone()),
        (json!(["eu", "us"]), json!(2))
    );
    let (_, one) = app.patch_json(&path, &json!({ "regions": ["eu"] })).await;
    assert_eq!(one["quorum"], "majority", "a quorum of 2 no longer fits one region: {one}");
    let (status, any) = app.patch_json(&path, &json!({ "regions": null })).await;
    assert_eq!(status, 200, "{any}");
    assert_eq!((any["regions"].clone(), any["quorum"].clone()), (json!([]), json!("majority")));

    let (_, plain) =
        app.post_json("/api/websites", &site("https://plain.example.com/", json!({}))).await;
    assert_eq!((plain["regions"].clone(), plain["quorum"].clone()), (json!([]), json!("majority")));
});

on_both_backends!(bad_regions_and_quorums_are_named, |app| {
    let url = "https://shop.example.com/";
    refused(&app, site(url, json!({ "regions": ["eu", "us east"] })), "regions[1]").await;
    refused(&app, site(url, json!({ "regions": ["eu", "us", "eu"] })), "regions[2]").await;
    refused(&app, site(url, json!({ "regions": ["eu", "us"], "quorum": 3 })), "quorum").await;
    refused(&app, site(url, json!({ "regions": ["eu"], "quorum": "most" })), "quorum").await;
    refused(&app, site(url, json!({ "regions": ["eu"], "quorum": 0 })), "quorum").await;
    refused(&app, site(url, json!({ "quorum": "all" })), "quorum").await;
    let many: Vec<String> = (0..17).map(|n| format!("r{n}")).collect();
    refused(&app, site(url, json!({ "regions": many })), "regions").await;
    let (status, error) =
        app.post_json("/api/websites", &site(url, json!({ "regions": "eu" }))).await;
    assert_eq!(status, 422, "{error}");
    let (_, listed) = app.get("/api/websites").await;
    assert_eq!(listed, json!([]), "nothing was stored");

    let created = app.create_website(url, "Shop").await;
    let id = &created["id"];
    let (status, error) = app.get(&format!("/api/websites/{id}/checks?region=eu%20west")).await;
    assert_eq!((status, error["field"].as_str()), (422, Some("region")), "{error}");
    let (status, error) = app.get(&format!("/api/websites/{id}/downtimes?region=eu")).await;
    assert_eq!((status, error["field"].as_str()), (422, Some("region")), "{error}");
    let (status, error) = app.get("/api/nodes?alive=maybe").await;
    assert_eq!((status, error["field"].as_str()), (422, Some("alive")), "{error}");
});

with_both_databases!(a_node_checks_only_the_sites_its_region_covers, |db| {
    let farm = TargetServer::start().await;
    let env = [("LOOKOUT__NODE__REGION", "eu"), ("LOOKOUT__MONITOR__MIN_INTERVAL_SECS", "1")];
    let app = TestApp::start(&db, &env).await;
    let create = async |path: &str, regions: Value| {
        let body =
            json!({ "url": farm.url(path), "name": path, "check_interval": 1, "regions": regions });
        let (status, site) = app.post_json("/api/websites", &body).await;
        assert_eq!(status, 201, "{site}");
        site["id"].clone()
    };
    let here = create("/s/here", json!(["eu", "us"])).await;
    let elsewhere = create("/s/elsewhere", json!(["us"])).await;
    let any = create("/s/any", json!([])).await;
    let checked = async |id: &Value| {
        let (_, page) = app.get(&format!("/api/websites/{id}/checks?region=eu")).await;
        page["checks"].as_array().map_or(0, Vec::len)
    };
    assert!(
        eventually(Duration::from_secs(30), async || checked(&here).await >= 2
            && checked(&any).await >= 2)
        .await
    );
    assert_eq!(farm.hits("/s/elsewhere"), 0, "no node of us: never checked");
    let (_, status) = app.get(&format!("/api/websites/{elsewhere}/status")).await;
    assert_eq!(status["state"], "unknown", "{status}");
    assert_eq!(
        status["regions"],
        json!([{ "region": "us", "state": "no_nodes", "last_check": null, "fresh": false }])
    );
    let (_, status) = app.get(&format!("/api/websites/{here}/status")).await;
    assert_eq!(status["state"], "up", "eu alone votes while us has no node: {status}");
    assert_eq!(status["last_check"]["region"], "eu");
    let (_, nodes) = app.get("/api/nodes?region=eu&alive=true").await;
    assert_eq!(nodes.as_array().map(Vec::len), Some(1), "{nodes}");
    let page = reqwest::get(app.url(&format!("/sites/{elsewhere}"))).await.unwrap();
    let page = page.text().await.unwrap();
    assert!(page.contains("<h2>Regions</h2>") && page.contains("No nodes"), "{page}");
});
