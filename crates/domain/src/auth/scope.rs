//! `Scope`: what a token may do. `write` implies `read`.

use std::fmt;
use std::str::FromStr;

/// The scope of a token, ordered: a token may do what its scope or any lower scope allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// Read-only calls (GET).
    Read,
    /// Every call; implies `Read`.
    Write,
}

/// A string that names no scope.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("scope must be read or write, got {0:?}")]
pub struct ScopeError(pub String);

impl Scope {
    /// True when a token of this scope may make a call that needs `required`.
    pub fn allows(self, required: Scope) -> bool {
        self >= required
    }

    /// The stored and displayed name: `read` or `write`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scope {
    type Err = ScopeError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "read" => Ok(Self::Read),
            "write" => Ok(Self::Write),
            _ => Err(ScopeError(raw.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_implies_read_but_not_the_other_way() {
        assert!(Scope::Write.allows(Scope::Read));
        assert!(Scope::Write.allows(Scope::Write));
        assert!(Scope::Read.allows(Scope::Read));
        assert!(!Scope::Read.allows(Scope::Write));
    }

    #[test]
    fn parses_its_own_names_only() {
        assert_eq!("read".parse(), Ok(Scope::Read));
        assert_eq!(" WRITE ".parse(), Ok(Scope::Write));
        assert_eq!("admin".parse::<Scope>(), Err(ScopeError("admin".into())));
        assert_eq!(Scope::Write.to_string(), "write");
    }
}
