//! Monitoring as code through the real binary: `lookout apply` and `lookout export` against a
//! running lookout on both backends — plans, round trips with zero writes, pruning, ownership
//! (409 `managed_by_file`, `?force=true`, `adopt: true`), and bad documents named by file, line
//! and column with nothing applied.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use lookout_target_farm::TargetServer;
use serde_json::{Value, json};

use crate::helpers::{TestApp, eventually, on_both_backends, with_both_databases};

/// What one CLI run printed.
pub(crate) struct Run {
    pub(crate) ok: bool,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

/// Runs `lookout ARGS --server <app>` in `dir` with `env`, to completion.
pub(crate) async fn cli(app: &TestApp, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lookout"));
    command
        .args(args)
        .args(["--server", &app.address])
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .stdin(Stdio::null());
    for (key, value) in env {
        command.env(key, value);
    }
    let output = tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap();
    Run {
        ok: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

async fn sites(app: &TestApp) -> Vec<Value> {
    let (status, listed) = app.get("/api/websites").await;
    assert_eq!(status, 200, "{listed}");
    listed.as_array().unwrap().clone()
}

fn by_url<'a>(sites: &'a [Value], url: &str) -> &'a Value {
    sites.iter().find(|s| s["url"] == url).unwrap_or_else(|| panic!("no {url} in {sites:?}"))
}

on_both_backends!(apply_plans_creates_round_trips_and_prunes, |app| {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sites.yaml");
    std::fs::write(
        &file,
        "websites:\n\
         \x20 - key: shop\n\
         \x20   url: https://shop.example.com/health\n\
         \x20   name: Shop\n\
         \x20   check_interval: 60\n\
         \x20   request:\n\
         \x20     headers:\n\
         \x20       Authorization: \"Bearer ${SHOP_TOKEN}\"\n\
         \x20   assertions:\n\
         \x20     - { kind: status, any_of: [200] }\n\
         \x20 - url: https://api.example.com/\n\
         \x20   name: API\n\
         \x20   check_interval: 300\n\
         \x20   regions: [eu, us]\n",
    )
    .unwrap();
    let env = [("SHOP_TOKEN", "s3cret")];

    let dry = cli(&app, dir.path(), &["apply", "-f", "sites.yaml", "--dry-run"], &env).await;
    assert!(dry.ok, "{}{}", dry.stdout, dry.stderr);
    assert!(
        dry.stdout.contains("+ websites.shop  https://shop.example.com/health"),
        "{}",
        dry.stdout
    );
    assert!(dry.stdout.contains("+ websites.https://api.example.com/"), "{}", dry.stdout);
    assert!(dry.stdout.contains("check_interval = 300"), "{}", dry.stdout);
    assert!(dry.stdout.contains("Plan: 2 to create, 0 to update, 0 to delete"), "{}", dry.stdout);
    assert!(dry.stdout.contains("Dry run: nothing was written."), "{}", dry.stdout);
    assert!(!dry.stdout.contains("s3cret"), "secrets are never printed: {}", dry.stdout);
    assert!(!dry.stdout.contains('\x1b'), "no colour when not a terminal");
    assert!(sites(&app).await.is_empty(), "a dry run writes nothing");

    let applied = cli(&app, dir.path(), &["apply", "-f", "sites.yaml"], &env).await;
    assert!(
        applied.ok && applied.stdout.contains("Applied."),
        "{}{}",
        applied.stdout,
        applied.stderr
    );
    let stored = sites(&app).await;
    let shop = by_url(&stored, "https://shop.example.com/health");
    assert_eq!(
        (shop["managed_by"].as_str(), shop["key"].as_str()),
        (Some("file:sites.yaml"), Some("shop"))
    );
    assert_eq!(shop["request"]["headers"]["Authorization"], "***", "{shop}");
    assert_eq!(by_url(&stored, "https://api.example.com/")["regions"], json!(["eu", "us"]));

    let again = cli(&app, dir.path(), &["apply", "-f", "sites.yaml"], &env).await;
    assert!(again.stdout.starts_with("No changes."), "{}{}", again.stdout, again.stderr);

    // Export → apply under the same name: nothing to do, nothing written.
    let export = cli(&app, dir.path(), &["export", "-o", "export.yaml"], &[]).await;
    assert!(export.ok, "{}", export.stderr);
    let exported = std::fs::read_to_string(dir.path().join("export.yaml")).unwrap();
    assert!(
        exported.contains("key: shop") && exported.contains("check_interval: 60"),
        "{exported}"
    );
    let round =
        cli(&app, dir.path(), &["apply", "-f", "export.yaml", "--name", "sites.yaml"], &[]).await;
    assert!(round.stdout.starts_with("No changes."), "{}{}", round.stdout, round.stderr);
    assert_eq!(sites(&app).await, stored, "zero writes: every updated_at as it was");

    // An edit: one interval changes, one site leaves the file.
    std::fs::write(
        &file,
        "websites:\n  - key: shop\n    url: https://shop.example.com/health\n    name: Shop\n    check_interval: 120\n    request:\n      headers:\n        Authorization: \"***\"\n    assertions:\n      - { kind: status, any_of: [200] }\n",
    )
    .unwrap();
    let plan = cli(&app, dir.path(), &["apply", "-f", "sites.yaml", "--dry-run"], &[]).await;
    assert!(plan.stdout.contains("~ websites.shop"), "{}{}", plan.stdout, plan.stderr);
    assert!(plan.stdout.contains("~ check_interval = 60 → 120"), "{}", plan.stdout);
    assert!(!plan.stdout.contains("~ request"), "a masked secret keeps its value: {}", plan.stdout);
    assert!(
        plan.stdout.contains("1 no longer in the file and kept (apply with --prune to delete)"),
        "{}",
        plan.stdout
    );
    let pruned = cli(&app, dir.path(), &["apply", "-f", "sites.yaml", "--prune"], &[]).await;
    assert!(pruned.stdout.contains("- websites.https://api.example.com/"), "{}", pruned.stdout);
    assert!(
        pruned.stdout.contains("Plan: 0 to create, 1 to update, 1 to delete"),
        "{}",
        pruned.stdout
    );
    let left = sites(&app).await;
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0]["check_interval"], 120);
    assert_eq!(left[0]["id"], shop["id"], "updated in place, not made again");
});

