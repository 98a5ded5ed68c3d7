//! `HyperProber`: the `Prober` port — retries, redirects and the overall timeout around
//! single attempts.

use std::sync::Arc;
use std::time::Duration;

use http::HeaderValue;
use lookout_domain::monitoring::{ProbeFailure, RedirectFailure};
use lookout_domain::{CheckOutcome, Prober, WebsiteUrl};
use tokio::time::Instant;
use url::Url;

use crate::ProbeOptions;
use crate::connection::{Client, Exchange};
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
        let tls = client_config(&options.extra_roots, options.http2)?;
        let user_agent = HeaderValue::from_static(concat!("lookout/", env!("CARGO_PKG_VERSION")));
        let client =
            Client::new(tls, options.addresses.clone(), user_agent, options.max_body_bytes);
        Ok(Self { inner: Arc::new(Inner { client, options }) })
    }

    /// The `User-Agent` every check sends.
    pub fn user_agent() -> &'static str {
        concat!("lookout/", env!("CARGO_PKG_VERSION"))
    }

    async fn check(&self, url: &WebsiteUrl) -> Result<(Exchange, Duration), ProbeFailure> {
        let options = &self.inner.options;
        let mut current =
            Url::parse(url.as_str()).map_err(|e| ProbeFailure::InvalidUrl(e.to_string()))?;
        let mut total = Duration::ZERO;
        let mut hops = 0;
        loop {
            let exchange = self.attempts(&current).await?;
            total += exchange.elapsed;
            let redirect = exchange.status.is_redirection() && options.follow_redirects;
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
            hops += 1;
        }
    }

    /// One request, retried while attempts fail before reaching the server.
    async fn attempts(&self, url: &Url) -> Result<Exchange, ProbeFailure> {
        let options = &self.inner.options;
        let mut failures: Vec<ProbeFailure> = Vec::new();
        let mut backoff = options.retry_backoff;
        loop {
            match self.inner.client.exchange(url).await {
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
    async fn probe(&self, url: &WebsiteUrl) -> CheckOutcome {
        let timeout = self.inner.options.timeout;
        let started = Instant::now();
        match tokio::time::timeout(timeout, self.check(url)).await {
            Ok(Ok((exchange, total))) => CheckOutcome {
                status_code: Some(exchange.status.as_u16()),
                response_time: total,
                error: None,
            },
            Ok(Err(failure)) => CheckOutcome {
                status_code: None,
                response_time: started.elapsed(),
                error: Some(failure),
            },
            Err(_) => CheckOutcome {
                status_code: None,
                response_time: started.elapsed(),
                error: Some(ProbeFailure::Timeout { after: timeout }),
            },
        }
    }
}
