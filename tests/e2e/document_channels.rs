//! Channels in a document, through the real binary on both backends: a channel the document
//! makes alerts the site that names it by key (a real webhook receives the event), the export
//! applies back as a no-op with the secret kept, a hand edit is refused, a key the document
//! does not declare is placed by line and column, and pruning a channel still in use is
//! refused with nothing written.

use std::time::Duration;

use lookout_target_farm::{TargetServer, WebhookReceiver};
use serde_json::{Value, json};

use crate::documents::cli;
use crate::helpers::{TestApp, eventually, with_both_databases};

/// Checks every second; no grouping wait.
const ENV: &[(&str, &str)] = &[
    ("LOOKOUT__MONITOR__MIN_INTERVAL_SECS", "1"),
    ("LOOKOUT__PROBE__TIMEOUT_SECS", "5"),
    ("LOOKOUT__PROBE__RETRIES", "0"),
    ("LOOKOUT__ALERTS__GROUP_WAIT_SECS", "0"),
    ("LOOKOUT__ALERTS__SEND_TIMEOUT_SECS", "3"),
];

const SECRET: &str = "whsec-document-0123456789";

async fn channels(app: &TestApp) -> Vec<Value> {
    let (status, listed) = app.get("/api/channels").await;
    assert_eq!(status, 200, "{listed}");
    listed.as_array().unwrap().clone()
}

fn document(hook: &str, site: &str, site_channels: &str) -> String {
    format!(
        "channels:\n\
         \x20 - key: ops\n\
         \x20   name: Ops hook\n\
         \x20   kind: webhook\n\
         \x20   config:\n\
         \x20     url: {hook}\n\
         \x20     secret: \"${{HOOK_SECRET}}\"\n\
         websites:\n\
         \x20 - key: shop\n\
         \x20   url: {site}\n\
         \x20   name: Shop\n\
         \x20   check_interval: 1\n\
         \x20   alerts:\n\
         \x20     channels: {site_channels}\n\
         \x20     failure_threshold: 1\n"
    )
}

