//! Tokens as the store keeps them: identity, label, scope and dates, never the secret.

use std::fmt;

use time::OffsetDateTime;

use super::{Scope, TokenHash};
use crate::website::{WebsiteName, WebsiteNameError};

/// Identity of a stored token. Only positive values exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TokenId(i64);

/// A value that cannot be a token id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("token id must be a positive integer, got {0}")]
pub struct TokenIdError(pub i64);

impl TokenId {
    pub fn new(raw: i64) -> Result<Self, TokenIdError> {
        if raw > 0 { Ok(Self(raw)) } else { Err(TokenIdError(raw)) }
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for TokenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A label telling operators what a token is for. Same rules as a website name: trimmed,
/// 1..=200 characters, no control or bidi-override characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenName(WebsiteName);

impl TokenName {
    pub fn parse(raw: &str) -> Result<Self, WebsiteNameError> {
        WebsiteName::parse(raw).map(Self)
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Display for TokenName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A token to store: its hash, never the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApiToken {
    pub name: Option<TokenName>,
    pub scope: Scope,
    pub hash: TokenHash,
}

/// A stored token as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredToken {
    pub id: TokenId,
    pub name: Option<TokenName>,
    pub scope: Scope,
    pub created_at: OffsetDateTime,
    /// Set once the token is revoked; a revoked token authorises nothing.
    pub revoked_at: Option<OffsetDateTime>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_positive_and_names_follow_website_name_rules() {
        assert_eq!(TokenId::new(3).map(TokenId::get), Ok(3));
        assert_eq!(TokenId::new(0), Err(TokenIdError(0)));
        assert_eq!(TokenName::parse("  ci deploy ").unwrap().as_str(), "ci deploy");
        assert_eq!(TokenName::parse(" "), Err(WebsiteNameError::Empty));
        assert_eq!(TokenName::parse("a\u{202E}b"), Err(WebsiteNameError::ControlCharacters));
    }
}
