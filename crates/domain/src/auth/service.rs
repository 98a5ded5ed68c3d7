//! Issuing a token: the secret goes back to the caller once, the store gets its hash.

use time::OffsetDateTime;

use super::{
    ApiToken, CreateTokenError, NewApiToken, SECRET_BYTES, Scope, StoredToken, TokenName,
    TokenStore,
};

/// Makes a token from `secret` (random bytes the caller drew), stores its hash with `name` and
/// `scope`, and returns the token (to show once) and what was stored.
pub async fn issue_token<S: TokenStore>(
    store: &S,
    name: Option<TokenName>,
    scope: Scope,
    secret: [u8; SECRET_BYTES],
    now: OffsetDateTime,
) -> Result<(ApiToken, StoredToken), CreateTokenError> {
    let token = ApiToken::from_secret(secret);
    let stored = store.create_token(&NewApiToken { name, scope, hash: token.hash() }, now).await?;
    tracing::info!(id = %stored.id, %scope, "API token created");
    Ok((token, stored))
}

#[cfg(test)]
mod tests {
    use std::future::ready;

    use futures::executor::block_on;
    use time::macros::datetime;

    use super::*;
    use crate::auth::{MockTokenStore, TokenId};

    #[test]
    fn stores_only_the_hash_of_the_token_it_returns() {
        let now = datetime!(2026-11-28 12:00:00 UTC);
        let mut store = MockTokenStore::new();
        store.expect_create_token().times(1).returning(|new, at| {
            assert_eq!(new.hash, ApiToken::from_secret([7; SECRET_BYTES]).hash());
            assert_eq!(new.scope, Scope::Write);
            Box::pin(ready(Ok(StoredToken {
                id: TokenId::new(1).unwrap(),
                name: new.name.clone(),
                scope: new.scope,
                created_at: at,
                revoked_at: None,
            })))
        });
        let name = TokenName::parse("deploy").ok();
        let (token, stored) =
            block_on(issue_token(&store, name.clone(), Scope::Write, [7; SECRET_BYTES], now))
                .unwrap();
        assert!(token.expose_secret().starts_with("lk_"));
        assert_eq!(stored.name, name);
        assert_eq!(stored.created_at, now);
    }
}
