//! `/metrics` passes `promtool check metrics` (Debian's `prometheus` package, which `.ci/run`
//! installs): every family has `# HELP` and `# TYPE`, names and units follow Prometheus' rules.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use lookout_target_farm::TargetServer;

use crate::helpers::{TestApp, eventually, with_both_databases};

const FAST: &[(&str, &str)] =
    &[("LOOKOUT__MONITOR__MIN_INTERVAL_SECS", "1"), ("LOOKOUT__PROBE__RETRIES", "0")];

/// `promtool check metrics` on `text`: its exit status and what it printed.
fn promtool(text: &str) -> (bool, String) {
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool (Debian's prometheus package) is installed: .ci/run installs it");
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), printed)
}

#[test]
fn promtool_finds_what_is_wrong_with_undescribed_metrics() {
    let (passed, printed) = promtool("# TYPE lookout_things counter\nlookout_things 3\n");
    assert!(!passed, "a family without HELP fails the check: {printed}");
    assert!(printed.contains("no help text"), "{printed}");
}

with_both_databases!(live_metrics_pass_promtool_check_metrics, |db| {
    let farm = TargetServer::start().await;
    let app = TestApp::start(&db, FAST).await;
    let sites = app.create_sites(&farm, 2, 1).await;
    let (status, _) = app
        .patch_json(&format!("/api/websites/{}", sites[1]), &serde_json::json!({"enabled": false}))
        .await;
    assert_eq!(status, 200);
    let filled = eventually(Duration::from_secs(30), async || {
        let text = app.metrics_text().await;
        [
            "lookout_checks_total",
            "lookout_check_batch_size",
            "lookout_sites",
            "lookout_job_runs_total",
        ]
        .iter()
        .all(|family| text.contains(&format!("# TYPE {family} ")))
    })
    .await;
    let text = app.metrics_text().await;
    assert!(filled, "the checks' families appear:\n{text}");
    let families = text.lines().filter(|l| l.starts_with("# TYPE ")).count();
    let helped = text.lines().filter(|l| l.starts_with("# HELP ")).count();
    assert_eq!(families, helped, "every family has HELP:\n{text}");
    let (passed, printed) = promtool(&text);
    assert!(passed && printed.trim().is_empty(), "promtool: {printed}\n{text}");
});