on_both_backends!(managed_sites_refuse_hand_edits_and_api_sites_need_adopting, |app| {
    let dir = tempfile::tempdir().unwrap();
    let (_, made) = app
        .post_json(
            "/api/websites",
            &json!({"url": "https://legacy.example.com/", "name": "Legacy"}),
        )
        .await;
    std::fs::write(
        dir.path().join("sites.yaml"),
        "websites:\n  - key: shop\n    url: https://shop.example.com/\n    name: Shop\n  - key: legacy\n    url: https://legacy.example.com/\n    name: Legacy v2\n",
    )
    .unwrap();
    let refused = cli(&app, dir.path(), &["apply", "-f", "sites.yaml"], &[]).await;
    assert!(!refused.ok, "{}", refused.stdout);
    assert!(refused.stderr.contains("sites.yaml:6:5: websites[1].url:"), "{}", refused.stderr);
    assert!(refused.stderr.contains("set `adopt: true`"), "{}", refused.stderr);
    assert_eq!(sites(&app).await.len(), 1, "all or nothing: the shop was not made either");

    std::fs::write(
        dir.path().join("sites.yaml"),
        "websites:\n  - key: shop\n    url: https://shop.example.com/\n    name: Shop\n  - key: legacy\n    adopt: true\n    url: https://legacy.example.com/\n    name: Legacy v2\n",
    )
    .unwrap();
    let adopted = cli(&app, dir.path(), &["apply", "-f", "sites.yaml"], &[]).await;
    assert!(
        adopted.stdout.contains("[adopted from the API]"),
        "{}{}",
        adopted.stdout,
        adopted.stderr
    );
    let (_, legacy) = app.get(&format!("/api/websites/{}", made["id"])).await;
    assert_eq!(
        (legacy["name"].as_str(), legacy["managed_by"].as_str()),
        (Some("Legacy v2"), Some("file:sites.yaml"))
    );

    let page = app.client.get(app.url(&format!("/sites/{}", made["id"]))).send().await.unwrap();
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Managed by <strong>sites.yaml</strong>"),
        "the page says who manages it"
    );
    assert!(!html.contains("/edit\""), "and offers no edit");

    let path = format!("/api/websites/{}", made["id"]);
    let (status, error) = app.patch_json(&path, &json!({"enabled": false})).await;
    assert_eq!((status, error["code"].as_str()), (409, Some("managed_by_file")), "{error}");
    assert_eq!(error["managed_by"], "file:sites.yaml");
    let (_, unchanged) = app.get(&path).await;
    assert_eq!(unchanged["enabled"], true, "a refused edit writes nothing");
    let (status, forced) =
        app.patch_json(&format!("{path}?force=true"), &json!({"enabled": false})).await;
    assert_eq!((status, forced["enabled"].clone()), (200, json!(false)), "{forced}");
    let drift = cli(&app, dir.path(), &["apply", "-f", "sites.yaml", "--dry-run"], &[]).await;
    assert!(
        drift.stdout.contains("~ enabled = false → true"),
        "the file puts it back: {}",
        drift.stdout
    );

    let (status, error) = app.delete(&path).await;
    assert_eq!((status, error["code"].as_str()), (409, Some("managed_by_file")), "{error}");
    let (status, _) = app.delete(&format!("{path}?force=true")).await;
    assert_eq!(status, 204);
});

