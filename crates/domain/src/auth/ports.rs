//! The port to where stored tokens are kept (hashed).

use std::future::Future;

use time::OffsetDateTime;

use super::{
    CreateTokenError, FindTokenError, ListTokensError, LoadTokensError, NewApiToken,
    RevokeTokenError, Scope, StoredToken, TokenHash, TokenId,
};

/// Storage of API tokens. Only hashes are stored; the secret is never handed to the store.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait TokenStore: Send + Sync + 'static {
    /// Stores a new token, created at `now`.
    fn create_token(
        &self,
        new: &NewApiToken,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<StoredToken, CreateTokenError>> + Send;

    /// Every stored token (revoked ones too), ordered by id.
    fn list_tokens(&self)
    -> impl Future<Output = Result<Vec<StoredToken>, ListTokensError>> + Send;

    /// Marks a token revoked at `now` and returns it. Revoking a revoked token keeps its first
    /// revocation time and succeeds.
    fn revoke_token(
        &self,
        id: TokenId,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<StoredToken, RevokeTokenError>> + Send;

    /// Hash and scope of every token that is not revoked.
    fn active_tokens(
        &self,
    ) -> impl Future<Output = Result<Vec<(TokenHash, Scope)>, LoadTokensError>> + Send;

    /// The scope of the active token with this hash, if there is one.
    fn find_active_token(
        &self,
        hash: &TokenHash,
    ) -> impl Future<Output = Result<Option<Scope>, FindTokenError>> + Send;
}
