//! A site's regions and quorum on the wire: `"regions": ["eu-west", "us-east"]` (`[]` or `null`:
//! any region) and `"quorum"`: `"majority"` (the default), `"all"`, `"any"` or a number.

use std::num::NonZeroU8;

use lookout_domain::regions::{MAX_REGIONS, Quorum, RegionName, SiteRegions};
use serde::Serialize;
use serde_json::Value;

use crate::ApiError;

/// `majority` (more than half of the regions with a fresh verdict; the default), `all`, `any`,
/// or how many of the chosen regions must see the site down (1–16, at most the number of
/// regions; fewer when fewer regions have a fresh verdict).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub(crate) enum QuorumBody {
    Count(u8),
    Word(QuorumWord),
}

#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum QuorumWord {
    Majority,
    All,
    Any,
}

impl From<Quorum> for QuorumBody {
    fn from(quorum: Quorum) -> Self {
        match quorum {
            Quorum::Majority => Self::Word(QuorumWord::Majority),
            Quorum::All => Self::Word(QuorumWord::All),
            Quorum::Any => Self::Word(QuorumWord::Any),
            Quorum::AtLeast(n) => Self::Count(n.get()),
        }
    }
}

/// The chosen regions' names, as answered.
pub(crate) fn region_names(regions: &SiteRegions) -> Vec<String> {
    regions.regions().iter().map(|r| r.as_str().to_owned()).collect()
}

/// Parses a quorum as sent: a word or a number.
pub(crate) fn parse_quorum(raw: &Value) -> Result<Quorum, ApiError> {
    let refused = || {
        ApiError::validation(
            "quorum",
            format!(
                "quorum must be \"majority\", \"all\", \"any\" or a number from 1 to {MAX_REGIONS}"
            ),
        )
    };
    match raw {
        Value::String(word) if !word.chars().all(|c| c.is_ascii_digit()) => {
            Quorum::parse(word).ok_or_else(refused)
        }
        Value::Number(number) => number
            .as_u64()
            .filter(|n| (1..=MAX_REGIONS as u64).contains(n))
            .and_then(|n| u8::try_from(n).ok())
            .and_then(NonZeroU8::new)
            .map(Quorum::AtLeast)
            .ok_or_else(refused),
        _ => Err(refused()),
    }
}

/// Parses region names as sent (`regions[i]` names the bad one).
pub(crate) fn parse_region_names(raw: &[String]) -> Result<Vec<RegionName>, ApiError> {
    if raw.len() > MAX_REGIONS {
        return Err(ApiError::validation(
            "regions",
            format!("regions: at most {MAX_REGIONS} regions, got {}", raw.len()),
        ));
    }
    raw.iter()
        .enumerate()
        .map(|(index, name)| {
            RegionName::parse(name)
                .map_err(|e| ApiError::validation(format!("regions[{index}]"), e))
        })
        .collect()
}

/// A new site's regions and quorum.
pub(crate) fn parse_site_regions(
    regions: Option<&[String]>,
    quorum: Option<&Value>,
) -> Result<SiteRegions, ApiError> {
    let names = parse_region_names(regions.unwrap_or_default())?;
    let quorum = quorum.filter(|q| !q.is_null()).map(parse_quorum).transpose()?;
    SiteRegions::new(names, quorum.unwrap_or_default())
        .map_err(|e| ApiError::validation(e.field(), e))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn field(error: ApiError) -> Option<String> {
        error.field().map(str::to_owned)
    }

    #[test]
    fn quorums_are_words_or_small_numbers() {
        assert_eq!(parse_quorum(&json!("all")).unwrap(), Quorum::All);
        assert_eq!(parse_quorum(&json!(2)).unwrap(), Quorum::AtLeast(NonZeroU8::new(2).unwrap()));
        for bad in [json!("most"), json!(0), json!(17), json!(1.5), json!("2"), json!([])] {
            assert_eq!(field(parse_quorum(&bad).unwrap_err()).as_deref(), Some("quorum"), "{bad}");
        }
    }

    #[test]
    fn a_bad_region_or_quorum_is_named() {
        let names = ["eu-west".to_owned(), "us east".to_owned()];
        let error = parse_site_regions(Some(&names), None).unwrap_err();
        assert_eq!(field(error).as_deref(), Some("regions[1]"));
        let two = ["eu".to_owned(), "us".to_owned()];
        let error = parse_site_regions(Some(&two), Some(&json!(3))).unwrap_err();
        assert_eq!(field(error).as_deref(), Some("quorum"));
        let error = parse_site_regions(None, Some(&json!("all"))).unwrap_err();
        assert_eq!(field(error).as_deref(), Some("quorum"));
        assert!(parse_site_regions(None, None).unwrap().is_any());
        assert!(parse_site_regions(Some(&[]), Some(&Value::Null)).unwrap().is_any());
    }
}
