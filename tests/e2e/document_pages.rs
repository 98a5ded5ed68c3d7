//! Maintenance windows and status pages in a document, through the real binary on both
//! backends: they name sites the same document makes by key, the window silences its site's
//! checks, the page shows its sites in order, the export applies back as a no-op, hand edits
//! are refused, an undeclared key is placed by line and column, and pruning removes them.

use std::time::Duration;

use lookout_target_farm::TargetServer;
use serde_json::{Value, json};

use crate::documents::cli;
use crate::helpers::{TestApp, eventually, with_both_databases};

const ENV: &[(&str, &str)] = &[
    ("LOOKOUT__MONITOR__MIN_INTERVAL_SECS", "1"),
    ("LOOKOUT__PROBE__TIMEOUT_SECS", "5"),
    ("LOOKOUT__PROBE__RETRIES", "0"),
];

fn document(down: &str, up: &str, page_sites: &str) -> String {
    format!(
        "websites:\n\
         \x20 - key: shop\n\
         \x20   url: {down}\n\
         \x20   name: Shop\n\
         \x20   check_interval: 1\n\
         \x20 - key: blog\n\
         \x20   url: {up}\n\
         \x20   name: Blog\n\
         \x20   check_interval: 1\n\
         maintenance:\n\
         \x20 - key: migration\n\
         \x20   name: Shop migration\n\
         \x20   websites: [shop]\n\
         \x20   schedule: \"* * * * *\"\n\
         \x20   duration_secs: 60\n\
         \x20   timezone: Europe/Berlin\n\
         status_pages:\n\
         \x20 - slug: public\n\
         \x20   title: Acme status\n\
         \x20   websites: {page_sites}\n"
    )
}

async fn listed(app: &TestApp, path: &str) -> Vec<Value> {
    let (status, listed) = app.get(path).await;
    assert_eq!(status, 200, "{listed}");
    listed.as_array().unwrap().clone()
}

fn id_of(sites: &[Value], name: &str) -> Value {
    sites.iter().find(|s| s["name"] == name).map(|s| s["id"].clone()).unwrap()
}

