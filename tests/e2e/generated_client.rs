//! A client generated from `/api/openapi.json` by a real generator (`openapi-python-client`
//! from PyPI, which `.ci/run` installs) creates, lists, gets, patches and deletes a website
//! against the running binary (`tests/e2e/python/generated_client.py`).

use std::path::Path;
use std::process::Command;

use crate::helpers::{TestApp, TestDatabase};

const WRITE: &str = "e2e-generated-client-token-0123456789";

fn run(command: &mut Command, what: &str) -> String {
    let output = command.output().unwrap_or_else(|e| panic!("{what} cannot start: {e}"));
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{what} failed:\n{printed}");
    printed
}

#[tokio::test(flavor = "multi_thread")]
async fn a_generated_python_client_drives_the_api() {
    let db = TestDatabase::sqlite();
    let app = TestApp::start(
        &db,
        &[("LOOKOUT__AUTH__WRITE_TOKENS", WRITE), ("SCHEDULER_ENABLED", "false")],
    )
    .await;
    let spec: serde_json::Value = app
        .client
        .get(app.url("/api/openapi.json"))
        .bearer_auth(WRITE)
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .await
        .unwrap();
    let work = tempfile::tempdir().unwrap();
    let spec_path = work.path().join("openapi.json");
    std::fs::write(&spec_path, serde_json::to_vec(&spec).unwrap()).unwrap();
    let package = work.path().join("lookout_client");
    let generated = run(
        Command::new("openapi-python-client")
            .arg("generate")
            .arg("--path")
            .arg(&spec_path)
            .arg("--output-path")
            .arg(&package)
            .args(["--meta", "none"]),
        "openapi-python-client (pip install openapi-python-client; .ci/run installs it)",
    );
    assert!(!generated.contains("Warning"), "the generator understood everything:\n{generated}");
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/e2e/python/generated_client.py");
    let printed = run(
        Command::new("python3")
            .arg(&script)
            .arg(app.url(""))
            .arg(WRITE)
            .env("PYTHONPATH", work.path()),
        "the generated client",
    );
    assert!(printed.contains("all as documented"), "{printed}");
}
