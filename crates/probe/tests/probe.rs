//! The probe against real local targets: statuses, timing, redirects, timeouts, retries,
//! TLS (trusted, untrusted, expired, wrong host) and servers that misbehave.

mod common;

use std::time::Duration;

use common::{error_text, options, probe_as};
use lookout_domain::CheckOutcome;
use lookout_domain::checks::CheckSpec;
use lookout_domain::website::AddressPolicy;
use lookout_probe::{HyperProber, ProbeOptions};
use lookout_target_farm::{RawBehaviour, RawTarget, TargetServer, TestCa, Tls};

async fn probe_with(options: ProbeOptions, url: &str) -> CheckOutcome {
    probe_as(options, url, &CheckSpec::default()).await
}

async fn probe(url: &str) -> CheckOutcome {
    probe_with(options(), url).await
}

fn error(outcome: &CheckOutcome) -> String {
    error_text(outcome).unwrap_or_else(|| panic!("expected an error: {outcome:?}"))
}

#[tokio::test]
async fn a_200_is_available_and_sends_our_user_agent() {
    let target = TargetServer::start().await;
    let outcome = probe(&target.url("/ok")).await;
    assert_eq!(outcome.status_code, Some(200));
    assert!(outcome.is_available());
    assert_eq!(outcome.error, None);
    assert_eq!(target.last_user_agent().as_deref(), Some(HyperProber::user_agent()));
    assert!(HyperProber::user_agent().starts_with("lookout/"));
    assert_eq!(target.hits("/ok"), 1);
}

#[tokio::test]
async fn error_statuses_are_recorded_and_unavailable() {
    let target = TargetServer::start().await;
    for status in [400, 404, 429, 500, 503] {
        let outcome = probe(&target.url(&format!("/s?status={status}"))).await;
        assert_eq!(outcome.status_code, Some(status));
        assert!(!outcome.is_available(), "{status}");
        assert_eq!(outcome.error, None, "a status is an answer, not an error");
    }
}

#[tokio::test]
async fn redirects_count_as_available_unless_followed() {
    let target = TargetServer::start().await;
    let outcome = probe(&target.url("/r?redirect=3")).await;
    assert_eq!(outcome.status_code, Some(302));
    assert!(outcome.is_available());
    assert_eq!(target.hits("/r"), 1);

    let following = ProbeOptions { follow_redirects: true, ..options() };
    let outcome = probe_with(following.clone(), &target.url("/r?redirect=3")).await;
    assert_eq!(outcome.status_code, Some(200));
    assert_eq!(target.hits("/r"), 5);

    let outcome = probe_with(following, &target.url("/loop?loop=1")).await;
    assert_eq!(outcome.status_code, None);
    assert_eq!(error(&outcome), "http: too many redirects (more than 10)");
    assert_eq!(target.hits("/loop"), 11);
}

#[tokio::test]
async fn response_time_covers_the_servers_delay() {
    let target = TargetServer::start().await;
    let outcome = probe(&target.url("/slow?delay_ms=300")).await;
    assert_eq!(outcome.status_code, Some(200));
    assert!(outcome.response_time >= Duration::from_millis(300), "{outcome:?}");
    assert!(outcome.response_time < Duration::from_secs(10), "{outcome:?}");
}

#[tokio::test]
async fn a_slow_server_times_out() {
    let target = TargetServer::start().await;
    let short = ProbeOptions { timeout: Duration::from_millis(300), ..options() };
    let outcome = probe_with(short, &target.url("/slow?delay_ms=10000")).await;
    assert_eq!(outcome.status_code, None);
    assert_eq!(error(&outcome), "timeout after 0.3s");
    assert!(!outcome.is_available());
}

#[tokio::test]
async fn refused_connections_are_retried_and_every_attempt_is_reported() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let outcome = probe(&format!("http://127.0.0.1:{port}/")).await;
    assert_eq!(outcome.status_code, None);
    assert_eq!(
        error(&outcome),
        "connection refused after 4 attempts (#1: connection refused; #2: connection refused; \
         #3: connection refused; #4: connection refused)"
    );
    let no_retries = ProbeOptions { retries: 0, ..options() };
    let outcome = probe_with(no_retries, &format!("http://127.0.0.1:{port}/")).await;
    assert_eq!(error(&outcome), "connection refused");
}

#[tokio::test]
async fn an_unknown_host_is_a_dns_error() {
    let no_retries = ProbeOptions { retries: 0, ..options() };
    let outcome = probe_with(no_retries, "http://no-such-host.invalid/").await;
    assert_eq!(outcome.status_code, None);
    assert!(error(&outcome).starts_with("dns: "), "{outcome:?}");
}

