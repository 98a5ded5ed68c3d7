//! `lookout token revoke ID`.

use anyhow::Context;
use lookout_domain::auth::{RevokeTokenError, TokenId, TokenStore};
use lookout_domain::{Clock, SystemClock};
use lookout_store::Store;

pub(super) async fn run(store: &Store, raw_id: i64, refresh_secs: u64) -> anyhow::Result<()> {
    let id = TokenId::new(raw_id)?;
    match store.revoke_token(id, SystemClock.now()).await {
        Ok(token) => {
            tracing::info!(%id, scope = %token.scope, "API token revoked");
            println!(
                "Revoked API token {id}; running servers stop accepting it within {refresh_secs} s \
                 (auth.refresh_secs)."
            );
            Ok(())
        }
        Err(RevokeTokenError::NotFound(_)) => anyhow::bail!("no API token with id {id}"),
        Err(error) => Err(error).context("cannot revoke the token"),
    }
}
