//! `WebsiteId`: the database identity of a website, always positive.

use std::fmt;

/// Identity of a stored website. Only positive values exist.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "i64", into = "i64")]
pub struct WebsiteId(i64);

/// A value that cannot be a website id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("website id must be a positive integer, got {0}")]
pub struct WebsiteIdError(pub i64);

impl WebsiteId {
    /// The smallest id.
    pub const MIN: Self = Self(1);

    /// Accepts any positive id.
    pub fn new(raw: i64) -> Result<Self, WebsiteIdError> {
        if raw > 0 { Ok(Self(raw)) } else { Err(WebsiteIdError(raw)) }
    }

    /// The raw value, for storage and wire formats.
    pub fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for WebsiteId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl TryFrom<i64> for WebsiteId {
    type Error = WebsiteIdError;

    fn try_from(raw: i64) -> Result<Self, Self::Error> {
        Self::new(raw)
    }
}

impl From<WebsiteId> for i64 {
    fn from(value: WebsiteId) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_positive_ids_exist() {
        assert_eq!(WebsiteId::new(1).map(WebsiteId::get), Ok(1));
        assert_eq!(WebsiteId::new(i64::MAX).map(WebsiteId::get), Ok(i64::MAX));
        assert_eq!(WebsiteId::new(0), Err(WebsiteIdError(0)));
        assert_eq!(WebsiteId::new(-7), Err(WebsiteIdError(-7)));
    }
}
