//! What a send comes to: 2xx delivered; 500, 429 (with `Retry-After`), timeouts and refused
//! connections retried; other 4xx and redirects refused; never a secret in an error text.

use std::time::Duration;

use lookout_domain::alerting::{EventKind, Notifier, SendOutcome};
use lookout_domain::website::AddressPolicy;
use lookout_notify::NotifyOptions;
use lookout_target_farm::{Answer, WebhookReceiver};

use crate::helpers::{NOW, event, header, notifier, notifier_with, slack, webhook};

const SECRET: &str = "whsec-top-secret-value";
const TOKEN: &str = "Bearer header-token-value";

fn error_of(outcome: &SendOutcome) -> &str {
    match outcome {
        SendOutcome::Retry { error, .. } | SendOutcome::Reject { error, .. } => error,
        SendOutcome::Delivered { .. } => panic!("delivered"),
    }
}

fn assert_clean(outcome: &SendOutcome, url: &str) {
    let error = error_of(outcome);
    for secret in [SECRET, TOKEN, "header-token-value", url] {
        assert!(!error.contains(secret), "{error:?} holds {secret:?}");
    }
    assert!(!error.contains("127.0.0.1"), "{error:?} names the address");
}

#[tokio::test]
async fn a_500_is_retried() {
    let receiver = WebhookReceiver::start().await;
    receiver.answer_next("/h", [Answer::Status(500)]);
    let url = receiver.url("/h");
    let channel = webhook(&url, Some(SECRET), vec![header("Authorization", TOKEN)]);
    let outcome = notifier().send(&channel, &[event(EventKind::Firing, 7)], NOW).await;
    assert_eq!(
        outcome,
        SendOutcome::Retry {
            error: "HTTP 500 Internal Server Error".into(),
            status_code: Some(500),
            retry_after: None
        }
    );
    assert_clean(&outcome, &url);
    // Then the receiver's default again.
    let outcome = notifier().send(&channel, &[event(EventKind::Firing, 7)], NOW).await;
    assert_eq!(outcome, SendOutcome::Delivered { status_code: Some(204) });
}

#[tokio::test]
async fn a_429_is_retried_after_the_receivers_retry_after() {
    let receiver = WebhookReceiver::start().await;
    let in_two_minutes = httpdate::fmt_http_date((NOW + Duration::from_secs(120)).into());
    receiver.answer_next(
        "/h",
        [
            Answer::too_many_requests("30"),
            Answer::too_many_requests(in_two_minutes),
            Answer::RetryAfter { status: 503, retry_after: "999999".into() },
        ],
    );
    let channel = webhook(&receiver.url("/h"), None, vec![]);
    let (notifier, events) = (notifier(), [event(EventKind::Firing, 7)]);
    let send = || notifier.send(&channel, &events, NOW);
    let SendOutcome::Retry { error, status_code, retry_after } = send().await else { panic!() };
    assert_eq!(error, "HTTP 429 Too Many Requests");
    assert_eq!(status_code, Some(429));
    assert_eq!(retry_after, Some(Duration::from_secs(30)));
    let SendOutcome::Retry { retry_after, .. } = send().await else { panic!() };
    assert_eq!(retry_after, Some(Duration::from_secs(120)), "an HTTP date, relative to now");
    let SendOutcome::Retry { retry_after, status_code, .. } = send().await else { panic!() };
    assert_eq!(status_code, Some(503));
    assert_eq!(retry_after, Some(Duration::from_secs(24 * 3600)), "capped at a day");
}

