//! The query string of the history endpoints, parsed into domain values.

use lookout_domain::history::{CheckCursor, PageLimit, TimeRange};
use lookout_domain::regions::RegionName;
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::ApiError;

/// `?from=&to=&limit=&cursor=`, all optional, all strings until parsed here.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct HistoryQuery {
    /// RFC 3339, inclusive.
    #[param(format = DateTime)]
    from: Option<String>,
    /// RFC 3339, exclusive.
    #[param(format = DateTime)]
    to: Option<String>,
    /// 1..=1000, default 100 (checks only).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
    /// `next_cursor` of the previous page (checks only).
    cursor: Option<String>,
    /// Only checks made from this region (checks only; default: every region's).
    region: Option<String>,
}

/// `region`: a region name, or none.
pub(crate) fn parse_region(raw: Option<&str>) -> Result<Option<RegionName>, ApiError> {
    raw.map(|raw| RegionName::parse(raw).map_err(|e| ApiError::validation("region", e))).transpose()
}

/// `limit`: 1..=1000, 100 when not given.
pub(crate) fn parse_limit(raw: Option<&str>) -> Result<PageLimit, ApiError> {
    match raw {
        None => Ok(PageLimit::default()),
        Some(raw) => raw
            .parse::<i64>()
            .map_err(|_| {
                ApiError::validation("limit", format!("limit must be an integer, got {raw:?}"))
            })
            .and_then(|n| PageLimit::new(n).map_err(|e| ApiError::validation("limit", e))),
    }
}

pub(crate) fn instant(
    field: &'static str,
    raw: Option<&str>,
) -> Result<Option<OffsetDateTime>, ApiError> {
    raw.map(|raw| {
        OffsetDateTime::parse(raw, &Rfc3339).map_err(|_| {
            ApiError::validation(
                field,
                format!("{field} must be an RFC 3339 timestamp, got {raw:?}"),
            )
        })
    })
    .transpose()
}

impl HistoryQuery {
    pub(crate) fn range(&self) -> Result<TimeRange, ApiError> {
        let from = instant("from", self.from.as_deref())?;
        let to = instant("to", self.to.as_deref())?;
        TimeRange::new(from, to).map_err(|e| ApiError::validation("from", e))
    }

    pub(crate) fn limit(&self) -> Result<PageLimit, ApiError> {
        parse_limit(self.limit.as_deref())
    }

    pub(crate) fn region(&self) -> Result<Option<RegionName>, ApiError> {
        parse_region(self.region.as_deref())
    }

    pub(crate) fn cursor(&self) -> Result<Option<CheckCursor>, ApiError> {
        self.cursor
            .as_deref()
            .map(|raw| CheckCursor::parse(raw).map_err(|e| ApiError::validation("cursor", e)))
            .transpose()
    }

    /// Refuses parameters the endpoint does not take.
    pub(crate) fn without_paging(&self) -> Result<(), ApiError> {
        if self.region.is_some() {
            return Err(ApiError::validation(
                "region",
                "downtime windows are decided by the regions' quorum: region is not accepted",
            ));
        }
        if self.limit.is_some() || self.cursor.is_some() {
            return Err(ApiError::validation(
                "limit",
                "downtimes are not paginated: limit and cursor are not accepted",
            ));
        }
        Ok(())
    }
}