with_both_databases!(applied_sites_are_checked, |db| {
    let farm = TargetServer::start().await;
    let app = TestApp::start(&db, &[("LOOKOUT__MONITOR__MIN_INTERVAL_SECS", "1")]).await;
    let dir = tempfile::tempdir().unwrap();
    let url = farm.url("/s/applied");
    std::fs::write(
        dir.path().join("sites.yaml"),
        format!("websites:\n  - key: applied\n    url: {url}\n    name: Applied\n    check_interval: 1\n"),
    )
    .unwrap();
    let applied = cli(&app, dir.path(), &["apply", "-f", "sites.yaml"], &[]).await;
    assert!(applied.ok, "{}{}", applied.stdout, applied.stderr);
    let checked = eventually(Duration::from_secs(60), async || farm.hits("/s/applied") >= 2).await;
    assert!(checked, "an applied site joins the schedule");
});

on_both_backends!(bad_documents_are_named_by_line_and_column_and_nothing_is_applied, |app| {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &str); 7] = [
        (
            "websites:\n  - url: https://a.example/\n    name: A\n    chek_interval: 60\n",
            "sites.yaml:4:5: websites[0].chek_interval: unknown field `chek_interval`",
        ),
        (
            "websites:\n  - url: https://a.example/\n    name: A\n    url: https://b.example/\n",
            "sites.yaml:4:5: duplicate key `url`",
        ),
        (
            "websites:\n  - url: https://a.example/\n    name: A\n    check_interval: often\n",
            "sites.yaml:4:5: websites[0].check_interval: invalid type",
        ),
        (
            "websites:\n  - url: https://a.example/\n    name: A\n    check_interval: 5\n",
            "sites.yaml:4:5: websites[0].check_interval:",
        ),
        (
            "websites:\n  - key: a\n    url: https://a.example/\n    name: A\n  - key: a\n    url: https://b.example/\n    name: B\n",
            "sites.yaml:5:5: websites[1].key:",
        ),
        (
            "websites:\n  - url: https://a.example/\n    name: A\n    alerts: { channels: [424242] }\n",
            "websites[0].alerts.channels: no channel with id 424242",
        ),
        ("sites:\n  - url: https://a.example/\n", "sites.yaml:1:1: sites: unknown field `sites`"),
    ];
    for (text, expected) in cases {
        std::fs::write(dir.path().join("sites.yaml"), text).unwrap();
        let run = cli(&app, dir.path(), &["apply", "-f", "sites.yaml"], &[]).await;
        assert!(!run.ok, "{text} was accepted: {}", run.stdout);
        assert!(run.stderr.contains(expected), "{text}\nexpected {expected:?} in:\n{}", run.stderr);
        assert!(run.stderr.contains("nothing changed"), "{}", run.stderr);
    }
    std::fs::write(
        dir.path().join("sites.yaml"),
        "websites:\n  - url: https://a.example/\n    name: ${MISSING}\n",
    )
    .unwrap();
    let run = cli(&app, dir.path(), &["apply", "-f", "sites.yaml"], &[]).await;
    assert!(
        run.stderr
            .contains("sites.yaml: line 3 column 11: environment variable MISSING is not set"),
        "{}",
        run.stderr
    );
    assert!(sites(&app).await.is_empty(), "no bad document wrote anything");

    let (status, error) = app
        .send_raw(
            reqwest::Method::POST,
            "/api/apply",
            Some("application/yaml"),
            b"websites: []".to_vec(),
        )
        .await;
    assert_eq!((status, error["field"].as_str()), (422, Some("file")), "{error}");
    let (status, error) = app
        .send_raw(
            reqwest::Method::POST,
            "/api/apply?file=s.yaml",
            Some("application/yaml"),
            b"websites: [\n".to_vec(),
        )
        .await;
    assert_eq!(
        (status, error["code"].as_str(), error["file"].as_str()),
        (422, Some("invalid_document"), Some("s.yaml")),
        "{error}"
    );
    assert!(error["line"].as_u64().is_some(), "{error}");
});

