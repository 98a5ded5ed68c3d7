//! `WebsiteName`: a human label for a site, trimmed, 1..=200 characters.

use std::fmt;

/// Longest name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// A trimmed, non-empty display name without control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WebsiteName(String);

/// Why a string is not a website name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebsiteNameError {
    #[error("name must not be empty")]
    Empty,
    #[error("name must be at most {MAX_NAME_CHARS} characters long")]
    TooLong,
    #[error("name must not contain control characters")]
    ControlCharacters,
}

impl WebsiteName {
    /// Trims and checks a name given by a user.
    pub fn parse(raw: &str) -> Result<Self, WebsiteNameError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(WebsiteNameError::Empty);
        }
        if trimmed.chars().count() > MAX_NAME_CHARS {
            return Err(WebsiteNameError::TooLong);
        }
        if trimmed.chars().any(is_forbidden) {
            return Err(WebsiteNameError::ControlCharacters);
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The name as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Control characters and the bidirectional overrides that can make a name lie about itself.
fn is_forbidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

impl fmt::Display for WebsiteName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for WebsiteName {
    type Error = WebsiteNameError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<WebsiteName> for String {
    fn from(value: WebsiteName) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_keeps_unicode() {
        assert_eq!(WebsiteName::parse("  Home page ").map(|n| n.0), Ok("Home page".into()));
        assert_eq!(WebsiteName::parse("Ünïcødé 🚀").map(|n| n.0), Ok("Ünïcødé 🚀".into()));
    }

    #[test]
    fn rejects_blank_names() {
        assert_eq!(WebsiteName::parse(""), Err(WebsiteNameError::Empty));
        assert_eq!(WebsiteName::parse(" \t\n "), Err(WebsiteNameError::Empty));
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert!(WebsiteName::parse(&"é".repeat(MAX_NAME_CHARS)).is_ok());
        assert_eq!(
            WebsiteName::parse(&"a".repeat(MAX_NAME_CHARS + 1)),
            Err(WebsiteNameError::TooLong)
        );
    }

    #[test]
    fn rejects_control_and_bidi_override_characters() {
        assert_eq!(WebsiteName::parse("a\u{0}b"), Err(WebsiteNameError::ControlCharacters));
        assert_eq!(
            WebsiteName::parse("evil\u{202E}gnp.exe"),
            Err(WebsiteNameError::ControlCharacters)
        );
        assert_eq!(WebsiteName::parse("a\u{2067}b"), Err(WebsiteNameError::ControlCharacters));
    }
}