#[tokio::test]
async fn https_with_a_trusted_ca_negotiates_http2() {
    let ca = TestCa::new();
    let target = TargetServer::start_with(
        Tls::Https(ca.server_config(&["localhost"], false)),
        "127.0.0.1:0",
    )
    .await;
    let trusting = ProbeOptions { extra_roots: vec![ca.certificate()], ..options() };
    let outcome = probe_with(trusting, &target.url("/tls?status=204")).await;
    assert_eq!(outcome.status_code, Some(204), "{outcome:?}");
    assert_eq!(target.last_version(), Some(http::Version::HTTP_2));
}

#[tokio::test]
async fn certificate_problems_have_clear_texts() {
    let ca = TestCa::new();
    let trusting = ProbeOptions { extra_roots: vec![ca.certificate()], ..options() };

    let untrusted = TargetServer::start_with(
        Tls::Https(ca.server_config(&["localhost"], false)),
        "127.0.0.1:0",
    )
    .await;
    let outcome = probe(&untrusted.url("/")).await;
    assert_eq!(error(&outcome), "tls: certificate signed by an unknown authority");

    let expired =
        TargetServer::start_with(Tls::Https(ca.server_config(&["localhost"], true)), "127.0.0.1:0")
            .await;
    let outcome = probe_with(trusting.clone(), &expired.url("/")).await;
    assert_eq!(error(&outcome), "tls: certificate expired");

    let wrong_host = TargetServer::start_with(
        Tls::Https(ca.server_config(&["other.example"], false)),
        "127.0.0.1:0",
    )
    .await;
    let outcome = probe_with(trusting, &wrong_host.url("/")).await;
    assert_eq!(error(&outcome), "tls: certificate not valid for this host");
    assert_eq!(outcome.status_code, None);
}

#[tokio::test]
async fn misbehaving_servers_fail_cleanly() {
    let short = ProbeOptions { timeout: Duration::from_millis(500), ..options() };
    let cases = [
        (RawBehaviour::Silent, "timeout after 0.5s"),
        (RawBehaviour::Garbage, "http: invalid response"),
        (RawBehaviour::Close, "http: connection closed before the message completed"),
        (RawBehaviour::HugeHeader, "http: response headers too large"),
        (RawBehaviour::ResetMidBody, "http: body: connection reset"),
        (RawBehaviour::Slowloris, "timeout after 0.5s"),
    ];
    for (behaviour, expected) in cases {
        let target = RawTarget::start(behaviour).await;
        let outcome = probe_with(short.clone(), &target.url()).await;
        assert_eq!(error_text(&outcome).as_deref(), Some(expected), "{behaviour:?}: {outcome:?}");
        assert!(!outcome.is_available());
    }
}

#[tokio::test]
async fn endless_and_trickling_bodies_are_bounded() {
    let target = TargetServer::start().await;
    let outcome = probe(&target.url("/big?endless=1")).await;
    assert_eq!(outcome.status_code, Some(200), "read up to 1 MiB, then dropped");
    assert!(outcome.is_available());

    let short = ProbeOptions { timeout: Duration::from_millis(500), ..options() };
    let outcome = probe_with(short, &target.url("/drip?trickle=1")).await;
    assert_eq!(error(&outcome), "timeout after 0.5s");
}

#[tokio::test]
async fn https_without_http2_speaks_http1() {
    let ca = TestCa::new();
    let target = TargetServer::start_with(
        Tls::Https(ca.server_config(&["localhost"], false)),
        "127.0.0.1:0",
    )
    .await;
    let http1 = ProbeOptions { extra_roots: vec![ca.certificate()], http2: false, ..options() };
    let outcome = probe_with(http1, &target.url("/tls")).await;
    assert_eq!(outcome.status_code, Some(200), "{outcome:?}");
    assert_eq!(target.last_version(), Some(http::Version::HTTP_11));
}

#[tokio::test]
async fn private_addresses_are_blocked_after_resolution_by_default() {
    let target = TargetServer::start().await;
    let port = target.address().port();
    let strict = ProbeOptions { addresses: AddressPolicy::default(), ..options() };
    for url in [format!("http://127.0.0.1:{port}/"), format!("http://localhost:{port}/")] {
        let outcome = probe_with(strict.clone(), &url).await;
        assert_eq!(error_text(&outcome).as_deref(), Some("blocked: private address"), "{url}");
    }
    assert_eq!(target.total_hits(), 0, "nothing reached the target");
    let listed = ProbeOptions {
        addresses: AddressPolicy::new(false, vec!["127.0.0.0/8".parse().unwrap()]),
        ..options()
    };
    assert_eq!(probe_with(listed, &target.url("/")).await.status_code, Some(200));
}
