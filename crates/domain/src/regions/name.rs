//! `RegionName`: a region label, parsed once.

use std::fmt;

/// 1..=64 characters of `A-Z a-z 0-9 . _ -` (e.g. `eu-west`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a region name is 1 to 64 characters of letters, digits, '.', '_' or '-', got {0:?}")]
pub struct RegionNameError(pub String);

impl RegionName {
    pub fn parse(raw: &str) -> Result<Self, RegionNameError> {
        let valid = (1..=64).contains(&raw.len())
            && raw.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if valid { Ok(Self(raw.to_owned())) } else { Err(RegionNameError(raw.to_owned())) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RegionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_short_and_plain() {
        assert_eq!(RegionName::parse("eu-west.1_a").unwrap().as_str(), "eu-west.1_a");
        for bad in ["", "eu west", "é", "a/b", &"r".repeat(65)] {
            assert!(RegionName::parse(bad).is_err(), "{bad:?}");
        }
    }
}
