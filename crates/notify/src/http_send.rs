//! One HTTP request of a channel: reqwest over rustls (ring), the address guard at connect
//! time, no proxy, no redirects, bounded by the send timeout; the answer classified.

use std::sync::Arc;
use std::time::Duration;

use lookout_domain::alerting::SendOutcome;
use lookout_domain::website::AddressPolicy;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, RETRY_AFTER, USER_AGENT};
use reqwest::{Client, Method};
use time::OffsetDateTime;

use crate::guard::{GuardedResolver, check_literal};
use crate::outcome::{self, PRIVATE_ADDRESS};
use crate::{NotifyBuildError, NotifyOptions};

/// Most bytes of an answer's body read (for a short error detail).
const MAX_BODY_READ: usize = 4096;

/// The `User-Agent` of every request.
pub(crate) const AGENT: &str = concat!("lookout/", env!("CARGO_PKG_VERSION"));

/// A request about to be sent.
#[derive(Debug)]
pub(crate) struct Outgoing<'a> {
    pub(crate) method: Method,
    /// May itself be a secret (a Slack URL): never shown.
    pub(crate) url: &'a str,
    /// Sensitive values are marked so (they stay out of debug output).
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
    /// Texts that must not appear in an error (the URL, header values, the signing secret).
    pub(crate) secrets: Vec<&'a str>,
}

/// Sends the requests of HTTP channels.
#[derive(Debug, Clone)]
pub(crate) struct HttpSender {
    client: Client,
    addresses: AddressPolicy,
    timeout: Duration,
}

impl HttpSender {
    pub(crate) fn new(options: &NotifyOptions) -> Result<Self, NotifyBuildError> {
        let tls = crate::tls::client_config(&options.extra_roots)?;
        let resolver = Arc::new(GuardedResolver { addresses: options.addresses.clone() });
        let client = Client::builder()
            .use_preconfigured_tls(tls)
            .dns_resolver(resolver)
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(options.timeout)
            .connect_timeout(options.timeout)
            .user_agent(AGENT)
            .build()
            .map_err(|e| NotifyBuildError::HttpClient(e.without_url().to_string()))?;
        Ok(Self { client, addresses: options.addresses.clone(), timeout: options.timeout })
    }

    pub(crate) async fn send(&self, request: Outgoing<'_>, now: OffsetDateTime) -> SendOutcome {
        let outcome = self.attempt(&request, now).await;
        let mut secrets = request.secrets.clone();
        secrets.push(request.url);
        outcome::scrubbed(outcome, &secrets)
    }

    async fn attempt(&self, request: &Outgoing<'_>, now: OffsetDateTime) -> SendOutcome {
        let Ok(url) = url::Url::parse(request.url) else {
            return reject("the channel's URL is not a valid URL");
        };
        if !matches!(url.scheme(), "http" | "https") {
            return reject("the channel's URL must start with http:// or https://");
        }
        if check_literal(&url, &self.addresses).is_err() {
            return reject(PRIVATE_ADDRESS);
        }
        let exchange = async {
            let response = self
                .client
                .request(request.method.clone(), url)
                .headers(request.headers.clone())
                .body(request.body.clone())
                .send()
                .await?;
            let status = response.status();
            let retry_after = response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned);
            let body = if status.is_success() { Vec::new() } else { read_some(response).await };
            Ok::<_, reqwest::Error>((status, retry_after, body))
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Err(_) => SendOutcome::Retry {
                error: outcome::timed_out(self.timeout),
                status_code: None,
                retry_after: None,
            },
            Ok(Err(error)) => outcome::of_failure(&error.without_url(), self.timeout),
            Ok(Ok((status, retry_after, body))) => {
                let detail = outcome::body_detail(&body);
                outcome::of_status(status, retry_after.as_deref(), detail.as_deref(), now)
            }
        }
    }
}

fn reject(error: &str) -> SendOutcome {
    SendOutcome::Reject { error: error.to_owned(), status_code: None }
}

/// Up to [`MAX_BODY_READ`] bytes of the body (whatever arrived before an error).
async fn read_some(mut response: reqwest::Response) -> Vec<u8> {
    let mut body = Vec::new();
    while body.len() < MAX_BODY_READ {
        match response.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) | Err(_) => break,
        }
    }
    body.truncate(MAX_BODY_READ);
    body
}

/// The headers every channel request carries, plus the channel's own (marked sensitive).
pub(crate) fn headers(
    content_type: &str,
    idempotency_key: Option<&str>,
    extra: &[lookout_domain::alerting::Header],
) -> Result<HeaderMap, String> {
    let mut map = HeaderMap::new();
    let value = |raw: &str| HeaderValue::from_str(raw).map_err(|_| "invalid header value");
    map.insert(
        reqwest::header::CONTENT_TYPE,
        value(content_type).map_err(|_| "content_type is not a valid header value")?,
    );
    map.insert(USER_AGENT, HeaderValue::from_static(AGENT));
    if let Some(key) = idempotency_key {
        map.insert("idempotency-key", value(key)?);
    }
    for header in extra {
        let name = HeaderName::from_bytes(header.name.as_bytes())
            .map_err(|_| format!("{:?} is not a valid header name", header.name))?;
        let mut value = HeaderValue::from_str(header.value.expose())
            .map_err(|_| format!("the value of {} is not a valid header value", header.name))?;
        value.set_sensitive(true);
        map.append(name, value);
    }
    Ok(map)
}
