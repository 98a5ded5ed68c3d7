//! API authentication: bearer tokens from configuration and from `lookout token`, scopes,
//! `/health` and `/metrics`, and the refusal to serve a public address with no token.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestDatabase, run_to_exit, spawn_lookout, with_both_databases};

const READ: &str = "e2e-read-token-0123456789";
const WRITE: &str = "e2e-write-token-0123456789";

/// Configured tokens, checks off.
const WITH_TOKENS: &[(&str, &str)] = &[
    ("LOOKOUT__AUTH__READ_TOKENS", READ),
    ("LOOKOUT__AUTH__WRITE_TOKENS", WRITE),
    ("SCHEDULER_ENABLED", "false"),
];

/// Status, `WWW-Authenticate` and JSON body of one request with an optional bearer token.
async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Option<String>, Value) {
    let mut request = app.client.request(method, app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let answer = request.send().await.unwrap();
    let challenge =
        answer.headers().get("www-authenticate").map(|v| v.to_str().unwrap().to_owned());
    let status = answer.status().as_u16();
    // JSON for the API; /metrics answers Prometheus text (then `Null`).
    let body = serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap_or(Value::Null);
    (status, challenge, body)
}

async fn status(app: &TestApp, method: Method, path: &str, token: Option<&str>) -> u16 {
    call(app, method, path, token, None).await.0
}

/// Runs `lookout token ...` against `database_url`; returns stdout, asserting success.
fn token_command(database_url: &str, args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut all = vec!["token"];
    all.extend_from_slice(args);
    let child = spawn_lookout(dir.path(), &all, &[("DATABASE_URL", database_url)]);
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "lookout token {args:?}: {}\n{stdout}{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Polls `path` with `token` until it answers `expected` (revocation and new stored tokens take
/// effect at the next refresh); returns the last status.
async fn eventually(app: &TestApp, path: &str, token: Option<&str>, expected: u16) -> u16 {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let got = status(app, Method::GET, path, token).await;
        if got == expected || Instant::now() > deadline {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

with_both_databases!(configured_tokens_gate_the_api_by_scope, |db| {
    let app = TestApp::start_owning(db, WITH_TOKENS).await;
    let (code, challenge, body) = call(&app, Method::GET, "/api/websites", None, None).await;
    assert_eq!(code, 401, "{body}");
    assert!(challenge.is_some_and(|c| c.starts_with("Bearer")));
    assert_eq!(body["code"], "unauthorized");
    assert!(body["message"].as_str().unwrap().contains("bearer token"), "{body}");
    let (code, challenge, body) =
        call(&app, Method::GET, "/api/websites", Some("not-a-token-at-all"), None).await;
    assert_eq!(code, 401, "{body}");
    assert!(challenge.is_some_and(|c| c.starts_with("Bearer")));

    assert_eq!(status(&app, Method::GET, "/api/websites", Some(READ)).await, 200);
    assert_eq!(status(&app, Method::GET, "/api/websites", Some(WRITE)).await, 200);
    let site = json!({ "url": "https://example.com", "name": "Example" });
    let (code, _, body) =
        call(&app, Method::POST, "/api/websites", Some(READ), Some(site.clone())).await;
    assert_eq!(code, 403, "{body}");
    assert_eq!(body["code"], "forbidden");
    let (code, _, created) =
        call(&app, Method::POST, "/api/websites", Some(WRITE), Some(site)).await;
    assert_eq!(code, 201, "{created}");
    let one = format!("/api/websites/{}", created["id"]);
    let rename = json!({ "name": "Renamed" });
    assert_eq!(call(&app, Method::PATCH, &one, Some(READ), Some(rename.clone())).await.0, 403);
    assert_eq!(call(&app, Method::PATCH, &one, Some(WRITE), Some(rename)).await.0, 200);
    assert_eq!(status(&app, Method::DELETE, &one, Some(READ)).await, 403);
    assert_eq!(status(&app, Method::DELETE, &one, None).await, 401);
    assert_eq!(status(&app, Method::DELETE, &one, Some(WRITE)).await, 204);

    // Open: health and (by default) metrics.
    assert_eq!(status(&app, Method::GET, "/health", None).await, 200);
    assert_eq!(status(&app, Method::GET, "/metrics", None).await, 200);
});

#[tokio::test(flavor = "multi_thread")]
async fn metrics_can_require_a_read_token() {
    let db = TestDatabase::sqlite();
    let mut env = WITH_TOKENS.to_vec();
    env.push(("LOOKOUT__METRICS__REQUIRE_TOKEN", "true"));
    let app = TestApp::start(&db, &env).await;
    assert_eq!(status(&app, Method::GET, "/metrics", None).await, 401);
    assert_eq!(status(&app, Method::GET, "/metrics", Some("unknown-token-123456")).await, 401);
    assert_eq!(status(&app, Method::GET, "/metrics", Some(READ)).await, 200);
    assert_eq!(status(&app, Method::GET, "/health", None).await, 200);
}

with_both_databases!(cli_tokens_work_without_a_restart_and_stop_when_revoked, |db| {
    let mut env = WITH_TOKENS.to_vec();
    env.push(("LOOKOUT__AUTH__REFRESH_SECS", "1"));
    let app = TestApp::start(&db, &env).await;

    let token = token_command(db.url(), &["create", "--scope", "read", "--name", "e2e reader"]);
    let token = token.trim();
    assert!(token.starts_with("lk_") && token.len() > 40, "{token:?}");
    // Works at once, by its scope.
    assert_eq!(status(&app, Method::GET, "/api/websites", Some(token)).await, 200);
    let site = json!({ "url": "https://example.org", "name": "Example" });
    assert_eq!(call(&app, Method::POST, "/api/websites", Some(token), Some(site)).await.0, 403);

    let listed = token_command(db.url(), &["list"]);
    let line =
        listed.lines().find(|l| l.contains("e2e reader")).unwrap_or_else(|| panic!("{listed}"));
    assert!(!listed.contains(token), "the secret is never listed: {listed}");
    let id = line.split_whitespace().next().unwrap();
    assert!(line.contains("read"), "{line}");

    let revoked = token_command(db.url(), &["revoke", id]);
    assert!(revoked.contains("Revoked"), "{revoked}");
    assert_eq!(eventually(&app, "/api/websites", Some(token), 401).await, 401);
    // Configured tokens are untouched.
    assert_eq!(status(&app, Method::GET, "/api/websites", Some(READ)).await, 200);
    let listed = token_command(db.url(), &["list"]);
    let line = listed.lines().find(|l| l.contains("e2e reader")).unwrap();
    assert_eq!(line.split_whitespace().nth(3).map(|r| r != "-"), Some(true), "revoked: {line}");
});

#[tokio::test(flavor = "multi_thread")]
async fn a_stored_token_alone_turns_authentication_on() {
    let db = TestDatabase::sqlite();
    let app = TestApp::start(&db, &[("LOOKOUT__AUTH__REFRESH_SECS", "1")]).await;
    assert_eq!(status(&app, Method::GET, "/api/websites", None).await, 200, "open on loopback");
    let token = token_command(db.url(), &["create", "--scope", "write"]);
    assert_eq!(eventually(&app, "/api/websites", None, 401).await, 401);
    assert_eq!(status(&app, Method::GET, "/api/websites", Some(token.trim())).await, 200);
}

#[test]
fn revoking_an_unknown_token_fails() {
    let db = TestDatabase::sqlite();
    let dir = tempfile::tempdir().unwrap();
    let (status, output) =
        run_to_exit(dir.path(), &["token", "revoke", "42"], &[("DATABASE_URL", db.url())]);
    assert!(!status.success(), "{output}");
    assert!(output.contains("no API token with id 42"), "{output}");
}

#[test]
fn refuses_to_serve_a_public_address_without_tokens() {
    let db = TestDatabase::sqlite();
    let dir = tempfile::tempdir().unwrap();
    let env = [("DATABASE_URL", db.url()), ("LOOKOUT__SERVER__HOST", "0.0.0.0")];
    let (status, output) = run_to_exit(dir.path(), &["serve"], &env);
    assert!(!status.success(), "{output}");
    assert!(output.contains("refusing to serve 0.0.0.0"), "{output}");
    assert!(output.contains("server.allow_anonymous"), "{output}");
    assert!(!output.contains("Listening on"), "{output}");
}

#[tokio::test(flavor = "multi_thread")]
async fn serves_a_public_address_anonymously_only_when_allowed_and_warns() {
    let db = TestDatabase::sqlite();
    let env = [("LOOKOUT__SERVER__HOST", "0.0.0.0"), ("LOOKOUT__SERVER__ALLOW_ANONYMOUS", "true")];
    let app = TestApp::start(&db, &env).await;
    assert!(
        app.logs().iter().any(|l| l.contains("WARN") && l.contains("allow_anonymous")),
        "{:?}",
        app.logs()
    );
    assert_eq!(status(&app, Method::GET, "/api/websites", None).await, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn serves_a_public_address_with_a_token() {
    let db = TestDatabase::sqlite();
    let env = [("LOOKOUT__SERVER__HOST", "0.0.0.0"), ("LOOKOUT__AUTH__WRITE_TOKENS", WRITE)];
    let app = TestApp::start(&db, &env).await;
    assert_eq!(status(&app, Method::GET, "/api/websites", None).await, 401);
    assert_eq!(status(&app, Method::GET, "/api/websites", Some(WRITE)).await, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn openapi_documents_the_bearer_scheme() {
    let db = TestDatabase::sqlite();
    let app = TestApp::start(&db, &[("SCHEDULER_ENABLED", "false")]).await;
    let (code, spec) = app.get("/api/openapi.json").await;
    assert_eq!(code, 200);
    assert_eq!(spec["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    let websites = &spec["paths"]["/api/websites"];
    assert_eq!(websites["get"]["security"], json!([{ "bearer": ["read"] }]));
    assert_eq!(websites["post"]["security"], json!([{ "bearer": ["write"] }]));
    assert!(websites["post"]["responses"]["403"].is_object());
    assert!(spec["paths"]["/health"]["get"]["security"].is_null());
}
