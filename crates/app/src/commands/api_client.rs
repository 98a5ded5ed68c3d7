//! A client of a running lookout's API, for the commands people and scripts run against it
//! (`apply`, `export`): where it is (`--server`, `LOOKOUT_SERVER`, else this configuration's
//! own address) and the token to send (`--token`, `LOOKOUT_TOKEN`).

use anyhow::{Context, bail};
use clap::Args;
use serde_json::Value;

use crate::settings::Settings;

/// Where the API is and how to sign in to it.
#[derive(Debug, Clone, Args)]
pub(crate) struct ServerArgs {
    /// The lookout to talk to, e.g. https://lookout.example.com (default: LOOKOUT_SERVER, else
    /// this configuration's server.host and server.port).
    #[arg(long, env = "LOOKOUT_SERVER")]
    server: Option<String>,
    /// A bearer token (write scope to apply; default: LOOKOUT_TOKEN).
    #[arg(long, env = "LOOKOUT_TOKEN", hide_env_values = true)]
    token: Option<String>,
}

/// A client bound to one server.
#[derive(Debug)]
pub(crate) struct ApiClient {
    base: String,
    token: Option<String>,
    http: reqwest::Client,
}

/// An answer that was not a success: the API's error body, as it said it.
#[derive(Debug)]
pub(crate) struct Refusal {
    pub(crate) status: u16,
    pub(crate) body: Value,
}

impl Refusal {
    /// The body's `message`, or the status alone.
    pub(crate) fn message(&self) -> String {
        match self.body.get("message").and_then(Value::as_str) {
            Some(message) => format!("{message} (HTTP {})", self.status),
            None => format!("the server answered HTTP {}", self.status),
        }
    }
}

impl ApiClient {
    pub(crate) fn new(args: &ServerArgs, settings: &Settings) -> anyhow::Result<Self> {
        let base = match &args.server {
            Some(server) => server.trim_end_matches('/').to_owned(),
            None => {
                let host = match settings.server.host.as_str() {
                    "0.0.0.0" | "::" | "[::]" => "127.0.0.1",
                    host => host,
                };
                format!("http://{host}:{}", settings.server.port)
            }
        };
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            bail!("--server must start with http:// or https://, got {base}");
        }
        let http = reqwest::Client::builder()
            .user_agent(concat!("lookout-cli/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("cannot build the HTTP client")?;
        Ok(Self { base, token: args.token.clone(), http })
    }

    /// `method path` with `body`; the answer's body on 2xx, else the refusal.
    pub(crate) async fn send(
        &self,
        method: reqwest::Method,
        path_and_query: &str,
        body: Option<(&'static str, String)>,
    ) -> anyhow::Result<Result<reqwest::Response, Refusal>> {
        let url = format!("{}{path_and_query}", self.base);
        let mut request = self.http.request(method, &url);
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some((content_type, body)) = body {
            request = request.header(reqwest::header::CONTENT_TYPE, content_type).body(body);
        }
        let response =
            request.send().await.with_context(|| format!("cannot reach {}", self.base))?;
        if response.status().is_success() {
            return Ok(Ok(response));
        }
        let status = response.status().as_u16();
        let body = response.json::<Value>().await.unwrap_or(Value::Null);
        Ok(Err(Refusal { status, body }))
    }
}
