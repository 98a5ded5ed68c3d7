//! `Authenticator`: decides whether a request may pass, given the token it presented and the
//! scope the call needs.
//!
//! Configured tokens are hashed once at start. Stored tokens are kept as a snapshot that the
//! caller refreshes periodically ([`Authenticator::refresh`]): a revoked token stops working at
//! the next refresh. A token that is not in the snapshot is looked up in the store at once, so
//! a token created while the server runs works on its first use.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{PoisonError, RwLock};

use super::{ApiToken, AuthorizeError, LoadTokensError, Scope, TokenHash, TokenStore};

/// Whether requests may pass without a token while no token exists at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnonymousAccess {
    /// Loopback binds, or `server.allow_anonymous`: with no token configured or stored, the API
    /// is open. As soon as one exists, every request needs one.
    WhileNoTokens,
    /// Every request always needs a token (a public bind that must never fall open, even when
    /// the last stored token is revoked).
    Never,
}

/// What a request was let through as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No token exists and anonymous access is allowed.
    Anonymous,
    /// A valid token of this scope.
    Token(Scope),
}

/// Object-safe face of the [`Authenticator`], so that the HTTP adapter can hold one whatever
/// its store.
pub trait AccessControl: Send + Sync + 'static {
    fn authorize<'a>(
        &'a self,
        presented: Option<&'a str>,
        required: Scope,
    ) -> Pin<Box<dyn Future<Output = Result<Access, AuthorizeError>> + Send + 'a>>;
}

/// Checks bearer tokens against the configured ones and the store's.
#[derive(Debug)]
pub struct Authenticator<S> {
    store: S,
    configured: HashMap<TokenHash, Scope>,
    stored: RwLock<HashMap<TokenHash, Scope>>,
    anonymous: AnonymousAccess,
}

impl<S: TokenStore> Authenticator<S> {
    /// `configured`: tokens from configuration with their scopes (a token listed twice gets the
    /// wider scope). The stored tokens are read by the first [`Authenticator::refresh`].
    pub fn new(
        store: S,
        configured: impl IntoIterator<Item = (ApiToken, Scope)>,
        anonymous: AnonymousAccess,
    ) -> Self {
        let mut hashes = HashMap::new();
        for (token, scope) in configured {
            let entry = hashes.entry(token.hash()).or_insert(scope);
            *entry = (*entry).max(scope);
        }
        Self { store, configured: hashes, stored: RwLock::new(HashMap::new()), anonymous }
    }

    /// Re-reads the active stored tokens; returns how many there are. On failure the previous
    /// snapshot stays.
    pub async fn refresh(&self) -> Result<usize, LoadTokensError> {
        let active: HashMap<TokenHash, Scope> =
            self.store.active_tokens().await?.into_iter().collect();
        let count = active.len();
        *self.stored.write().unwrap_or_else(PoisonError::into_inner) = active;
        Ok(count)
    }

    /// True when any token is configured or stored (as of the last refresh).
    pub fn has_tokens(&self) -> bool {
        !self.configured.is_empty()
            || !self.stored.read().unwrap_or_else(PoisonError::into_inner).is_empty()
    }

    /// Lets a request through when `presented` is a token whose scope allows `required`, or
    /// when no token exists and anonymous access is allowed.
    pub async fn authorize(
        &self,
        presented: Option<&str>,
        required: Scope,
    ) -> Result<Access, AuthorizeError> {
        if self.anonymous == AnonymousAccess::WhileNoTokens && !self.has_tokens() {
            return Ok(Access::Anonymous);
        }
        let presented = presented.ok_or(AuthorizeError::MissingToken)?;
        let hash = TokenHash::of(presented);
        let granted = match self.known_scope(&hash) {
            Some(scope) => scope,
            None => {
                let scope = self
                    .store
                    .find_active_token(&hash)
                    .await?
                    .ok_or(AuthorizeError::UnknownToken)?;
                // Created since the last refresh: remember it until the next one.
                self.stored.write().unwrap_or_else(PoisonError::into_inner).insert(hash, scope);
                scope
            }
        };
        if granted.allows(required) {
            Ok(Access::Token(granted))
        } else {
            Err(AuthorizeError::InsufficientScope { required, granted })
        }
    }

    fn known_scope(&self, hash: &TokenHash) -> Option<Scope> {
        self.configured.get(hash).copied().or_else(|| {
            self.stored.read().unwrap_or_else(PoisonError::into_inner).get(hash).copied()
        })
    }
}

impl<S: TokenStore> AccessControl for Authenticator<S> {
    fn authorize<'a>(
        &'a self,
        presented: Option<&'a str>,
        required: Scope,
    ) -> Pin<Box<dyn Future<Output = Result<Access, AuthorizeError>> + Send + 'a>> {
        Box::pin(Authenticator::authorize(self, presented, required))
    }
}

#[cfg(test)]
#[path = "authenticator_tests.rs"]
mod tests;