#[tokio::test]
async fn a_404_is_refused_for_good() {
    let receiver = WebhookReceiver::start().await;
    receiver.answer_path("/gone", [Answer::Status(404)]);
    let url = receiver.url("/gone");
    let channel = webhook(&url, Some(SECRET), vec![header("Authorization", TOKEN)]);
    let outcome = notifier().send(&channel, &[event(EventKind::Firing, 7)], NOW).await;
    assert_eq!(
        outcome,
        SendOutcome::Reject { error: "HTTP 404 Not Found".into(), status_code: Some(404) }
    );
    assert_clean(&outcome, &url);
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let receiver = WebhookReceiver::start().await;
    receiver.answer_path("/moved", [Answer::Status(301)]);
    let channel = webhook(&receiver.url("/moved"), None, vec![]);
    let outcome = notifier().send(&channel, &[event(EventKind::Firing, 7)], NOW).await;
    let SendOutcome::Reject { error, status_code } = outcome else { panic!("{outcome:?}") };
    assert_eq!(status_code, Some(301));
    assert!(error.contains("redirects are not followed"), "{error}");
}

#[tokio::test]
async fn a_receiver_that_hangs_is_retried_after_the_timeout() {
    let receiver = WebhookReceiver::start().await;
    receiver.answer_path("/slow", [Answer::Hang]);
    let notifier = notifier_with(NotifyOptions {
        timeout: Duration::from_millis(300),
        addresses: AddressPolicy::allow_all(),
        ..NotifyOptions::default()
    });
    let url = receiver.url("/slow");
    let channel = webhook(&url, Some(SECRET), vec![header("Authorization", TOKEN)]);
    let outcome = notifier.send(&channel, &[event(EventKind::Firing, 7)], NOW).await;
    assert_eq!(
        outcome,
        SendOutcome::Retry {
            error: "timed out after 300ms".into(),
            status_code: None,
            retry_after: None
        }
    );
    assert_eq!(receiver.count("/slow"), 1, "the request arrived; its answer never did");
}

#[tokio::test]
async fn a_refused_connection_is_retried_and_names_no_secret() {
    // A port that was free a moment ago, and nothing listens on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}/h");
    let channel = webhook(&url, Some(SECRET), vec![header("Authorization", TOKEN)]);
    let outcome = notifier().send(&channel, &[event(EventKind::Firing, 7)], NOW).await;
    let SendOutcome::Retry { error, status_code: None, .. } = &outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(error, "connection refused");
    assert_clean(&outcome, &url);
}

#[tokio::test]
async fn a_slack_url_never_shows_in_an_error() {
    let receiver = WebhookReceiver::start().await;
    receiver.answer_path("/services/T1/B1/slacksecrettoken", [Answer::Status(404)]);
    let url = receiver.url("/services/T1/B1/slacksecrettoken");
    let outcome = notifier().send(&slack(&url), &[event(EventKind::Firing, 7)], NOW).await;
    let error = error_of(&outcome);
    assert_eq!(error, "HTTP 404 Not Found");

    let missing = "http://does-not-exist.invalid/services/T1/B1/slacksecrettoken";
    let outcome = notifier().send(&slack(missing), &[event(EventKind::Firing, 7)], NOW).await;
    let error = error_of(&outcome);
    // No such host (or, on a machine without a resolver, no answer in time): retried.
    assert!(matches!(outcome, SendOutcome::Retry { .. }), "{outcome:?}");
    assert!(error.starts_with("dns:") || error.starts_with("timed out"), "{error}");
    assert!(!error.contains("slacksecrettoken") && !error.contains("does-not-exist"), "{error}");
}

#[tokio::test]
async fn servers_that_misbehave_below_http_are_retried() {
    use lookout_target_farm::{RawBehaviour, RawTarget};
    for (behaviour, expected) in [
        (RawBehaviour::Close, "connection closed before an answer"),
        (RawBehaviour::Garbage, "the answer is not HTTP"),
    ] {
        let target = RawTarget::start(behaviour).await;
        let channel = webhook(&target.url(), Some(SECRET), vec![]);
        let outcome = notifier().send(&channel, &[event(EventKind::Firing, 7)], NOW).await;
        let SendOutcome::Retry { error, .. } = &outcome else { panic!("{outcome:?}") };
        assert_eq!(error, expected, "{behaviour:?}");
    }
}