with_both_databases!(a_documents_window_and_page_name_its_sites_by_key, |db| {
    let farm = TargetServer::start().await;
    farm.set_status("/down", 503);
    let app = TestApp::start(&db, ENV).await;
    let dir = tempfile::tempdir().unwrap();
    let text = document(&farm.url("/down"), &farm.url("/up"), "[blog, shop]");
    std::fs::write(dir.path().join("sites.yaml"), &text).unwrap();

    let applied = cli(&app, dir.path(), &["apply", "-f", "sites.yaml"], &[]).await;
    assert!(applied.ok, "{}{}", applied.stdout, applied.stderr);
    assert!(
        applied.stdout.contains("+ maintenance.migration  Shop migration"),
        "{}",
        applied.stdout
    );
    assert!(applied.stdout.contains("+ status_pages.public  Acme status"), "{}", applied.stdout);
    assert!(applied.stdout.contains("Plan: 4 to create"), "{}", applied.stdout);

    let sites = listed(&app, "/api/websites").await;
    let (shop, blog) = (id_of(&sites, "Shop"), id_of(&sites, "Blog"));
    let windows = listed(&app, "/api/maintenance").await;
    let [window] = &windows[..] else { panic!("{windows:?}") };
    assert_eq!(window["websites"], json!([shop]), "{window}");
    assert_eq!(
        (&window["managed_by"], &window["key"]),
        (&json!("file:sites.yaml"), &json!("migration"))
    );
    assert_eq!(window["active"], true, "{window}");
    let (status, page) = app.get("/api/status-pages/public").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["websites"], json!([blog, shop]), "in the document's order");

    // The engine heard of the window: the shop's checks are made in maintenance.
    let silenced = eventually(Duration::from_secs(60), async || {
        let (_, checks) = app.get(&format!("/api/websites/{shop}/checks")).await;
        checks["checks"].as_array().is_some_and(|c| c.iter().any(|c| c["in_maintenance"] == true))
    })
    .await;
    assert!(silenced, "{}", app.get(&format!("/api/websites/{shop}/checks")).await.1);
    let html =
        app.client.get(app.url("/status/public")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Acme status") && html.contains("Blog"), "{html}");

    // The export names the sites by key; applied back, nothing changes.
    let exported = cli(&app, dir.path(), &["export", "-o", "exported.yaml"], &[]).await;
    assert!(exported.ok, "{}", exported.stderr);
    let export = std::fs::read_to_string(dir.path().join("exported.yaml")).unwrap();
    assert!(export.contains("maintenance:") && export.contains("status_pages:"), "{export}");
    let again =
        cli(&app, dir.path(), &["apply", "-f", "exported.yaml", "--name", "sites.yaml"], &[]).await;
    assert!(again.ok, "{}{}", again.stdout, again.stderr);
    assert!(again.stdout.contains("No changes."), "{}\n{export}", again.stdout);
    assert_eq!(listed(&app, "/api/maintenance").await[0]["updated_at"], window["updated_at"]);
    assert_eq!(app.get("/api/status-pages/public").await.1["updated_at"], page["updated_at"]);

    // An export of this file alone leaves out what the API made; applied back with --prune,
    // nothing changes.
    let hand = json!({ "url": "https://hand.example.com/", "name": "Hand", "check_interval": 60 });
    assert_eq!(app.post_json("/api/websites", &hand).await.0, 201);
    let own =
        cli(&app, dir.path(), &["export", "--file", "sites.yaml", "-o", "own.yaml"], &[]).await;
    assert!(own.ok, "{}", own.stderr);
    let own_text = std::fs::read_to_string(dir.path().join("own.yaml")).unwrap();
    assert!(!own_text.contains("hand.example.com") && own_text.contains("key: shop"), "{own_text}");
    let args = ["apply", "-f", "own.yaml", "--name", "sites.yaml", "--prune"];
    let again = cli(&app, dir.path(), &args, &[]).await;
    assert!(again.stdout.contains("No changes."), "{}{}", again.stdout, again.stderr);

    // Hand edits are refused unless forced.
    let path = format!("/api/maintenance/{}", window["id"]);
    let (status, refused) = app.patch_json(&path, &json!({ "name": "Other" })).await;
    assert_eq!((status, &refused["code"]), (409, &json!("managed_by_file")), "{refused}");
    let (status, refused) = app.delete("/api/status-pages/public").await;
    assert_eq!((status, &refused["code"]), (409, &json!("managed_by_file")), "{refused}");

    // A site key the document does not declare is placed on its line; nothing is applied.
    let unknown = document(&farm.url("/down"), &farm.url("/up"), "[blog, nope]");
    std::fs::write(dir.path().join("sites.yaml"), unknown).unwrap();
    let refused = cli(&app, dir.path(), &["apply", "-f", "sites.yaml"], &[]).await;
    assert!(!refused.ok, "{}", refused.stdout);
    assert!(
        refused.stderr.contains("sites.yaml:20:") && refused.stderr.contains("has key \"nope\""),
        "{}",
        refused.stderr
    );

    // So is a site id no site has (not a conflict to retry: a mistake in the file).
    let missing_id = text.replace("websites: [shop]", "websites: [shop, 999999]");
    std::fs::write(dir.path().join("sites.yaml"), missing_id).unwrap();
    let refused = cli(&app, dir.path(), &["apply", "-f", "sites.yaml"], &[]).await;
    assert!(!refused.ok, "{}", refused.stdout);
    assert!(
        refused.stderr.contains("maintenance[0].websites: no website with id 999999"),
        "{}",
        refused.stderr
    );

    // Out of the file and pruned: both go, the sites stay.
    let sites_only = text.split("maintenance:").next().unwrap();
    std::fs::write(dir.path().join("sites.yaml"), sites_only).unwrap();
    let pruned = cli(&app, dir.path(), &["apply", "-f", "sites.yaml", "--prune"], &[]).await;
    assert!(pruned.ok, "{}{}", pruned.stdout, pruned.stderr);
    assert!(pruned.stdout.contains("- maintenance.migration"), "{}", pruned.stdout);
    assert!(pruned.stdout.contains("- status_pages.public"), "{}", pruned.stdout);
    assert!(listed(&app, "/api/maintenance").await.is_empty());
    assert!(listed(&app, "/api/status-pages").await.is_empty());
    assert_eq!(
        listed(&app, "/api/websites").await.len(),
        3,
        "the file's two and the hand-made one"
    );
});
