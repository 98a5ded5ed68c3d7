//! `config_file.path`: a server that owns a document applies it at start and on every change;
//! a bad edit keeps the last good version and says why in `/health`, a metric and an ERROR log;
//! the fix applies. Two nodes owning the same file apply each version once.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::helpers::{TestApp, TestDatabase, eventually, metric, with_both_databases};

const WAIT: Duration = Duration::from_secs(60);

fn write(path: &Path, sites: &[(&str, u32)]) {
    let mut text = String::from("websites:\n");
    for (key, interval) in sites {
        text.push_str(&format!(
            "  - key: {key}\n    url: https://{key}.example.com/\n    name: {key}\n    check_interval: {interval}\n"
        ));
    }
    // Written whole at once: the job must never see half a file as the new version.
    let fresh = path.with_extension("tmp");
    std::fs::write(&fresh, text).unwrap();
    std::fs::rename(&fresh, path).unwrap();
}

/// The stored sites' keys, sorted, with their intervals.
async fn keys(app: &TestApp) -> Vec<(String, i64)> {
    let (_, listed) = app.get("/api/websites").await;
    let mut keys: Vec<(String, i64)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (s["key"].as_str().unwrap_or("-").to_owned(), s["check_interval"].as_i64().unwrap())
        })
        .collect();
    keys.sort();
    keys
}

async fn file_state(app: &TestApp) -> Value {
    app.get("/health").await.1["config_file"].clone()
}

fn owning(path: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("LOOKOUT__CONFIG_FILE__PATH", path.display().to_string()),
        ("LOOKOUT__CONFIG_FILE__POLL_SECS", "0.2".to_owned()),
    ]
}

fn env_of<'a>(pairs: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    pairs.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

with_both_databases!(an_owned_file_is_applied_kept_through_a_bad_edit_and_pruned, |db| {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sites.yaml");
    write(&path, &[("shop", 60)]);
    let env = owning(&path);
    let app = TestApp::start(&db, &env_of(&env)).await;

    // The sites are visible when the apply commits, the state just after: wait for both.
    let settled = async |want: &[(String, i64)]| {
        keys(&app).await == want && file_state(&app).await["state"] == "applied"
    };
    let want = vec![("shop".to_owned(), 60)];
    assert!(eventually(WAIT, async || settled(&want).await).await, "applied at start");
    let state = file_state(&app).await;
    assert_eq!(state["state"], "applied", "{state}");
    assert_eq!(state["path"], path.display().to_string());

    write(&path, &[("shop", 60), ("api", 120)]);
    let two = vec![("api".to_owned(), 120), ("shop".to_owned(), 60)];
    assert!(eventually(WAIT, async || keys(&app).await == two).await, "an edit is applied");

    std::fs::write(&path, "websites:\n  - key: shop\n    url: https://shop.example.com/\n    name: shop\n    check_interval: often\n").unwrap();
    let invalid = eventually(WAIT, async || file_state(&app).await["state"] == "invalid").await;
    assert!(invalid, "a bad edit is reported");
    let state = file_state(&app).await;
    let first = state["errors"][0].as_str().unwrap_or_default().to_owned();
    assert!(
        first.starts_with("sites.yaml:5:5: websites[0].check_interval: invalid type"),
        "{state}"
    );
    assert_eq!(keys(&app).await, two, "the last good version stays");
    assert_eq!(metric(&app.metrics_text().await, "lookout_config_file_valid"), 0.0);
    assert!(app.wait_for_log("The config file is invalid", WAIT).await, "an ERROR log");

    write(&path, &[("api", 300)]);
    let fixed = vec![("api".to_owned(), 300)];
    assert!(eventually(WAIT, async || settled(&fixed).await).await, "the fix applies and prunes");
    let state = file_state(&app).await;
    assert_eq!(
        (state["state"].as_str(), state["errors"].as_array().map(Vec::len)),
        (Some("applied"), Some(0)),
        "{state}"
    );
    assert_eq!(metric(&app.metrics_text().await, "lookout_config_file_valid"), 1.0);

    // A hand edit of an owned site is refused like any managed site's.
    let (_, listed) = app.get("/api/websites").await;
    let id = listed[0]["id"].clone();
    let (status, error) = app.delete(&format!("/api/websites/{id}")).await;
    assert_eq!((status, error["managed_by"].as_str()), (409, Some("file:sites.yaml")), "{error}");
});

/// `lookout_config_file_applies_total{outcome="applied"}` of one node.
async fn applied_count(app: &TestApp) -> f64 {
    let text = app.metrics_text().await;
    text.lines()
        .filter(|l| {
            l.starts_with("lookout_config_file_applies_total") && l.contains("outcome=\"applied\"")
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[tokio::test(flavor = "multi_thread")]
async fn two_nodes_owning_one_file_apply_each_version_once() {
    let Some(db) = TestDatabase::postgres().await else {
        eprintln!("skipped: LOOKOUT_TEST_POSTGRES_URL is not set");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sites.yaml");
    write(&path, &[("a", 60), ("b", 60), ("c", 60)]);
    let mut env = owning(&path);
    env.push(("LOOKOUT__SCHEDULER__MODE", "shared".to_owned()));
    let one = TestApp::start(
        &db,
        &env_of(&[env.clone(), vec![("LOOKOUT__NODE__ID", "one".to_owned())]].concat()),
    )
    .await;
    let two = TestApp::start(
        &db,
        &env_of(&[env, vec![("LOOKOUT__NODE__ID", "two".to_owned())]].concat()),
    )
    .await;

    let applied = async |app: &TestApp| file_state(app).await["state"] == "applied";
    assert!(eventually(WAIT, async || applied(&one).await && applied(&two).await).await);
    assert_eq!(keys(&one).await.len(), 3);
    assert_eq!(
        applied_count(&one).await + applied_count(&two).await,
        1.0,
        "one node wrote the first version"
    );

    write(&path, &[("a", 120), ("b", 60), ("d", 60)]);
    let want = vec![("a".to_owned(), 120), ("b".to_owned(), 60), ("d".to_owned(), 60)];
    let both_read = async || {
        let done = async |app: &TestApp| {
            let text = app.metrics_text().await;
            text.lines()
                .filter(|l| l.starts_with("lookout_config_file_applies_total"))
                .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
                .sum::<f64>()
                >= 2.0
        };
        keys(&one).await == want && done(&one).await && done(&two).await
    };
    assert!(eventually(WAIT, both_read).await, "both nodes read the new version");
    assert_eq!(
        applied_count(&one).await + applied_count(&two).await,
        2.0,
        "one node wrote the second version"
    );
}
