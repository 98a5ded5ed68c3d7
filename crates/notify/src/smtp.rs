//! Email through the configured SMTP server (lettre, tokio, rustls with ring): plain, STARTTLS
//! or implicit TLS, with optional credentials. Transient failures (4xx replies, connection
//! errors, timeouts, TLS) are retried; permanent ones (5xx replies) refused. The password
//! never shows in an error.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use lookout_domain::alerting::{Secret, SendOutcome};

use crate::outcome::{self, find, io_text, timed_out};
use crate::{NotifyBuildError, SmtpSettings, SmtpTls};

/// Sends mail through one SMTP server.
#[derive(Clone)]
pub(crate) struct SmtpSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    pub(crate) from: Mailbox,
    password: Option<Secret>,
    timeout: Duration,
}

impl std::fmt::Debug for SmtpSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSender").field("from", &self.from).finish_non_exhaustive()
    }
}

impl SmtpSender {
    pub(crate) fn new(
        settings: &SmtpSettings,
        timeout: Duration,
    ) -> Result<Self, NotifyBuildError> {
        let from: Mailbox =
            settings.from.parse().map_err(|e| NotifyBuildError::SmtpFrom(format!("{e}")))?;
        if settings.host.trim().is_empty() {
            return Err(NotifyBuildError::SmtpHost(settings.host.clone()));
        }
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
            .port(settings.port)
            .timeout(Some(timeout));
        if settings.tls != SmtpTls::None {
            let parameters = tls_parameters(settings)?;
            builder = builder.tls(match settings.tls {
                SmtpTls::Tls => Tls::Wrapper(parameters),
                _ => Tls::Required(parameters),
            });
        }
        match (&settings.username, &settings.password) {
            (Some(user), Some(password)) => {
                builder = builder
                    .credentials(Credentials::new(user.clone(), password.expose().to_owned()));
            }
            (None, None) => {}
            _ => return Err(NotifyBuildError::SmtpCredentials),
        }
        Ok(Self { transport: builder.build(), from, password: settings.password.clone(), timeout })
    }

    pub(crate) async fn send(&self, message: Message) -> SendOutcome {
        let outcome = match tokio::time::timeout(self.timeout, self.transport.send(message)).await {
            Err(_) => retry(timed_out(self.timeout)),
            Ok(Ok(_)) => SendOutcome::Delivered { status_code: None },
            Ok(Err(error)) => self.failure(&error),
        };
        let secrets: Vec<&str> = self.password.iter().map(Secret::expose).collect();
        outcome::scrubbed(outcome, &secrets)
    }

    fn failure(&self, error: &lettre::transport::smtp::Error) -> SendOutcome {
        let reply = || {
            let code = error.status().map(|code| code.to_string()).unwrap_or_default();
            let text = error.to_string();
            // lettre writes `permanent error (550): <the server's text>`.
            let said = text.split_once("): ").map_or(text.as_str(), |(_, said)| said).trim();
            if said.is_empty() { format!("SMTP {code}") } else { format!("SMTP {code} {said}") }
        };
        if error.is_permanent() {
            return SendOutcome::Reject { error: reply(), status_code: None };
        }
        if error.is_transient() {
            return retry(reply());
        }
        if error.is_timeout() {
            return retry(timed_out(self.timeout));
        }
        if let Some(io) = find::<std::io::Error>(error) {
            return retry(format!("SMTP: {}", io_text(io, self.timeout)));
        }
        if error.is_tls() {
            return retry("SMTP: the TLS handshake failed".to_owned());
        }
        retry("SMTP: the server could not be reached".to_owned())
    }
}

fn retry(error: String) -> SendOutcome {
    SendOutcome::Retry { error, status_code: None, retry_after: None }
}

fn tls_parameters(settings: &SmtpSettings) -> Result<TlsParameters, NotifyBuildError> {
    let mut builder = TlsParameters::builder(settings.host.clone());
    for root in &settings.extra_roots {
        let certificate = Certificate::from_der(root.to_vec())
            .map_err(|e| NotifyBuildError::SmtpTls(e.to_string()))?;
        builder = builder.add_root_certificate(certificate);
    }
    builder.build_rustls().map_err(|e| NotifyBuildError::SmtpTls(e.to_string()))
}
