//! `lookout sites …` against a running lookout: a table for people, `--json` for scripts, the
//! server and token from the environment.

use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::helpers::{TestApp, TestDatabase};

/// Runs `lookout sites ARGS` with `LOOKOUT_SERVER` (and `LOOKOUT_TOKEN`) set: (ok, stdout, stderr).
async fn sites(app: &TestApp, args: &[&str], token: Option<&str>) -> (bool, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lookout"));
    command
        .arg("sites")
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("LOOKOUT_SERVER", &app.address)
        .stdin(Stdio::null());
    if let Some(token) = token {
        command.env("LOOKOUT_TOKEN", token);
    }
    let output = tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn sites_cli_lists_adds_pauses_and_removes() {
    let db = TestDatabase::sqlite();
    let env = [("LOOKOUT__AUTH__WRITE_TOKENS", "e2e-cli-write-token-0123456789")];
    let app = TestApp::start(&db, &env).await;
    let token = Some("e2e-cli-write-token-0123456789");

    let (ok, _, stderr) = sites(&app, &["list"], None).await;
    assert!(!ok && stderr.contains("HTTP 401"), "no token, no answer: {stderr}");
    let (ok, out, _) = sites(&app, &["list"], token).await;
    assert!(ok && out == "No sites.\n", "{out}");

    let (ok, out, err) =
        sites(&app, &["add", "https://shop.example.com/health", "--interval", "60"], token).await;
    assert!(ok, "{err}");
    assert!(out.contains("shop.example.com") && out.contains("60s"), "the host names it: {out}");
    let (_, out, _) = sites(&app, &["list", "--json"], token).await;
    let listed: Value = serde_json::from_str(&out).unwrap();
    let id = listed[0]["id"].as_i64().unwrap();
    assert_eq!(listed[0]["name"], "shop.example.com");

    let (ok, out, _) = sites(&app, &["pause", &id.to_string()], token).await;
    assert!(ok && out.contains("paused"), "{out}");
    let (ok, out, _) = sites(&app, &["get", &id.to_string()], token).await;
    assert!(ok && out.contains("state       paused"), "{out}");
    let (_, out, _) = sites(&app, &["get", &id.to_string(), "--json"], token).await;
    let got: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (got["website"]["enabled"].clone(), got["status"]["state"].clone()),
        (json!(false), json!("paused"))
    );

    let (ok, out, _) = sites(&app, &["resume", &id.to_string()], token).await;
    assert!(ok && out.contains(" yes "), "{out}");
    let (ok, out, _) = sites(&app, &["rm", &id.to_string()], token).await;
    assert!(ok && out == format!("Deleted site {id}.\n"), "{out}");
    let (ok, _, err) = sites(&app, &["rm", &id.to_string()], token).await;
    assert!(!ok && err.contains("not found"), "{err}");
}
