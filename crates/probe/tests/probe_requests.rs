//! The probe asks as a site's settings say and reads what its assertions need: method, headers,
//! body, HTTP version, redirects after a POST, the response's headers and body (cut at
//! `max_body_bytes`), the certificate's days left; then the judge's verdict on real answers.

#![expect(clippy::unwrap_used, reason = "test helpers fail the test loudly")]

mod common;

use std::time::Duration;

use common::{error_text, options, probe_as};
use lookout_domain::checks::{AssertionDraft, CheckSpec, RequestDraft, parse_assertions};
use lookout_probe::ProbeOptions;
use lookout_target_farm::{TargetServer, TestCa, Tls};

fn request(draft: RequestDraft) -> CheckSpec {
    CheckSpec { request: draft.parse().unwrap(), ..CheckSpec::default() }
}

fn assertions(json: serde_json::Value) -> CheckSpec {
    let drafts: Vec<AssertionDraft> = serde_json::from_value(json).unwrap();
    CheckSpec { assertions: parse_assertions(drafts).unwrap(), ..CheckSpec::default() }
}

#[tokio::test]
async fn the_request_carries_the_sites_method_headers_and_body() {
    let target = TargetServer::start().await;
    let spec = request(RequestDraft {
        method: Some("POST".into()),
        headers: Some(vec![
            ("Authorization".into(), "Bearer t0k".into()),
            ("Content-Type".into(), "application/json".into()),
            ("Accept".into(), "application/json".into()),
        ]),
        body: Some("{\"ping\": true}".into()),
        ..RequestDraft::default()
    });
    let outcome = probe_as(options(), &target.url("/api"), &spec).await;
    assert!(outcome.is_available(), "{outcome:?}");
    let seen = target.last_request().unwrap();
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.header("authorization"), Some("Bearer t0k"));
    assert_eq!(seen.header("accept"), Some("application/json"), "the site's header wins");
    assert_eq!(seen.header("content-length"), Some("14"));
    assert_eq!(seen.body, b"{\"ping\": true}");
}

#[tokio::test]
async fn a_post_redirected_with_302_is_followed_with_a_get() {
    let target = TargetServer::start().await;
    let spec = request(RequestDraft {
        method: Some("POST".into()),
        body: Some("x".into()),
        follow_redirects: Some(true),
        ..RequestDraft::default()
    });
    let outcome = probe_as(options(), &target.url("/form?redirect=1"), &spec).await;
    assert_eq!(outcome.status_code, Some(200), "{outcome:?}");
    let seen = target.last_request().unwrap();
    assert_eq!((seen.method.as_str(), seen.body.len()), ("GET", 0));
    let no_follow =
        request(RequestDraft { follow_redirects: Some(false), ..RequestDraft::default() });
    let outcome = probe_as(options(), &target.url("/r?redirect=2"), &no_follow).await;
    assert_eq!(outcome.status_code, Some(302), "the site's follow_redirects: false");
}

#[tokio::test]
async fn assertions_judge_the_real_body_and_headers() {
    let target = TargetServer::start().await;
    target.set_answer(
        "/health",
        &[("content-type", "application/json"), ("x-cache", "MISS")],
        r#"{"status": "down", "db": {"latency_ms": 7}}"#,
    );
    let spec = assertions(serde_json::json!([
        {"kind": "header", "name": "Content-Type", "op": "contains", "value": "json"},
        {"kind": "json_path", "path": "$.db.latency_ms", "op": "lt", "value": 50},
        {"kind": "json_path", "path": "$.status", "op": "eq", "value": "up"}
    ]));
    let outcome = probe_as(options(), &target.url("/health"), &spec).await;
    assert_eq!(outcome.status_code, Some(200));
    assert!(!outcome.is_available(), "200 with a body that says down: {outcome:?}");
    assert_eq!(outcome.failed_assertion(), Some("json_path $.status eq \"up\": got \"down\""));
    assert!(outcome.body.is_none() && outcome.headers.is_empty(), "dropped after judging");

    target.set_answer(
        "/health",
        &[("content-type", "application/json")],
        r#"{"status": "up", "db": {"latency_ms": 7}}"#,
    );
    let outcome = probe_as(options(), &target.url("/health"), &spec).await;
    assert!(outcome.is_available() && !outcome.is_degraded(), "{outcome:?}");
}

