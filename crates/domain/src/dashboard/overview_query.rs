//! The overview's query, parsed once: search text, a state filter, a sort order and a page.

use crate::SiteState;

/// Sites on one overview page.
pub const OVERVIEW_PAGE_SIZE: usize = 100;

/// Text to find in a site's name or URL (case-insensitive), 1–200 characters once trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("search must be at most 200 characters long")]
pub struct SearchTextError;

impl SearchText {
    /// `None` for empty (or blank) text: no search.
    pub fn parse(raw: &str) -> Result<Option<Self>, SearchTextError> {
        let trimmed = raw.trim();
        if trimmed.chars().count() > 200 {
            return Err(SearchTextError);
        }
        Ok((!trimmed.is_empty()).then(|| Self(trimmed.to_lowercase())))
    }

    /// The text, lower-cased.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Which sites to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateFilter {
    Up,
    Degraded,
    Down,
    Unknown,
    Paused,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("state must be one of up, degraded, down, unknown, paused; got {0:?}")]
pub struct StateFilterError(pub String);

impl StateFilter {
    pub const ALL: [Self; 5] = [Self::Down, Self::Degraded, Self::Unknown, Self::Up, Self::Paused];

    /// `None` for empty text: every state.
    pub fn parse(raw: &str) -> Result<Option<Self>, StateFilterError> {
        match raw {
            "" => Ok(None),
            "up" => Ok(Some(Self::Up)),
            "degraded" => Ok(Some(Self::Degraded)),
            "down" => Ok(Some(Self::Down)),
            "unknown" => Ok(Some(Self::Unknown)),
            "paused" => Ok(Some(Self::Paused)),
            other => Err(StateFilterError(other.to_owned())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Up => "up",
            Self::Degraded => "degraded",
            Self::Down => "down",
            Self::Unknown => "unknown",
            Self::Paused => "paused",
        }
    }

    pub fn state(self) -> SiteState {
        match self {
            Self::Up => SiteState::Up,
            Self::Degraded => SiteState::Degraded,
            Self::Down => SiteState::Down,
            Self::Unknown => SiteState::Unknown,
            Self::Paused => SiteState::Paused,
        }
    }
}

/// The overview's order. Ties go by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OverviewSort {
    /// Down first, then degraded, unknown, up, paused; by name within a state.
    #[default]
    State,
    Name,
    /// Newest first.
    Created,
}

impl OverviewSort {
    pub const ALL: [Self; 3] = [Self::State, Self::Name, Self::Created];

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|sort| sort.as_str() == raw || raw.is_empty() && *sort == Self::State)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::State => "state",
            Self::Name => "name",
            Self::Created => "created",
        }
    }
}

/// A 1-based page number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageNumber(u32);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("page must be a whole number from 1 to 100000, got {0}")]
pub struct PageNumberError(pub i64);

impl PageNumber {
    pub const FIRST: Self = Self(1);

    pub fn new(raw: i64) -> Result<Self, PageNumberError> {
        u32::try_from(raw)
            .ok()
            .filter(|n| (1..=100_000).contains(n))
            .map(Self)
            .ok_or(PageNumberError(raw))
    }

    pub fn get(self) -> u32 {
        self.0
    }

    /// Sites before this page.
    pub fn offset(self) -> u64 {
        u64::from(self.0 - 1) * OVERVIEW_PAGE_SIZE as u64
    }
}

impl Default for PageNumber {
    fn default() -> Self {
        Self::FIRST
    }
}

/// One request for the overview.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OverviewQuery {
    pub search: Option<SearchText>,
    pub state: Option<StateFilter>,
    pub sort: OverviewSort,
    pub page: PageNumber,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_is_trimmed_lower_cased_and_bounded() {
        assert_eq!(SearchText::parse("  Shop ").unwrap().unwrap().as_str(), "shop");
        assert_eq!(SearchText::parse("   ").unwrap(), None);
        assert!(SearchText::parse(&"x".repeat(201)).is_err());
    }

    #[test]
    fn filters_sorts_and_pages_parse_what_they_print() {
        for filter in StateFilter::ALL {
            assert_eq!(StateFilter::parse(filter.as_str()), Ok(Some(filter)));
        }
        assert_eq!(StateFilter::parse(""), Ok(None));
        assert!(StateFilter::parse("sideways").is_err());
        for sort in OverviewSort::ALL {
            assert_eq!(OverviewSort::parse(sort.as_str()), Some(sort));
        }
        assert_eq!(OverviewSort::parse(""), Some(OverviewSort::State));
        assert_eq!(OverviewSort::parse("random"), None);
        assert_eq!(PageNumber::new(3).unwrap().offset(), 200);
        assert!(PageNumber::new(0).is_err() && PageNumber::new(-1).is_err());
    }
}
