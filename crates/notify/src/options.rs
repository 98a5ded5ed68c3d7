//! `NotifyOptions`: how the notifier sends (timeout, address guard, trusted roots) and the SMTP
//! server email channels go through (config section `smtp`).

use std::time::Duration;

use lookout_domain::alerting::Secret;
use lookout_domain::website::AddressPolicy;
use rustls::pki_types::CertificateDer;

/// The bound on one send when none is configured.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Settings of the notifier.
#[derive(Debug, Clone)]
pub struct NotifyOptions {
    /// Bound on one send (connect, TLS, request, answer); a send that takes longer is retried.
    pub timeout: Duration,
    /// Which resolved addresses a channel's URL may reach (the same guard as probed sites).
    pub addresses: AddressPolicy,
    /// Certificates trusted for HTTPS channels besides the bundled web roots (a private CA).
    pub extra_roots: Vec<CertificateDer<'static>>,
    /// The SMTP server of email channels; without it email channels are refused.
    pub smtp: Option<SmtpSettings>,
}

impl Default for NotifyOptions {
    fn default() -> Self {
        Self {
            timeout: DEFAULT_TIMEOUT,
            addresses: AddressPolicy::default(),
            extra_roots: Vec::new(),
            smtp: None,
        }
    }
}

/// How the connection to the SMTP server is secured (`smtp.tls`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain text (a relay on the same host or network).
    None,
    /// Plain text upgraded with STARTTLS, which the server must offer (usually port 587).
    StartTls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

impl SmtpTls {
    /// Parses the configured form: `none`, `starttls` or `tls`.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "none" => Some(Self::None),
            "starttls" => Some(Self::StartTls),
            "tls" => Some(Self::Tls),
            _ => None,
        }
    }

    /// The usual port of this kind of connection.
    pub fn default_port(self) -> u16 {
        match self {
            Self::None => 25,
            Self::StartTls => 587,
            Self::Tls => 465,
        }
    }
}

/// The SMTP server email channels go through.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    /// Credentials, when the server wants them (both or neither).
    pub username: Option<String>,
    pub password: Option<Secret>,
    /// The sender, `alerts@example.com` or `lookout <alerts@example.com>`.
    pub from: String,
    /// Certificates trusted for the server besides the bundled web roots (a private CA).
    pub extra_roots: Vec<CertificateDer<'static>>,
}

/// The notifier cannot be built from these options.
#[derive(Debug, thiserror::Error)]
pub enum NotifyBuildError {
    #[error("an extra root certificate is invalid")]
    ExtraRoot(#[source] rustls::Error),
    #[error("cannot build the TLS configuration")]
    Tls(#[source] rustls::Error),
    #[error("cannot build the HTTP client: {0}")]
    HttpClient(String),
    #[error("smtp.from is not a valid sender address: {0}")]
    SmtpFrom(String),
    #[error("smtp.host {0:?} is not a valid host name")]
    SmtpHost(String),
    #[error("smtp.username and smtp.password must be given together")]
    SmtpCredentials,
    #[error("cannot set up TLS for the SMTP server: {0}")]
    SmtpTls(String),
}