#[tokio::test]
async fn a_body_past_the_limit_is_cut_and_an_assertion_on_it_says_so() {
    let target = TargetServer::start().await;
    let spec = assertions(serde_json::json!([{"kind": "body_contains", "value": "zzz"}]));
    let small = ProbeOptions { max_body_bytes: 1024, ..options() };
    let outcome = probe_as(small, &target.url("/big?body_bytes=5000"), &spec).await;
    assert!(!outcome.is_available());
    let failed = outcome.failed_assertion().unwrap();
    assert!(failed.contains("cut at 1024 bytes"), "{failed}");
    let endless = probe_as(
        ProbeOptions { max_body_bytes: 100_000, ..options() },
        &target.url("/e?endless=1"),
        &spec,
    )
    .await;
    assert!(endless.failed_assertion().unwrap().contains("cut at 100000 bytes"), "{endless:?}");
}

#[tokio::test]
async fn the_certificates_days_left_degrade_a_site_near_its_end() {
    let ca = TestCa::new();
    let target = TargetServer::start_with(
        Tls::Https(ca.server_config_expiring_in(&["localhost"], 9)),
        "127.0.0.1:0",
    )
    .await;
    let trusting = ProbeOptions { extra_roots: vec![ca.certificate()], ..options() };
    let spec = assertions(serde_json::json!([{"kind": "tls_days_left", "above": 14}]));
    let outcome = probe_as(trusting.clone(), &target.url("/"), &spec).await;
    assert_eq!(outcome.tls_days_left, Some(9), "{outcome:?}");
    assert!(outcome.is_available() && outcome.is_degraded(), "{outcome:?}");
    assert_eq!(outcome.failed_assertion(), Some("tls_days_left above 14: 9 days left"));

    let http1 =
        request(RequestDraft { http_version: Some("http1".into()), ..RequestDraft::default() });
    let outcome = probe_as(trusting, &target.url("/"), &http1).await;
    assert!(outcome.is_available(), "{outcome:?}");
    assert_eq!(target.last_request().map(|_| ()), Some(()));
    assert_eq!(target.last_version(), Some(http::Version::HTTP_11), "the site asked for HTTP/1.1");
}

#[tokio::test]
async fn a_site_timeout_bounds_its_own_check() {
    let target = TargetServer::start().await;
    let spec = request(RequestDraft { timeout_secs: Some(1), ..RequestDraft::default() });
    let outcome = probe_as(options(), &target.url("/slow?delay_ms=5000"), &spec).await;
    assert_eq!(error_text(&outcome).as_deref(), Some("timeout after 1s"));
}

#[tokio::test]
async fn phases_add_up_and_put_each_delay_where_it_happened() {
    let target = TargetServer::start().await;
    let outcome = probe_as(
        options(),
        &target.url("/p?delay_ms=300&body_delay_ms=200"),
        &CheckSpec::default(),
    )
    .await;
    let phases = outcome.phases.unwrap();
    assert_eq!(phases.dns, None, "127.0.0.1 is not looked up");
    assert_eq!(phases.tls, None, "plain http");
    let (ttfb, transfer) = (phases.ttfb.unwrap(), phases.transfer.unwrap());
    assert!(ttfb >= Duration::from_millis(300), "the server's delay is in ttfb: {phases:?}");
    assert!(transfer >= Duration::from_millis(200), "the body's pause is in transfer: {phases:?}");
    // Both lower bounds together show each delay sits in its own phase: a body pause counted
    // in ttfb would leave transfer near zero, a server delay counted in transfer would leave
    // ttfb short. (No upper bounds: a busy machine only adds time.)
    let gap = phases.total().abs_diff(outcome.response_time);
    assert!(gap <= Duration::from_millis(1), "phases add up to the response time: {gap:?}");

    let ca = TestCa::new();
    let https = TargetServer::start_with(
        Tls::Https(ca.server_config(&["localhost"], false)),
        "127.0.0.1:0",
    )
    .await;
    let trusting = ProbeOptions { extra_roots: vec![ca.certificate()], ..options() };
    let outcome = probe_as(trusting, &https.url("/"), &CheckSpec::default()).await;
    let phases = outcome.phases.unwrap();
    assert!(
        phases.dns.is_some() && phases.tls.is_some(),
        "localhost is looked up; TLS: {phases:?}"
    );
    assert!(phases.total().abs_diff(outcome.response_time) <= Duration::from_millis(1));
}
