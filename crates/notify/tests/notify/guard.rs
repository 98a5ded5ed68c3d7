//! The address guard: a channel may not reach a private address unless the policy allows it,
//! whether the URL names the address or a host that resolves to it.

use lookout_domain::alerting::{EventKind, Notifier, SendOutcome};
use lookout_domain::website::AddressPolicy;
use lookout_notify::NotifyOptions;
use lookout_target_farm::WebhookReceiver;

use crate::helpers::{NOW, event, notifier_with, slack, webhook};

fn guarded(addresses: AddressPolicy) -> lookout_notify::ChannelNotifier {
    notifier_with(NotifyOptions { addresses, ..NotifyOptions::default() })
}

fn assert_refused(outcome: &SendOutcome) {
    let SendOutcome::Reject { error, status_code: None } = outcome else {
        panic!("refused: {outcome:?}")
    };
    assert!(error.contains("private address"), "{error}");
}

#[tokio::test]
async fn a_literal_private_address_is_refused_without_a_request() {
    let receiver = WebhookReceiver::start().await;
    let channel = webhook(&receiver.url("/h"), None, vec![]);
    let outcome =
        guarded(AddressPolicy::default()).send(&channel, &[event(EventKind::Firing, 7)], NOW).await;
    assert_refused(&outcome);
    assert_eq!(receiver.count("/h"), 0);
}

#[tokio::test]
async fn a_name_that_resolves_to_a_private_address_is_refused_when_connecting() {
    let receiver = WebhookReceiver::start().await;
    let url = format!("http://localhost:{}/h", receiver.address().port());
    let notifier = guarded(AddressPolicy::default());
    let outcome =
        notifier.send(&webhook(&url, None, vec![]), &[event(EventKind::Firing, 7)], NOW).await;
    assert_refused(&outcome);
    let outcome = notifier.send(&slack(&url), &[event(EventKind::Firing, 7)], NOW).await;
    assert_refused(&outcome);
    assert_eq!(receiver.count("/h"), 0);
}

#[tokio::test]
async fn an_allowed_network_is_reached() {
    let receiver = WebhookReceiver::start().await;
    let url = format!("http://localhost:{}/h", receiver.address().port());
    let allowed =
        AddressPolicy::new(false, vec!["127.0.0.0/8".parse().unwrap(), "::1/128".parse().unwrap()]);
    let outcome = guarded(allowed)
        .send(&webhook(&url, None, vec![]), &[event(EventKind::Firing, 7)], NOW)
        .await;
    assert_eq!(outcome, SendOutcome::Delivered { status_code: Some(204) });
    assert_eq!(receiver.count("/h"), 1);
}

#[tokio::test]
async fn ip_literals_in_other_spellings_are_caught() {
    let receiver = WebhookReceiver::start().await;
    let port = receiver.address().port();
    let notifier = guarded(AddressPolicy::default());
    for url in [
        format!("http://2130706433:{port}/h"),
        format!("http://0x7f.0.0.1:{port}/h"),
        format!("http://[::ffff:127.0.0.1]:{port}/h"),
    ] {
        let Ok(parsed) = lookout_domain::WebsiteUrl::parse(&url) else { continue };
        let outcome = notifier
            .send(&webhook(parsed.as_str(), None, vec![]), &[event(EventKind::Firing, 7)], NOW)
            .await;
        assert_refused(&outcome);
    }
    assert_eq!(receiver.count("/h"), 0);
}