with_both_databases!(a_documents_channel_alerts_its_site_and_round_trips, |db| {
    let farm = TargetServer::start().await;
    let receiver = WebhookReceiver::start().await;
    farm.set_status("/down", 503);
    let app = TestApp::start(&db, ENV).await;
    let dir = tempfile::tempdir().unwrap();
    let text = document(&receiver.url("/hook"), &farm.url("/down"), "[ops]");
    std::fs::write(dir.path().join("sites.yaml"), &text).unwrap();
    let env = [("HOOK_SECRET", SECRET)];

    let applied = cli(&app, dir.path(), &["apply", "-f", "sites.yaml"], &env).await;
    assert!(applied.ok, "{}{}", applied.stdout, applied.stderr);
    assert!(applied.stdout.contains("+ channels.ops  Ops hook"), "{}", applied.stdout);
    assert!(applied.stdout.contains("+ websites.shop  "), "{}", applied.stdout);
    assert!(applied.stdout.contains("alerts"), "{}", applied.stdout);
    assert!(!applied.stdout.contains(SECRET), "the secret is never shown");

    // The site names the channel the same apply made: its firing event reaches the receiver.
    let requests = receiver.wait_for("/hook", 1, Duration::from_secs(60)).await;
    let body = requests[0].json().unwrap();
    assert_eq!(body["event"], "firing", "{body}");
    assert!(requests[0].header("x-lookout-signature").is_some(), "signed with the secret");

    let listed = channels(&app).await;
    let [channel] = &listed[..] else { panic!("{listed:?}") };
    assert_eq!(
        (&channel["managed_by"], &channel["key"]),
        (&json!("file:sites.yaml"), &json!("ops"))
    );
    assert_eq!(channel["config"]["secret"], "***");
    let (_, site) = app.get("/api/websites").await;
    assert_eq!(site[0]["alerts"]["channels"], json!([channel["id"]]));

    // The export names the channel by key and masks its secret; applied back, nothing changes.
    let exported = cli(&app, dir.path(), &["export", "-o", "exported.yaml"], &[]).await;
    assert!(exported.ok, "{}", exported.stderr);
    let export = std::fs::read_to_string(dir.path().join("exported.yaml")).unwrap();
    assert!(export.contains("channels:") && export.contains("key: ops"), "{export}");
    assert!(export.contains("'***'") || export.contains("\"***\""), "{export}");
    assert!(!export.contains(SECRET), "{export}");
    let again =
        cli(&app, dir.path(), &["apply", "-f", "exported.yaml", "--name", "sites.yaml"], &[]).await;
    assert!(again.ok, "{}{}", again.stdout, again.stderr);
    assert!(again.stdout.contains("No changes."), "{}", again.stdout);
    assert_eq!(channels(&app).await[0]["updated_at"], channel["updated_at"], "nothing written");

    // A hand edit of the file's channel is refused unless forced.
    let path = format!("/api/channels/{}", channel["id"]);
    let (status, refused) = app.patch_json(&path, &json!({ "name": "Renamed" })).await;
    assert_eq!((status, &refused["code"]), (409, &json!("managed_by_file")), "{refused}");

    // A key the document does not declare is named by file, line and column.
    let orphaned_key = text.replace("[ops]", "[ops, pager]");
    std::fs::write(dir.path().join("sites.yaml"), orphaned_key).unwrap();
    let refused = cli(&app, dir.path(), &["apply", "-f", "sites.yaml"], &env).await;
    assert!(!refused.ok);
    assert!(
        refused.stderr.contains("sites.yaml:14:") && refused.stderr.contains("has key \"pager\""),
        "{}",
        refused.stderr
    );

    // The channel dropped from the file while its site still names it: refused, nothing
    // written; dropped from both: the channel is deleted.
    let dropped = text.split("websites:").nth(1).unwrap();
    std::fs::write(dir.path().join("sites.yaml"), format!("websites:{dropped}")).unwrap();
    let refused = cli(&app, dir.path(), &["apply", "-f", "sites.yaml", "--prune"], &env).await;
    assert!(!refused.ok, "{}", refused.stdout);
    assert!(refused.stderr.contains("has key \"ops\""), "{}", refused.stderr);
    let silent = format!("websites:{dropped}").replace("channels: [ops]", "channels: []");
    std::fs::write(dir.path().join("sites.yaml"), silent).unwrap();
    let pruned = cli(&app, dir.path(), &["apply", "-f", "sites.yaml", "--prune"], &env).await;
    assert!(pruned.ok, "{}{}", pruned.stdout, pruned.stderr);
    assert!(pruned.stdout.contains("- channels.ops  Ops hook"), "{}", pruned.stdout);
    assert!(pruned.stdout.contains("~ websites.shop"), "{}", pruned.stdout);
    let gone = eventually(Duration::from_secs(10), async || channels(&app).await.is_empty()).await;
    assert!(gone, "{:?}", channels(&app).await);
});

with_both_databases!(pruning_a_channel_a_hand_made_site_still_uses_is_refused, |db| {
    let app = TestApp::start(&db, ENV).await;
    let dir = tempfile::tempdir().unwrap();
    let declared = "channels:\n  - key: ops\n    name: Ops\n    kind: slack\n    config:\n      webhook_url: https://hooks.slack.com/services/T/B/x\n";
    std::fs::write(dir.path().join("ops.yaml"), declared).unwrap();
    let applied = cli(&app, dir.path(), &["apply", "-f", "ops.yaml"], &[]).await;
    assert!(applied.ok, "{}{}", applied.stdout, applied.stderr);
    let id = channels(&app).await[0]["id"].clone();
    let site = json!({ "url": "https://hand.example.com/", "name": "Hand", "check_interval": 60,
        "alerts": { "channels": [id] } });
    let (status, site) = app.post_json("/api/websites", &site).await;
    assert_eq!(status, 201, "{site}");

    std::fs::write(dir.path().join("ops.yaml"), "channels: []\n").unwrap();
    let refused = cli(&app, dir.path(), &["apply", "-f", "ops.yaml", "--prune"], &[]).await;
    assert!(!refused.ok, "{}", refused.stdout);
    let expected = format!("websites {} still name it", site["id"]);
    assert!(refused.stderr.contains(&expected), "{}", refused.stderr);
    assert_eq!(channels(&app).await.len(), 1, "nothing was deleted");
});
