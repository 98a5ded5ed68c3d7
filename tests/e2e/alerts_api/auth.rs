//! The alerting routes need the same tokens as the rest of `/api`: read scope to read, write
//! scope to change anything.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{TestApp, TestDatabase};

const READ: &str = "alerts-read-token-0123456789";
const WRITE: &str = "alerts-write-token-0123456789";

#[tokio::test(flavor = "multi_thread")]
async fn reads_need_read_scope_and_changes_write_scope() {
    let db = TestDatabase::sqlite();
    let env = [
        ("LOOKOUT__AUTH__READ_TOKENS", READ),
        ("LOOKOUT__AUTH__WRITE_TOKENS", WRITE),
        ("SCHEDULER_ENABLED", "false"),
    ];
    let app = TestApp::start(&db, &env).await;
    let status = async |method: Method, path: &str, token: Option<&str>| {
        let mut request = app.client.request(method.clone(), app.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if method == Method::POST && path == "/api/channels" {
            request = request.json(&json!({ "name": "ops", "kind": "webhook",
                "config": { "url": "https://hooks.example.com/x" } }));
        }
        request.send().await.unwrap().status().as_u16()
    };
    let reads = [
        "/api/channels",
        "/api/channels/1",
        "/api/incidents",
        "/api/incidents/1",
        "/api/deliveries",
    ];
    for path in reads {
        assert_eq!(status(Method::GET, path, None).await, 401, "{path}");
        assert_ne!(status(Method::GET, path, Some(READ)).await, 401, "{path}");
        assert_ne!(status(Method::GET, path, Some(READ)).await, 403, "{path}");
    }
    let changes = [
        (Method::POST, "/api/channels"),
        (Method::PATCH, "/api/channels/1"),
        (Method::DELETE, "/api/channels/1"),
        (Method::POST, "/api/channels/1/test"),
        (Method::POST, "/api/incidents/1/ack"),
        (Method::POST, "/api/deliveries/1/retry"),
    ];
    for (method, path) in changes {
        assert_eq!(status(method.clone(), path, None).await, 401, "{method} {path}");
        assert_eq!(status(method.clone(), path, Some(READ)).await, 403, "{method} {path}");
    }
    assert_eq!(status(Method::POST, "/api/channels", Some(WRITE)).await, 201);
    assert_eq!(status(Method::GET, "/api/channels/1", Some(READ)).await, 200);
}
