//! The regions a site is checked from and its quorum.

use std::collections::HashSet;
use std::fmt;
use std::num::NonZeroU8;

use super::{RegionName, RegionNameError};

/// Most regions one site may choose.
pub const MAX_REGIONS: usize = 16;

/// How many of the voting regions must see a site down for it to be down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Quorum {
    /// More than half of the regions that vote (the default).
    #[default]
    Majority,
    /// Every region that votes.
    All,
    /// Any one region.
    Any,
    /// At least this many regions (fewer when fewer vote: then all of those that do).
    AtLeast(NonZeroU8),
}

impl Quorum {
    /// The number of down votes that make the site down when `voters` regions vote (≥ 1 when
    /// anyone votes).
    pub fn needed(self, voters: usize) -> usize {
        match self {
            Self::Majority => voters / 2 + 1,
            Self::All => voters,
            Self::Any => 1,
            Self::AtLeast(n) => usize::from(n.get()).min(voters),
        }
        .max(1)
    }

    /// The stored and answered form: `majority`, `all`, `any` or a number.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "majority" => Some(Self::Majority),
            "all" => Some(Self::All),
            "any" => Some(Self::Any),
            number => number.parse::<u8>().ok().and_then(NonZeroU8::new).map(Self::AtLeast),
        }
    }
}

impl fmt::Display for Quorum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Majority => f.write_str("majority"),
            Self::All => f.write_str("all"),
            Self::Any => f.write_str("any"),
            Self::AtLeast(n) => write!(f, "{n}"),
        }
    }
}

/// Why a choice of regions is refused; `field` says which input is at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegionsError {
    #[error("regions[{index}]: {source}")]
    Name { index: usize, source: RegionNameError },
    #[error("regions[{index}]: {name} is listed twice")]
    Duplicate { index: usize, name: RegionName },
    #[error("regions: at most {MAX_REGIONS} regions, got {0}")]
    TooMany(usize),
    #[error("quorum: {0} is more than the {1} regions chosen")]
    QuorumTooLarge(u8, usize),
    #[error("quorum: a site checked from any region has no quorum; choose regions first")]
    QuorumWithoutRegions,
}

impl RegionsError {
    /// The input field at fault, as the API names it (`regions[2]`, `quorum`).
    pub fn field(&self) -> String {
        match self {
            Self::Name { index, .. } | Self::Duplicate { index, .. } => format!("regions[{index}]"),
            Self::TooMany(_) => "regions".to_owned(),
            Self::QuorumTooLarge(..) | Self::QuorumWithoutRegions => "quorum".to_owned(),
        }
    }
}

/// The regions a site is checked from (none: any one region, once per interval) and its
/// quorum. Valid by construction: names unique, at most [`MAX_REGIONS`], a numeric quorum no
/// larger than the number of regions, no quorum but the default without regions.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SiteRegions {
    regions: Vec<RegionName>,
    quorum: Quorum,
}

impl SiteRegions {
    /// Any region, as a site without a choice is checked.
    pub fn any() -> Self {
        Self::default()
    }

    pub fn new(regions: Vec<RegionName>, quorum: Quorum) -> Result<Self, RegionsError> {
        if regions.len() > MAX_REGIONS {
            return Err(RegionsError::TooMany(regions.len()));
        }
        let mut seen = HashSet::new();
        for (index, name) in regions.iter().enumerate() {
            if !seen.insert(name) {
                return Err(RegionsError::Duplicate { index, name: name.clone() });
            }
        }
        match quorum {
            Quorum::AtLeast(n) if usize::from(n.get()) > regions.len() => {
                if regions.is_empty() {
                    return Err(RegionsError::QuorumWithoutRegions);
                }
                return Err(RegionsError::QuorumTooLarge(n.get(), regions.len()));
            }
            Quorum::All | Quorum::Any if regions.is_empty() => {
                return Err(RegionsError::QuorumWithoutRegions);
            }
            _ => {}
        }
        Ok(Self { regions, quorum })
    }

