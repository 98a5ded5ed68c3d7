//! `ChannelNotifier`: the domain's `Notifier` port — one message to one channel, by kind
//! (webhook, Slack, template, email), its outcome classified for the retry rule.

use std::sync::Arc;

use lookout_domain::alerting::{
    AlertEvent, Channel, ChannelConfig, ChannelConfigError, Notifier, SendOutcome,
};
use time::OffsetDateTime;

use crate::http_send::HttpSender;
use crate::smtp::SmtpSender;
use crate::template::TemplateChannel;
use crate::{NotifyBuildError, NotifyOptions, email, slack, template, webhook};

/// Sends alert events to channels. Cheap to clone (the clients are shared).
#[derive(Debug, Clone)]
pub struct ChannelNotifier {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: HttpSender,
    smtp: Option<SmtpSender>,
}

impl ChannelNotifier {
    /// A notifier with these options (the HTTP client and the SMTP transport are built here).
    pub fn new(options: NotifyOptions) -> Result<Self, NotifyBuildError> {
        let http = HttpSender::new(&options)?;
        let smtp =
            options.smtp.as_ref().map(|smtp| SmtpSender::new(smtp, options.timeout)).transpose()?;
        Ok(Self { inner: Arc::new(Inner { http, smtp }) })
    }

    async fn send_http(
        &self,
        config: &ChannelConfig,
        events: &[AlertEvent],
        now: OffsetDateTime,
    ) -> SendOutcome {
        let request = match config {
            ChannelConfig::Webhook { url, secret, headers } => {
                webhook::request(url.as_str(), secret.as_ref(), headers, events, now)
            }
            ChannelConfig::Slack { webhook_url } => slack::request(webhook_url, events, now),
            ChannelConfig::Template { url, method, headers, content_type, body_template } => {
                // The domain sends a template channel one event a message (`ChannelKind::groups`);
                // should it ever get more, the first one is sent.
                let channel = TemplateChannel {
                    url: url.as_str(),
                    method: *method,
                    headers,
                    content_type,
                    body_template,
                    json: config.wants_json(),
                };
                template::request(channel, &events[0], now)
            }
            ChannelConfig::Email { .. } => Err("not an HTTP channel".to_owned()),
        };
        match request {
            Ok(request) => self.inner.http.send(request, now).await,
            Err(error) => SendOutcome::Reject { error, status_code: None },
        }
    }

    async fn send_email(
        &self,
        config: &ChannelConfig,
        events: &[AlertEvent],
        now: OffsetDateTime,
    ) -> SendOutcome {
        let (Some(smtp), ChannelConfig::Email { to }) = (&self.inner.smtp, config) else {
            return reject("smtp is not configured");
        };
        match email::message(&smtp.from, to, events, now) {
            Ok(message) => smtp.send(message).await,
            Err(error) => reject(&error),
        }
    }
}

fn reject(error: &str) -> SendOutcome {
    SendOutcome::Reject { error: error.to_owned(), status_code: None }
}

impl Notifier for ChannelNotifier {
    async fn send(
        &self,
        channel: &Channel,
        events: &[AlertEvent],
        now: OffsetDateTime,
    ) -> SendOutcome {
        if events.is_empty() {
            return reject("no event to send");
        }
        let outcome = match &channel.config {
            ChannelConfig::Email { .. } => self.send_email(&channel.config, events, now).await,
            http => self.send_http(http, events, now).await,
        };
        // Never the URL or a header: the kind, the channel and the outcome's own (clean) text.
        match &outcome {
            SendOutcome::Delivered { status_code } => tracing::debug!(
                channel = %channel.id, kind = channel.config.kind().as_str(), events = events.len(),
                status = status_code, "Notification sent"
            ),
            SendOutcome::Retry { error, .. } | SendOutcome::Reject { error, .. } => {
                tracing::debug!(
                    channel = %channel.id, kind = channel.config.kind().as_str(), events = events.len(),
                    "Notification not sent: {error}"
                )
            }
        }
        outcome
    }

    fn check_config(&self, config: &ChannelConfig) -> Result<(), ChannelConfigError> {
        match config {
            ChannelConfig::Template { body_template, .. } => {
                template::check(body_template, config.wants_json(), OffsetDateTime::now_utc())
            }
            ChannelConfig::Email { .. } if self.inner.smtp.is_none() => Err(ChannelConfigError {
                field: "kind".to_owned(),
                message: "email channels need smtp.host in the configuration".to_owned(),
            }),
            _ => Ok(()),
        }
    }
}
