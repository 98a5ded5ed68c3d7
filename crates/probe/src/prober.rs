//! `HyperProber`: the `Prober` port — retries, redirects and the overall timeout around
//! single attempts.

use std::sync::Arc;
use std::time::Duration;

use http::HeaderValue;
use lookout_domain::{CheckOutcome, Prober, WebsiteUrl};
use tokio::time::Instant;
use url::Url;

use crate::ProbeOptions;
use crate::connection::{Client, Exchange};
use crate::failure::Failure;
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

    async fn check(&self, url: &WebsiteUrl) -> Result<(Exchange, Duration), String> {
        let options = &self.inner.options;
        let mut current = Url::parse(url.as_str()).map_err(|e| format!("invalid url: {e}"))?;
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
                return Err(format!(
                    "http: too many redirects (more than {})",
                    options.max_redirects
                ));
            }
            current = current
                .join(location)
                .map_err(|e| format!("http: invalid redirect location {location:?}: {e}"))?;
            if !matches!(current.scheme(), "http" | "https") {
                return Err(format!("http: redirect to unsupported scheme {}", current.scheme()));
            }
            hops += 1;
        }
    }

    /// One request, retried while attempts fail before reaching the server.
    async fn attempts(&self, url: &Url) -> Result<Exchange, String> {
        let options = &self.inner.options;
        let mut failures: Vec<String> = Vec::new();
        let mut backoff = options.retry_backoff;
        loop {
            match self.inner.client.exchange(url).await {
                Ok(exchange) => return Ok(exchange),
                Err(Failure::Connect(text)) if failures.len() < options.retries as usize => {
                    tracing::debug!(%url, attempt = failures.len() + 1, error = %text, "Connect failed, retrying");
                    failures.push(text);
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(2));
                }
                Err(failure) if failures.is_empty() => return Err(failure.text().to_owned()),
                Err(failure) => {
                    failures.push(failure.text().to_owned());
                    return Err(summarise(&failures));
                }
            }
        }
    }
}

/// `connection refused (4 attempts: connection refused; connection refused; ...)`, or the one
/// text when every attempt failed the same way.
fn summarise(failures: &[String]) -> String {
    let last = failures.last().map_or("", String::as_str);
    let attempts = failures
        .iter()
        .enumerate()
        .map(|(i, text)| format!("#{}: {text}", i + 1))
        .collect::<Vec<_>>()
        .join("; ");
    format!("{last} after {} attempts ({attempts})", failures.len())
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
            Ok(Err(error)) => CheckOutcome {
                status_code: None,
                response_time: started.elapsed(),
                error: Some(error),
            },
            Err(_) => CheckOutcome {
                status_code: None,
                response_time: started.elapsed(),
                error: Some(format!("timeout after {}", format_secs(timeout))),
            },
        }
    }
}

fn format_secs(duration: Duration) -> String {
    if duration.subsec_millis() == 0 {
        format!("{}s", duration.as_secs())
    } else {
        format!("{:.1}s", duration.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarises_every_attempt() {
        let failures = vec!["connection refused".to_owned(), "connection refused".to_owned()];
        assert_eq!(
            summarise(&failures),
            "connection refused after 2 attempts (#1: connection refused; #2: connection refused)"
        );
    }

    #[test]
    fn formats_timeouts() {
        assert_eq!(format_secs(Duration::from_secs(30)), "30s");
        assert_eq!(format_secs(Duration::from_millis(1500)), "1.5s");
    }
}