    /// Parses names as a client sends them.
    pub fn parse(names: &[String], quorum: Quorum) -> Result<Self, RegionsError> {
        let regions = names
            .iter()
            .enumerate()
            .map(|(index, raw)| {
                RegionName::parse(raw).map_err(|source| RegionsError::Name { index, source })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(regions, quorum)
    }

    /// This choice with `regions` and/or `quorum` replaced (a patch). New regions without a
    /// quorum keep the old quorum unless it no longer fits, then fall back to the majority;
    /// clearing the regions clears the quorum.
    pub fn patched(
        &self,
        regions: Option<Vec<RegionName>>,
        quorum: Option<Quorum>,
    ) -> Result<Self, RegionsError> {
        let regions = regions.unwrap_or_else(|| self.regions.clone());
        match quorum {
            Some(quorum) => Self::new(regions, quorum),
            None => Self::new(regions.clone(), self.quorum)
                .or_else(|_| Self::new(regions, Quorum::Majority)),
        }
    }

    /// The chosen regions, in the order given (empty: any region).
    pub fn regions(&self) -> &[RegionName] {
        &self.regions
    }

    pub fn quorum(&self) -> Quorum {
        self.quorum
    }

    /// The site is checked from one region at a time, any of them (no choice made).
    pub fn is_any(&self) -> bool {
        self.regions.is_empty()
    }

    /// Whether a node of `region` (`None`: a node with no region label) checks this site.
    pub fn checked_from(&self, region: Option<&RegionName>) -> bool {
        self.is_any() || region.is_some_and(|region| self.regions.contains(region))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(raw: &[&str]) -> Vec<RegionName> {
        raw.iter().map(|r| RegionName::parse(r).unwrap()).collect()
    }

    fn at_least(n: u8) -> Quorum {
        Quorum::AtLeast(NonZeroU8::new(n).unwrap())
    }

    #[test]
    fn the_quorum_counts_among_the_voters() {
        assert_eq!(Quorum::Majority.needed(3), 2);
        assert_eq!(Quorum::Majority.needed(2), 2, "a tie is not a majority");
        assert_eq!(Quorum::Majority.needed(1), 1);
        assert_eq!(Quorum::All.needed(3), 3);
        assert_eq!(Quorum::Any.needed(3), 1);
        assert_eq!(at_least(2).needed(3), 2);
        assert_eq!(at_least(2).needed(1), 1, "fewer voters than the quorum: all of them");
    }

    #[test]
    fn quorum_forms_round_trip() {
        for quorum in [Quorum::Majority, Quorum::All, Quorum::Any, at_least(3)] {
            assert_eq!(Quorum::parse(&quorum.to_string()), Some(quorum));
        }
        for bad in ["0", "most", "", "-1", "300"] {
            assert_eq!(Quorum::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_choice_is_checked_for_names_duplicates_and_its_quorum() {
        let three = ["eu-west", "us-east", "ap-south"].map(String::from);
        assert!(SiteRegions::parse(&three, at_least(3)).is_ok());
        assert_eq!(
            SiteRegions::parse(&three, at_least(4)),
            Err(RegionsError::QuorumTooLarge(4, 3))
        );
        let bad = ["eu-west".to_owned(), "us east".to_owned()];
        let error = SiteRegions::parse(&bad, Quorum::Majority).unwrap_err();
        assert_eq!(error.field(), "regions[1]");
        let twice = ["eu".to_owned(), "us".to_owned(), "eu".to_owned()];
        assert_eq!(SiteRegions::parse(&twice, Quorum::Majority).unwrap_err().field(), "regions[2]");
        assert_eq!(SiteRegions::new(vec![], Quorum::All), Err(RegionsError::QuorumWithoutRegions));
        assert_eq!(SiteRegions::new(vec![], Quorum::Majority), Ok(SiteRegions::any()));
        let many: Vec<String> = (0..17).map(|i| format!("r{i}")).collect();
        assert_eq!(SiteRegions::parse(&many, Quorum::Majority), Err(RegionsError::TooMany(17)));
    }

    #[test]
    fn a_patch_keeps_what_it_does_not_name() {
        let site = SiteRegions::new(names(&["a", "b", "c"]), at_least(3)).unwrap();
        let fewer = site.patched(Some(names(&["a", "b"])), None).unwrap();
        assert_eq!(fewer.quorum(), Quorum::Majority, "a quorum of 3 no longer fits 2 regions");
        let quorum_only = site.patched(None, Some(Quorum::Any)).unwrap();
        assert_eq!(quorum_only.regions(), site.regions());
        assert_eq!(site.patched(Some(vec![]), None), Ok(SiteRegions::any()));
        assert_eq!(site.patched(None, Some(at_least(5))), Err(RegionsError::QuorumTooLarge(5, 3)));
    }

    #[test]
    fn nodes_check_sites_of_their_region_or_of_any() {
        let eu = RegionName::parse("eu").unwrap();
        let chosen = SiteRegions::new(names(&["us", "ap"]), Quorum::Majority).unwrap();
        assert!(!chosen.checked_from(Some(&eu)));
        assert!(!chosen.checked_from(None));
        assert!(chosen.checked_from(Some(&RegionName::parse("ap").unwrap())));
        assert!(SiteRegions::any().checked_from(None));
        assert!(SiteRegions::any().checked_from(Some(&eu)));
    }
}
