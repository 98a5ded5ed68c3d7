//! Email channels through a real SMTP server (the farm's): subject, sender and recipients,
//! text and HTML parts, threading (the resolved mail under the firing one), STARTTLS and TLS
//! with the farm's CA, credentials, and what a refusal comes to.

use std::time::Duration;

use lookout_domain::alerting::{
    AlertEvent, ChannelConfig, EmailAddress, EventKind, Notifier, Secret, SendOutcome,
};
use lookout_notify::{ChannelNotifier, NotifyOptions, SmtpSettings, SmtpTls};
use lookout_target_farm::{ReceivedMail, SmtpReceiver, SmtpSecurity, TestCa};

use crate::helpers::{NOW, WITHIN, channel, event, notifier};

const PASSWORD: &str = "smtp-pass-w0rd";

fn settings(server: &SmtpReceiver, tls: SmtpTls, ca: Option<&TestCa>) -> SmtpSettings {
    SmtpSettings {
        host: if ca.is_some() { "localhost" } else { "127.0.0.1" }.to_owned(),
        port: server.port(),
        tls,
        username: None,
        password: None,
        from: "lookout <alerts@lookout.test>".to_owned(),
        extra_roots: ca.map(TestCa::certificate).into_iter().collect(),
    }
}

fn mailer(smtp: SmtpSettings) -> ChannelNotifier {
    ChannelNotifier::new(NotifyOptions {
        timeout: Duration::from_secs(5),
        smtp: Some(smtp),
        ..NotifyOptions::default()
    })
    .unwrap()
}

fn email_channel() -> lookout_domain::alerting::Channel {
    channel(ChannelConfig::Email {
        to: vec![
            EmailAddress::parse("ops@example.com").unwrap(),
            EmailAddress::parse("oncall@example.com").unwrap(),
        ],
    })
}

async fn send(notifier: &ChannelNotifier, events: &[AlertEvent]) -> SendOutcome {
    notifier.send(&email_channel(), events, NOW).await
}

fn parsed(mail: &ReceivedMail) -> mail_parser::Message<'_> {
    mail_parser::MessageParser::default().parse(mail.data.as_bytes()).unwrap()
}

#[tokio::test]
async fn the_resolved_mail_threads_under_the_firing_one() {
    let server = SmtpReceiver::start(SmtpSecurity::Plain).await;
    let notifier = mailer(settings(&server, SmtpTls::None, None));
    assert_eq!(
        send(&notifier, &[event(EventKind::Firing, 7)]).await,
        SendOutcome::Delivered { status_code: None }
    );
    assert_eq!(
        send(&notifier, &[event(EventKind::Resolved, 7)]).await,
        SendOutcome::Delivered { status_code: None }
    );
    let [firing, resolved] = server.wait_for(2, WITHIN).await.try_into().unwrap();

    assert_eq!(firing.mail_from, "alerts@lookout.test");
    assert_eq!(firing.rcpt_to, ["ops@example.com", "oncall@example.com"]);
    assert!(!firing.over_tls);
    assert_eq!(firing.header("Subject").as_deref(), Some("[lookout] DOWN: Shop"));
    let from = firing.header("From").unwrap();
    assert!(from.contains("alerts@lookout.test") && from.contains("lookout"), "{from}");
    let to = firing.header("To").unwrap();
    assert!(to.contains("ops@example.com") && to.contains("oncall@example.com"), "{to}");
    assert_eq!(firing.header("Message-ID").as_deref(), Some("<incident-7-firing@lookout>"));
    assert_eq!(firing.header("In-Reply-To"), None);
    assert!(firing.header("Date").is_some());
    assert_eq!(firing.header("Auto-Submitted").as_deref(), Some("auto-generated"));
    assert_eq!(firing.header("X-Lookout-Event").as_deref(), Some("firing"));
    assert!(firing.header("Content-Type").unwrap().starts_with("multipart/alternative"));

    let message = parsed(&firing);
    let text = message.body_text(0).unwrap();
    assert_eq!(text.lines().next(), Some("DOWN: Shop"), "{text}");
    assert!(text.contains("https://site7.example/"), "{text}");
    assert!(text.contains("2026-11-30 03:00:00 UTC"), "{text}");
    assert!(text.contains("HTTP 503"), "{text}");
    let html = message.body_html(0).unwrap();
    assert!(html.contains("<a href=\"https://site7.example/\""), "{html}");
    assert!(html.contains("4m 12s"), "{html}");

    assert_eq!(resolved.header("Subject").as_deref(), Some("[lookout] RESOLVED: Shop"));
    assert_eq!(resolved.header("Message-ID").as_deref(), Some("<incident-7-resolved@lookout>"));
    assert_eq!(resolved.header("In-Reply-To").as_deref(), Some("<incident-7-firing@lookout>"));
    assert_eq!(resolved.header("References").as_deref(), Some("<incident-7-firing@lookout>"));
    let text = parsed(&resolved).body_text(0).unwrap().into_owned();
    let down_for = text.lines().find(|line| line.starts_with("Down for:"));
    assert!(down_for.is_some_and(|line| line.ends_with(" 4m 12s")), "{text}");
}

