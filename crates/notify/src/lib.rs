//! lookout's outbound alert adapter: [`ChannelNotifier`] implements the domain's
//! `Notifier` port and sends events to channels.
//!
//! - **webhook**: the event JSON (version 1; several events as one `group` body), with
//!   `Idempotency-Key` and, with a secret, `X-Lookout-Signature` (`webhook.rs`);
//! - **slack**: an incoming-webhook message, text plus blocks (`slack.rs`);
//! - **template**: the user's minijinja template over the event, with its method, content
//!   type and headers (`template.rs`);
//! - **email**: text and HTML mail through the configured SMTP server, threaded per incident
//!   (`email.rs`, `email_body.rs`, `smtp.rs`).
//!
//! HTTP channels go through reqwest with rustls (ring); the address guard of probed sites
//! applies when connecting (`guard.rs`); redirects are not followed; each send is bounded by
//! the timeout. Outcomes (`outcome.rs`): 2xx delivered; 408, 429, 5xx, network errors,
//! timeouts and TLS errors retried (honouring `Retry-After`); anything else refused. Error
//! texts never hold a channel's URL, a header value, a secret or the SMTP password.

mod email;
mod email_body;
mod guard;
mod http_send;
mod notifier;
mod options;
mod outcome;
mod slack;
mod smtp;
mod summary;
mod template;
mod tls;
mod webhook;

pub use notifier::ChannelNotifier;
pub use options::{DEFAULT_TIMEOUT, NotifyBuildError, NotifyOptions, SmtpSettings, SmtpTls};
