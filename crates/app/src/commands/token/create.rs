//! `lookout token create --scope read|write [--name NAME]`.

use anyhow::Context;
use lookout_domain::auth::{SECRET_BYTES, Scope, TokenName, issue_token};
use lookout_domain::{Clock, SystemClock};
use lookout_store::Store;

pub(super) async fn run(store: &Store, scope: Scope, name: Option<String>) -> anyhow::Result<()> {
    let name = name.as_deref().map(TokenName::parse).transpose().context("--name")?;
    let mut secret = [0u8; SECRET_BYTES];
    getrandom::fill(&mut secret)
        .map_err(|e| anyhow::anyhow!("cannot draw random bytes for the token: {e}"))?;
    let (token, stored) = issue_token(store, name, scope, secret, SystemClock.now())
        .await
        .context("cannot store the token")?;
    // The secret alone on stdout (for scripts); the rest on stderr.
    println!("{}", token.expose_secret());
    eprintln!(
        "Created API token {} with scope {}. It is shown only this once: keep it now.",
        stored.id, stored.scope
    );
    Ok(())
}
