//! API authentication at start-up: the authenticator over the configured and stored tokens, the
//! refusal to serve a non-loopback address with no token, and the `token-refresh` job that
//! re-reads stored tokens every `auth.refresh_secs` (the bound on a revocation taking effect).

use std::net::ToSocketAddrs;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use lookout_domain::auth::{AnonymousAccess, Authenticator};
use lookout_http::ApiAccess;
use lookout_jobs::TokenRefresh;
use lookout_store::Store;

use crate::settings::Settings;

/// True when every address `host` resolves to is a loopback address.
fn is_loopback_only(host: &str, port: u16) -> anyhow::Result<bool> {
    let mut addresses = (host, port)
        .to_socket_addrs()
        .with_context(|| format!("cannot resolve server.host {host:?}"))?
        .peekable();
    if addresses.peek().is_none() {
        bail!("server.host {host:?} resolves to no address");
    }
    Ok(addresses.all(|address| address.ip().is_loopback()))
}

/// Builds the access control of `lookout serve` and the job that keeps its tokens fresh. Fails
/// when the server would listen beyond loopback with no token and `server.allow_anonymous` is
/// off.
pub(crate) async fn start(
    settings: &Settings,
    store: &Store,
) -> anyhow::Result<(ApiAccess, TokenRefresh<Store>)> {
    let host = settings.server.host.as_str();
    let loopback = is_loopback_only(host, settings.server.port)?;
    let allow_anonymous = settings.server.allow_anonymous;
    let anonymous = if loopback || allow_anonymous {
        AnonymousAccess::WhileNoTokens
    } else {
        AnonymousAccess::Never
    };
    let configured = settings.configured_tokens()?;
    let configured_count = configured.len();
    let authenticator = Arc::new(Authenticator::new(store.clone(), configured, anonymous));
    let stored = authenticator.refresh().await.context("cannot read the stored API tokens")?;

    if authenticator.has_tokens() {
        tracing::info!(
            configured = configured_count,
            stored,
            "API authentication on: /api/... needs a bearer token"
        );
    } else if !loopback && !allow_anonymous {
        bail!(
            "refusing to serve {host} (not loopback) without API tokens: set auth.write_tokens / \
             auth.read_tokens, create one with `lookout token create --scope write`, or set \
             server.allow_anonymous = true to serve the API to anyone who can reach it"
        );
    } else if !loopback {
        tracing::warn!(
            host,
            "!!! server.allow_anonymous = true and no API token: anyone who can reach {host} can \
             read and change what lookout monitors !!!"
        );
    } else {
        tracing::info!(
            host,
            "No API token configured: the API is open on loopback (create one with `lookout token create`)"
        );
    }

    let refresh = TokenRefresh::new(
        Arc::clone(&authenticator),
        Duration::from_secs(settings.auth.refresh_secs),
    );
    let access =
        ApiAccess { control: authenticator, metrics_require_token: settings.metrics.require_token };
    Ok((access, refresh))
}