on_both_backends!(a_toml_document_applies_and_its_problems_are_placed, |app| {
    let dir = tempfile::tempdir().unwrap();
    let toml = "[[websites]]\nkey = \"shop\"\nurl = \"https://shop.example.com/\"\nname = \"Shop\"\ncheck_interval = 120\nregions = [\"eu\", \"us\"]\n\n[[websites]]\nurl = \"https://api.example.com/\"\nname = \"API\"\nalerts = { failure_threshold = 3 }\n";
    std::fs::write(dir.path().join("sites.toml"), toml).unwrap();
    let applied = cli(&app, dir.path(), &["apply", "-f", "sites.toml"], &[]).await;
    assert!(
        applied.ok && applied.stdout.contains("Plan: 2 to create"),
        "{}{}",
        applied.stdout,
        applied.stderr
    );
    let stored = sites(&app).await;
    let shop = by_url(&stored, "https://shop.example.com/");
    assert_eq!(
        (shop["managed_by"].as_str(), shop["check_interval"].as_i64()),
        (Some("file:sites.toml"), Some(120))
    );
    assert_eq!(by_url(&stored, "https://api.example.com/")["alerts"]["failure_threshold"], 3);

    let bad = "[[websites]]\nurl = \"https://shop.example.com/\"\nname = \"Shop\"\ncheck_interval = \"often\"\n";
    std::fs::write(dir.path().join("sites.toml"), bad).unwrap();
    let refused = cli(&app, dir.path(), &["apply", "-f", "sites.toml"], &[]).await;
    assert!(!refused.ok, "{}", refused.stdout);
    assert!(
        refused.stderr.contains("sites.toml:4:1: websites[0].check_interval: invalid type"),
        "{}",
        refused.stderr
    );
    assert_eq!(sites(&app).await, stored, "nothing applied");
});
