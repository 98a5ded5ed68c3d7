//! `ApiToken` (the secret a client presents) and `TokenHash` (what is kept of it).

use std::fmt;

use sha2::{Digest, Sha256};

/// Random bytes in a generated token (256 bits).
pub const SECRET_BYTES: usize = 32;

/// Shortest token accepted from configuration: tokens are long random secrets, not passwords.
pub const MIN_TOKEN_CHARS: usize = 16;

/// Prefix of generated tokens, so that a leaked one is easy to recognise (and to grep for).
const PREFIX: &str = "lk_";

/// A bearer token. `Debug` and `Display` never show the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiToken(String);

/// Why a configured string cannot be a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiTokenError {
    #[error("token must be at least {MIN_TOKEN_CHARS} characters long")]
    TooShort,
    #[error("token must consist of visible ASCII characters (no spaces)")]
    InvalidCharacters,
}

impl ApiToken {
    /// Checks a token given in configuration.
    pub fn parse(raw: &str) -> Result<Self, ApiTokenError> {
        let raw = raw.trim();
        if !raw.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ApiTokenError::InvalidCharacters);
        }
        if raw.len() < MIN_TOKEN_CHARS {
            return Err(ApiTokenError::TooShort);
        }
        Ok(Self(raw.to_owned()))
    }

    /// A new token made of `secret` (random bytes from the caller): `lk_` and 64 hex digits.
    pub fn from_secret(secret: [u8; SECRET_BYTES]) -> Self {
        Self(format!("{PREFIX}{}", hex(&secret)))
    }

    /// The secret itself: to print once when it is created, never to log.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// The SHA-256 of the token, which is what is stored and looked up.
    pub fn hash(&self) -> TokenHash {
        TokenHash::of(&self.0)
    }
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiToken(***)")
    }
}

/// SHA-256 of a token. Looking a presented token up by its hash means the secret is never
/// compared byte by byte, so response times tell an attacker nothing about it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenHash([u8; 32]);

/// A stored hash that is not 64 hex digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("token hash must be 64 hex digits")]
pub struct TokenHashError;

impl TokenHash {
    /// The hash of whatever a client presented (no format is required of it: an unknown token
    /// is simply not found).
    pub fn of(presented: &str) -> Self {
        Self(Sha256::digest(presented.as_bytes()).into())
    }

    /// Lower-case hex, as stored.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    /// Reads a stored hash.
    pub fn from_hex(raw: &str) -> Result<Self, TokenHashError> {
        if raw.len() != 64 {
            return Err(TokenHashError);
        }
        let mut bytes = [0u8; 32];
        for (byte, pair) in bytes.iter_mut().zip(raw.as_bytes().chunks(2)) {
            let text = std::str::from_utf8(pair).map_err(|_| TokenHashError)?;
            *byte = u8::from_str_radix(text, 16).map_err(|_| TokenHashError)?;
        }
        Ok(Self(bytes))
    }
}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenHash({}…)", &self.to_hex()[..8])
    }
}

fn hex(bytes: &[u8]) -> String {
    use fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_are_prefixed_hex_and_hash_like_parsed_ones() {
        let token = ApiToken::from_secret([0xab; SECRET_BYTES]);
        assert_eq!(token.expose_secret(), format!("lk_{}", "ab".repeat(32)));
        let parsed = ApiToken::parse(token.expose_secret()).unwrap();
        assert_eq!(parsed.hash(), token.hash());
        assert_eq!(TokenHash::of(token.expose_secret()), token.hash());
    }

    #[test]
    fn hashes_are_sha256_and_round_trip_through_hex() {
        // SHA-256("abc"), the FIPS 180-2 test vector.
        let hash = TokenHash::of("abc");
        let hex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(hash.to_hex(), hex);
        assert_eq!(TokenHash::from_hex(hex), Ok(hash));
        assert_eq!(TokenHash::from_hex("abc"), Err(TokenHashError));
        assert_eq!(TokenHash::from_hex(&"zz".repeat(32)), Err(TokenHashError));
    }

    #[test]
    fn configured_tokens_must_be_long_and_visible() {
        assert_eq!(ApiToken::parse("short"), Err(ApiTokenError::TooShort));
        assert_eq!(ApiToken::parse("with a space in it ok"), Err(ApiTokenError::InvalidCharacters));
        assert!(ApiToken::parse("  0123456789abcdef  ").is_ok());
    }

    #[test]
    fn secrets_never_show_in_debug() {
        let token = ApiToken::parse("0123456789abcdef-secret").unwrap();
        assert_eq!(format!("{token:?}"), "ApiToken(***)");
        assert!(!format!("{:?}", token.hash()).contains("secret"));
    }
}
