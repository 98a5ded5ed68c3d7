//! API authentication: bearer tokens with a scope (`read`, or `write` which implies read).
//!
//! Tokens come from configuration or from the token store, where only their SHA-256 hash is
//! kept. The [`Authenticator`] decides each request: it looks the presented token up by hash
//! (configured tokens first, then a snapshot of the stored ones, then the store itself for a
//! token created since the last snapshot), so a secret is never compared byte by byte.

mod authenticator;
mod errors;
mod ports;
mod scope;
mod service;
mod stored;
mod token;

pub use authenticator::{Access, AccessControl, AnonymousAccess, Authenticator};
pub use errors::{
    AuthorizeError, CreateTokenError, FindTokenError, ListTokensError, LoadTokensError,
    RevokeTokenError,
};
#[cfg(any(test, feature = "mocks"))]
pub use ports::MockTokenStore;
pub use ports::TokenStore;
pub use scope::{Scope, ScopeError};
pub use service::issue_token;
pub use stored::{NewApiToken, StoredToken, TokenId, TokenIdError, TokenName};
pub use token::{
    ApiToken, ApiTokenError, MIN_TOKEN_CHARS, SECRET_BYTES, TokenHash, TokenHashError,
};