#[tokio::test]
async fn reminders_thread_too_and_groups_are_summed_up() {
    let server = SmtpReceiver::start(SmtpSecurity::Plain).await;
    let notifier = mailer(settings(&server, SmtpTls::None, None));
    send(&notifier, &[event(EventKind::Reminder, 7)]).await;
    let group = [
        event(EventKind::Firing, 1),
        event(EventKind::Firing, 2),
        event(EventKind::Escalated, 3),
        event(EventKind::Resolved, 4),
    ];
    send(&notifier, &group).await;
    let [reminder, grouped] = server.wait_for(2, WITHIN).await.try_into().unwrap();
    assert_eq!(reminder.header("Subject").as_deref(), Some("[lookout] STILL DOWN: Shop"));
    assert_eq!(reminder.header("Message-ID").as_deref(), Some("<incident-7-reminder-1@lookout>"));
    assert_eq!(reminder.header("In-Reply-To").as_deref(), Some("<incident-7-firing@lookout>"));
    assert_eq!(grouped.header("Subject").as_deref(), Some("[lookout] 3 sites down, 1 resolved"));
    assert!(grouped.header("Message-ID").unwrap().starts_with("<group-"));
    assert_eq!(grouped.header("X-Lookout-Event").as_deref(), Some("group"));
    let text = parsed(&grouped).body_text(0).unwrap().into_owned();
    for site in ["Site 1", "Site 2", "Site 3", "Site 4"] {
        assert!(text.contains(site), "{text}");
    }
}

#[tokio::test]
async fn starttls_and_tls_with_the_farms_ca_and_credentials() {
    let ca = TestCa::new();
    let config = ca.server_config(&["localhost"], false);
    for (security, tls) in [
        (SmtpSecurity::StartTls(config.clone()), SmtpTls::StartTls),
        (SmtpSecurity::ImplicitTls(config.clone()), SmtpTls::Tls),
    ] {
        let server = SmtpReceiver::start(security).await;
        server.require_auth("lookout", PASSWORD);
        let mut smtp = settings(&server, tls, Some(&ca));
        smtp.username = Some("lookout".into());
        smtp.password = Some(Secret::new(PASSWORD));
        let outcome = send(&mailer(smtp), &[event(EventKind::Firing, 7)]).await;
        assert_eq!(outcome, SendOutcome::Delivered { status_code: None }, "{tls:?}");
        let [mail] = server.wait_for(1, WITHIN).await.try_into().unwrap();
        assert!(mail.over_tls, "{tls:?}");
        assert_eq!(mail.auth_user.as_deref(), Some("lookout"));
    }
}

#[tokio::test]
async fn wrong_credentials_are_refused_without_showing_the_password() {
    let server = SmtpReceiver::start(SmtpSecurity::Plain).await;
    server.require_auth("lookout", "the-right-one");
    let mut smtp = settings(&server, SmtpTls::None, None);
    smtp.username = Some("lookout".into());
    smtp.password = Some(Secret::new(PASSWORD));
    let outcome = send(&mailer(smtp), &[event(EventKind::Firing, 7)]).await;
    let SendOutcome::Reject { error, .. } = &outcome else { panic!("{outcome:?}") };
    assert!(error.starts_with("SMTP 535"), "{error}");
    assert!(!error.contains(PASSWORD), "{error}");
    assert!(server.mails().is_empty());
}

#[tokio::test]
async fn transient_replies_are_retried_and_permanent_ones_refused() {
    let server = SmtpReceiver::start(SmtpSecurity::Plain).await;
    server.reply_next([(451, "4.3.0 try again later"), (550, "5.1.1 mailbox unavailable")]);
    let notifier = mailer(settings(&server, SmtpTls::None, None));
    let outcome = send(&notifier, &[event(EventKind::Firing, 7)]).await;
    let SendOutcome::Retry { error, .. } = &outcome else { panic!("{outcome:?}") };
    assert!(error.starts_with("SMTP 451"), "{error}");
    let outcome = send(&notifier, &[event(EventKind::Firing, 7)]).await;
    let SendOutcome::Reject { error, .. } = &outcome else { panic!("{outcome:?}") };
    assert!(error.starts_with("SMTP 550"), "{error}");
    assert!(error.contains("mailbox unavailable"), "{error}");
    assert_eq!(
        send(&notifier, &[event(EventKind::Firing, 7)]).await,
        SendOutcome::Delivered { status_code: None }
    );
}

#[tokio::test]
async fn a_server_that_cannot_be_reached_is_retried() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let notifier = mailer(SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        tls: SmtpTls::None,
        username: None,
        password: None,
        from: "alerts@lookout.test".into(),
        extra_roots: vec![],
    });
    let outcome = send(&notifier, &[event(EventKind::Firing, 7)]).await;
    let SendOutcome::Retry { error, .. } = &outcome else { panic!("{outcome:?}") };
    assert!(error.contains("connection refused"), "{error}");
}

#[tokio::test]
async fn without_smtp_email_channels_are_refused() {
    let outcome = notifier().send(&email_channel(), &[event(EventKind::Firing, 7)], NOW).await;
    assert_eq!(
        outcome,
        SendOutcome::Reject { error: "smtp is not configured".into(), status_code: None }
    );
    let error = notifier().check_config(&email_channel().config).unwrap_err();
    assert_eq!(error.field, "kind");
    assert_eq!(error.message, "email channels need smtp.host in the configuration");
    let server = SmtpReceiver::start(SmtpSecurity::Plain).await;
    assert!(
        mailer(settings(&server, SmtpTls::None, None))
            .check_config(&email_channel().config)
            .is_ok()
    );
}
