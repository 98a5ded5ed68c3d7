//! A site's check settings in the `websites` row: the request options and the assertions as
//! JSON in the form a client sends them (so a stored row reads like the API), the degraded
//! limit in milliseconds; NULL for the defaults. Read back through the domain's parsers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use lookout_domain::checks::{
    Assertion, AssertionDraft, CheckSpec, RequestDraft, RequestOptions, parse_assertions,
};

/// `websites.request`: `None` for the default request.
pub(crate) fn request_column(request: &RequestOptions) -> Option<String> {
    if request.is_default() {
        return None;
    }
    serde_json::to_string(&request.to_draft()).ok()
}

/// `websites.assertions`: `None` for none.
pub(crate) fn assertions_column(assertions: &[Assertion]) -> Option<String> {
    if assertions.is_empty() {
        return None;
    }
    let drafts: Vec<AssertionDraft> = assertions.iter().map(Assertion::to_draft).collect();
    serde_json::to_string(&drafts).ok()
}

/// `websites.degraded_above_ms`.
pub(crate) fn degraded_column(limit: Option<Duration>) -> Option<i32> {
    limit.map(|limit| i32::try_from(limit.as_millis()).unwrap_or(i32::MAX))
}

/// The stored request options (`None`: the default).
pub(crate) fn stored_request(column: Option<&str>) -> Result<RequestOptions, String> {
    let Some(json) = column else { return Ok(RequestOptions::default()) };
    let draft: RequestDraft = serde_json::from_str(json).map_err(|e| format!("request: {e}"))?;
    draft.parse().map_err(|e| e.to_string())
}

/// The check settings of a row.
pub(crate) fn stored_check(
    request: Option<&str>,
    assertions: Option<&str>,
    degraded_above_ms: Option<i32>,
) -> Result<CheckSpec, String> {
    let assertions = match assertions {
        None => Vec::new(),
        Some(json) => {
            let drafts: Vec<AssertionDraft> =
                serde_json::from_str(json).map_err(|e| format!("assertions: {e}"))?;
            parse_assertions(drafts).map_err(|e| e.to_string())?
        }
    };
    let degraded_above = match degraded_above_ms {
        None => None,
        Some(ms) => Some(Duration::from_millis(
            u64::try_from(ms).map_err(|_| "negative degraded_above_ms".to_owned())?,
        )),
    };
    Ok(CheckSpec { request: stored_request(request)?, assertions, degraded_above })
}

/// The stored columns of a site's settings.
pub(crate) type SettingsColumns = (Option<String>, Option<String>, Option<i32>);

/// A site's columns as last seen and what they parse to.
type Parsed = (SettingsColumns, Arc<CheckSpec>);

/// Parsed settings by site, reused while the columns are unchanged: a claim of due checks does
/// not compile a site's regexes and JSONPaths again on every check.
#[derive(Debug, Default, Clone)]
pub(crate) struct CheckSpecCache {
    parsed: Arc<Mutex<HashMap<i64, Parsed>>>,
    /// Shared by every site checked as the seed did (no allocation per claim).
    default: Arc<CheckSpec>,
}

impl CheckSpecCache {
    /// The settings `columns` of `site` say.
    pub(crate) fn get(
        &self,
        site: i64,
        columns: SettingsColumns,
    ) -> Result<Arc<CheckSpec>, String> {
        if columns == (None, None, None) {
            return Ok(Arc::clone(&self.default));
        }
        let mut parsed = self.parsed.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((seen, spec)) = parsed.get(&site)
            && *seen == columns
        {
            return Ok(Arc::clone(spec));
        }
        let spec = Arc::new(stored_check(columns.0.as_deref(), columns.1.as_deref(), columns.2)?);
        parsed.insert(site, (columns, Arc::clone(&spec)));
        Ok(spec)
    }
}

#[cfg(test)]
mod tests {
    use lookout_domain::checks::{AssertionDraft, RequestDraft};

    use super::*;

    #[test]
    fn settings_round_trip_through_their_columns() {
        let request = RequestDraft {
            method: Some("POST".into()),
            headers: Some(vec![("Authorization".into(), "Bearer x".into())]),
            ..RequestDraft::default()
        }
        .parse()
        .unwrap();
        let assertions = parse_assertions(vec![AssertionDraft {
            kind: Some("body_contains".into()),
            value: Some("ok".into()),
            ..AssertionDraft::default()
        }])
        .unwrap();
        let spec = CheckSpec {
            request: request.clone(),
            assertions: assertions.clone(),
            degraded_above: Some(Duration::from_millis(800)),
        };
        let (r, a, d) = (
            request_column(&request),
            assertions_column(&assertions),
            degraded_column(spec.degraded_above),
        );
        assert!(r.as_deref().unwrap().contains("Bearer x"), "stored with its secret");
        assert_eq!(stored_check(r.as_deref(), a.as_deref(), d), Ok(spec));
        let none = CheckSpec::default();
        assert_eq!(request_column(&none.request), None);
        assert_eq!(assertions_column(&none.assertions), None);
        assert_eq!(stored_check(None, None, None), Ok(none));
    }

    #[test]
    fn the_cache_parses_a_sites_settings_once_until_they_change() {
        let cache = CheckSpecCache::default();
        let a = (None, Some(r#"[{"kind":"body_contains","value":"ok"}]"#.to_owned()), None);
        let first = cache.get(1, a.clone()).unwrap();
        assert!(Arc::ptr_eq(&first, &cache.get(1, a).unwrap()), "parsed once");
        let b = (None, None, Some(500));
        let changed = cache.get(1, b).unwrap();
        assert_eq!(changed.degraded_above, Some(Duration::from_millis(500)));
        assert!(Arc::ptr_eq(
            &cache.get(2, (None, None, None)).unwrap(),
            &cache.get(3, (None, None, None)).unwrap()
        ));
        assert!(cache.get(4, (Some("{".into()), None, None)).is_err(), "a corrupt row is an error");
    }
}
