//! The query strings of the incident and delivery lists, parsed into domain values; a bad
//! value is a 422 naming the parameter.

use lookout_domain::WebsiteId;
use lookout_domain::alerting::{DeliveryStatus, IncidentFilter};
use serde::Deserialize;

use super::history_query::parse_limit;
use crate::ApiError;

/// `?state=&website_id=&limit=`, all optional.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct IncidentQuery {
    /// `open` or `resolved`; both when left out.
    #[param(value_type = Option<crate::dto::IncidentState>)]
    state: Option<String>,
    /// Only this site's incidents.
    #[param(value_type = Option<i64>, minimum = 1)]
    website_id: Option<String>,
    /// 1..=1000, default 100; newest first.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
}

impl IncidentQuery {
    pub(crate) fn filter(&self) -> Result<IncidentFilter, ApiError> {
        let open = match self.state.as_deref() {
            None => None,
            Some("open") => Some(true),
            Some("resolved") => Some(false),
            Some(_) => {
                return Err(ApiError::validation("state", "state must be open or resolved"));
            }
        };
        let website_id = self
            .website_id
            .as_deref()
            .map(|raw| {
                raw.parse::<i64>().ok().and_then(|id| WebsiteId::new(id).ok()).ok_or_else(|| {
                    ApiError::validation(
                        "website_id",
                        format!("website_id must be a positive integer, got {raw:?}"),
                    )
                })
            })
            .transpose()?;
        Ok(IncidentFilter { open, website_id, limit: limit(self.limit.as_deref())? })
    }
}

/// `?status=&limit=`, both optional.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct DeliveryQuery {
    /// Only deliveries in this state; all when left out.
    #[param(value_type = Option<crate::dto::DeliveryStatusBody>)]
    status: Option<String>,
    /// 1..=1000, default 100; newest first.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
}

impl DeliveryQuery {
    pub(crate) fn status(&self) -> Result<Option<DeliveryStatus>, ApiError> {
        self.status
            .as_deref()
            .map(|raw| {
                DeliveryStatus::parse(raw).ok_or_else(|| {
                    ApiError::validation(
                        "status",
                        "status must be pending, failed, delivered or dead",
                    )
                })
            })
            .transpose()
    }

    pub(crate) fn limit(&self) -> Result<u32, ApiError> {
        limit(self.limit.as_deref())
    }
}

/// `limit`: 1..=1000, 100 when not given.
fn limit(raw: Option<&str>) -> Result<u32, ApiError> {
    let limit = parse_limit(raw)?.get();
    Ok(u32::try_from(limit).unwrap_or(u32::MAX))
}
