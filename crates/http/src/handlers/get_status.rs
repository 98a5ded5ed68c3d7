//! `GET /api/websites/{id}/status`: the status the domain derives
//! (`WebsiteHistory::website_status`: up / down / unknown / paused / maintenance, the last check, the open
//! window, the circuit breaker and the next check), in JSON.

use actix_web::{HttpResponse, web};
use lookout_domain::dashboard::Verdict;
use lookout_domain::regions::RegionStanding;
use lookout_domain::website::WebsiteHistory;
use lookout_domain::{CircuitBreaker, SiteState};
use serde::Serialize;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::ApiError;
use crate::dto::parse_website_id;
use crate::state::ApiState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct StatusBody {
    website_id: i64,
    /// up, degraded (up, but its last check was degraded), down, unknown, paused (disabled) or
    /// maintenance (a maintenance window covers it)
    state: &'static str,
    #[schema(value_type = Option<Object>)]
    last_check: Option<Value>,
    #[schema(value_type = Option<Object>)]
    open_window: Option<Value>,
    #[schema(value_type = Object)]
    circuit_breaker: Value,
    #[serde(with = "time::serde::rfc3339::option")]
    next_check_at: Option<OffsetDateTime>,
    /// The regions the site chose (`[]`: checked from any region), each with what it last
    /// saw. Its verdict counts in the vote while `fresh` (checked within two intervals; a
    /// `down` also through the breaker's cool-down).
    regions: Vec<RegionBody>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct RegionBody {
    region: String,
    /// up, degraded or down (its latest check), unknown (live nodes, no check yet) or
    /// no_nodes (no live node in the region: it is left out of the vote)
    state: &'static str,
    /// When the region last checked the site.
    #[serde(with = "time::serde::rfc3339::option")]
    last_check: Option<OffsetDateTime>,
    fresh: bool,
}

impl From<RegionStanding> for RegionBody {
    fn from(standing: RegionStanding) -> Self {
        Self {
            region: standing.region.as_str().to_owned(),
            state: match standing.seen {
                None => "no_nodes",
                Some(None) => "unknown",
                Some(Some(Verdict::Up)) => "up",
                Some(Some(Verdict::Degraded)) => "degraded",
                Some(Some(Verdict::Failed)) => "down",
            },
            last_check: standing.last_check,
            fresh: standing.fresh,
        }
    }
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

#[utoipa::path(get, operation_id = "get_status", path = "/api/websites/{id}/status", tag = "history", params(("id" = i64, Path, minimum = 1, description = "Website id")),
    responses((status = 200, description = "Current status", body = StatusBody),
        (status = 404, description = "Unknown id", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W: WebsiteHistory, C, I, M>(
    state: web::Data<ApiState<W, C, I, M>>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_website_id(&path)?;
    let now = OffsetDateTime::now_utc();
    let status = state.websites.website_status(id, now).await?;
    let body = StatusBody {
        website_id: id.get(),
        state: match status.state {
            SiteState::Up => "up",
            SiteState::Degraded => "degraded",
            SiteState::Down => "down",
            SiteState::Unknown => "unknown",
            SiteState::Paused => "paused",
            SiteState::Maintenance => "maintenance",
        },
        last_check: status.last_check.map(|stored| {
            json!({
                "id": stored.id,
                "timestamp": rfc3339(stored.check.timestamp),
                "status_code": stored.check.status_code,
                "response_time": stored.check.response_time,
                "is_available": stored.check.is_available,
                "error_message": stored.check.error_message,
                "degraded": stored.check.degraded,
                "failed_assertion": stored.check.failed_assertion,
                "phases": stored.check.phases.map(super::list_checks::PhasesBody::from),
                "region": stored.region.as_ref().map(|r| r.as_str()),
            })
        }),
        open_window: status.open_window.map(|window| {
            json!({
                "id": window.id,
                "start_time": rfc3339(window.start_time),
                "duration": window.duration(now).as_secs_f64(),
            })
        }),
        circuit_breaker: match status.breaker {
            CircuitBreaker::Closed { failures } => {
                json!({ "state": "closed", "failures": failures })
            }
            CircuitBreaker::Open { until } => json!({ "state": "open", "until": rfc3339(until) }),
            CircuitBreaker::HalfOpen => json!({ "state": "half_open" }),
        },
        next_check_at: status.next_due,
        regions: status.regions.into_iter().map(RegionBody::from).collect(),
    };
    Ok(HttpResponse::Ok().json(body))
}
