//! `HyperProber`: the `Prober` port — retries, redirects and the overall timeout around
//! single attempts.

use std::sync::Arc;
use std::time::Duration;

use http::HeaderValue;
use lookout_domain::checks::{CheckSpec, HttpMethod};
use lookout_domain::monitoring::{Phases, ProbeFailure, RedirectFailure};
use lookout_domain::{CheckOutcome, Prober, WebsiteUrl};
use tokio::time::Instant;
use url::Url;

use crate::ProbeOptions;
use crate::connection::{Ask, Client, Exchange};
use crate::dial::Dialer;
use crate::failure;
use crate::tls::{TlsConfigError, client_config};

/// The shared HTTP(S) client lookout checks sites with. Cheap to clone.
#[derive(Debug, Clone)]
pub struct HyperProber {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    client: Client,
    options: ProbeOptions,
}

impl HyperProber {
    pub fn new(options: ProbeOptions) -> Result<Self, TlsConfigError> {
        let tls = [
            client_config(&options.extra_roots, options.http2)?,
            client_config(&options.extra_roots, false)?,
            client_config(&options.extra_roots, true)?,
        ];
        let user_agent = HeaderValue::from_static(concat!("lookout/", env!("CARGO_PKG_VERSION")));
        let dialer = Dialer { source: options.source_address };
        let client =
            Client::new(tls, options.addresses.clone(), dialer, user_agent, options.max_body_bytes);
        Ok(Self { inner: Arc::new(Inner { client, options }) })
    }

    /// The `User-Agent` every check sends.
    pub fn user_agent() -> &'static str {
        concat!("lookout/", env!("CARGO_PKG_VERSION"))
    }

    async fn check(
        &self,
        url: &WebsiteUrl,
        spec: &CheckSpec,
    ) -> Result<(Exchange, Duration), ProbeFailure> {
        let options = &self.inner.options;
        let request = &spec.request;
        let follow = request.follow_redirects.unwrap_or(options.follow_redirects);
        let mut ask = Ask {
            method: request.method,
            headers: &request.headers,
            body: request.body.as_deref(),
            version: request.http_version,
            keep_body: spec.needs_body(),
            keep_headers: spec.needs_headers(),
        };
        let mut current =
            Url::parse(url.as_str()).map_err(|e| ProbeFailure::InvalidUrl(e.to_string()))?;
        let mut total = Duration::ZERO;
        let mut phases = Phases::default();
        let mut hops = 0;
        loop {
            let mut exchange = self.attempts(&current, ask).await?;
            total += exchange.elapsed;
            phases = phases.plus(exchange.phases);
            exchange.phases = phases;
            let redirect = exchange.status.is_redirection() && follow;
            let Some(location) = exchange.location.as_deref().filter(|_| redirect) else {
                return Ok((exchange, total));
            };
            if hops >= options.max_redirects {
                let max = options.max_redirects;
                return Err(ProbeFailure::Redirect(RedirectFailure::TooMany { max }));
            }
            current = current.join(location).map_err(|e| {
                ProbeFailure::Redirect(RedirectFailure::InvalidLocation {
                    location: location.to_owned(),
                    reason: e.to_string(),
                })
            })?;
            if !matches!(current.scheme(), "http" | "https") {
                let scheme = current.scheme().to_owned();
                return Err(ProbeFailure::Redirect(RedirectFailure::UnsupportedScheme(scheme)));
            }
            // As browsers do: a 303, and a 301 or 302 after a POST, are followed with a GET.
            let status = exchange.status.as_u16();
            if status == 303 || (matches!(status, 301 | 302) && ask.method == HttpMethod::Post) {
                ask.method = HttpMethod::Get;
                ask.body = None;
            }
            hops += 1;
        }
    }

    /// One request, retried while attempts fail before reaching the server.
    async fn attempts(&self, url: &Url, ask: Ask<'_>) -> Result<Exchange, ProbeFailure> {
        let options = &self.inner.options;
        let mut failures: Vec<ProbeFailure> = Vec::new();
        let mut backoff = options.retry_backoff;
        loop {
            match self.inner.client.exchange(url, ask).await {
                Ok(exchange) => return Ok(exchange),
                Err(failure)
                    if failure::retryable(&failure)
                        && failures.len() < options.retries as usize =>
                {
                    tracing::debug!(%url, attempt = failures.len() + 1, error = %failure, "Connect failed, retrying");
                    failures.push(failure);
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(2));
                }
                Err(failure) if failures.is_empty() => return Err(failure),
                Err(failure) => {
                    failures.push(failure);
                    return Err(ProbeFailure::Attempts(failures));
                }
            }
        }
    }
}

impl Prober for HyperProber {
    async fn probe(&self, url: &WebsiteUrl, check: &CheckSpec) -> CheckOutcome {
        let timeout = check.request.timeout.unwrap_or(self.inner.options.timeout);
        let started = Instant::now();
        match tokio::time::timeout(timeout, self.check(url, check)).await {
            Ok(Ok((exchange, total))) => CheckOutcome {
                status_code: Some(exchange.status.as_u16()),
                response_time: total,
                error: None,
                headers: exchange.headers,
                body: exchange.body,
                tls_days_left: exchange
                    .certificate
                    .as_ref()
                    .map(|c| c.days_left(time::OffsetDateTime::now_utc())),
                certificate: exchange.certificate,
                phases: Some(exchange.phases),
                verdict: None,
            },
            Ok(Err(failure)) => CheckOutcome::new(None, started.elapsed(), Some(failure)),
            Err(_) => CheckOutcome::new(
                None,
                started.elapsed(),
                Some(ProbeFailure::Timeout { after: timeout }),
            ),
        }
    }
}
