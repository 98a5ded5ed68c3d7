//! Who owns a declared item and under which key it is known.

use std::fmt;

/// The longest key or owner name accepted.
const MAX_LEN: usize = 200;

/// The stable name of one item in a document (a site's defaults to its URL): 1–200
/// characters, no control characters, surrounding blanks trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemKey(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ItemKeyError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {MAX_LEN} characters")]
    TooLong,
    #[error("must not contain control characters")]
    Control,
}

impl ItemKey {
    pub fn parse(raw: &str) -> Result<Self, ItemKeyError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(ItemKeyError::Empty);
        }
        if trimmed.chars().count() > MAX_LEN {
            return Err(ItemKeyError::TooLong);
        }
        if trimmed.chars().any(char::is_control) {
            return Err(ItemKeyError::Control);
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ItemKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who manages an item: `file:<name>`, the name being the document's (by default its file
/// name, e.g. `file:sites.yaml`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Owner(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OwnerError {
    #[error("must be file:<name> with a name of 1–{MAX_LEN} characters, no control characters")]
    Invalid,
}

impl Owner {
    const PREFIX: &'static str = "file:";

    /// The owner for a document named `name` (`sites.yaml` → `file:sites.yaml`).
    pub fn file(name: &str) -> Result<Self, OwnerError> {
        let key = ItemKey::parse(name).map_err(|_| OwnerError::Invalid)?;
        Ok(Self(format!("{}{}", Self::PREFIX, key.as_str())))
    }

    /// An owner as stored (`file:<name>`).
    pub fn parse(stored: &str) -> Result<Self, OwnerError> {
        match stored.strip_prefix(Self::PREFIX) {
            Some(name) if ItemKey::parse(name).is_ok_and(|key| key.as_str() == name) => {
                Ok(Self(stored.to_owned()))
            }
            _ => Err(OwnerError::Invalid),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The mark on an item a document manages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Managed {
    pub by: Owner,
    pub key: ItemKey,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_trimmed_and_bounded() {
        assert_eq!(ItemKey::parse("  shop ").map(|k| k.0), Ok("shop".to_owned()));
        assert_eq!(ItemKey::parse(" "), Err(ItemKeyError::Empty));
        assert_eq!(ItemKey::parse(&"k".repeat(201)), Err(ItemKeyError::TooLong));
        assert_eq!(ItemKey::parse("a\nb"), Err(ItemKeyError::Control));
    }

    #[test]
    fn owners_are_file_names() {
        assert_eq!(Owner::file("sites.yaml").map(|o| o.0), Ok("file:sites.yaml".to_owned()));
        assert_eq!(Owner::parse("file:sites.yaml"), Owner::file("sites.yaml"));
        assert_eq!(Owner::parse("api"), Err(OwnerError::Invalid));
        assert_eq!(Owner::parse("file: x"), Err(OwnerError::Invalid));
        assert_eq!(Owner::file(""), Err(OwnerError::Invalid));
    }
}
