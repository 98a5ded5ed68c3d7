//! `GET /api/websites/{id}/stats?window=24h|7d|30d` or `?from=&to=`, and `&region=`: uptime
//! statistics, the site's (quorum's) or as seen from one region.

use actix_web::{HttpResponse, web};
use lookout_domain::WebsiteId;
use lookout_domain::history::{ResponseTimes, UptimeBasis, UptimeStats};
use lookout_domain::regions::RegionName;
use lookout_domain::website::{WebsiteManagement, WebsiteStats};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::history_query::{instant, parse_region};
use crate::ApiError;
use crate::dto::parse_website_id;
use crate::state::ApiState;

/// A named range ending now (documentation only: the query keeps the raw text to report it).
#[derive(Debug, utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "documentation only: the query keeps the raw text; the variants name the values in the OpenAPI schema"
)]
pub(crate) enum StatsWindow {
    #[schema(rename = "24h")]
    Day,
    #[schema(rename = "7d")]
    Week,
    #[schema(rename = "30d")]
    Month,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct StatsQuery {
    /// `24h`, `7d` or `30d` (default `24h` when neither window nor from is given).
    #[param(value_type = Option<StatsWindow>)]
    window: Option<String>,
    /// RFC 3339 start (instead of window).
    #[param(format = DateTime)]
    from: Option<String>,
    #[param(format = DateTime)]
    to: Option<String>,
    /// A region name: the figures as seen from that region (its checks only; `uptime_percent`
    /// from its checks, see `uptime_basis`). Default: the site's view (the regions' quorum).
    region: Option<String>,
}

impl StatsQuery {
    fn range(&self, now: OffsetDateTime) -> Result<(OffsetDateTime, OffsetDateTime), ApiError> {
        stats_range(self.window.as_deref(), self.from.as_deref(), self.to.as_deref(), now)
    }
}

/// What `uptime_percent` was worked out from.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum UptimeBasisBody {
    /// Time-weighted from the downtime windows, which the regions' quorum opens and closes
    /// (requests without `region`).
    Windows,
    /// The checks made from `region`: the percent of those made outside maintenance (not
    /// marked `in_maintenance`) that were available (requests with `region`).
    Checks,
}

impl From<UptimeBasis> for UptimeBasisBody {
    fn from(basis: UptimeBasis) -> Self {
        match basis {
            UptimeBasis::Windows => Self::Windows,
            UptimeBasis::Checks => Self::Checks,
        }
    }
}

/// The range asked for: a named window ending now, or `from` (required) to `to` (default now).
/// Nothing given means the last 24 hours.
pub(crate) fn stats_range(
    window: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    now: OffsetDateTime,
) -> Result<(OffsetDateTime, OffsetDateTime), ApiError> {
    let parse =
        |field: &'static str, raw: &str| instant(field, Some(raw)).map(|at| at.unwrap_or(now));
    match (window, from, to) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            Err(ApiError::validation("window", "give either window or from/to, not both"))
        }
        (Some(window), None, None) => {
            let span = match window {
                "24h" => time::Duration::hours(24),
                "7d" => time::Duration::days(7),
                "30d" => time::Duration::days(30),
                other => {
                    return Err(ApiError::validation(
                        "window",
                        format!("window must be 24h, 7d or 30d, got {other:?}"),
                    ));
                }
            };
            Ok((now - span, now))
        }
        (None, None, None) => Ok((now - time::Duration::hours(24), now)),
        (None, None, Some(_)) => Err(ApiError::validation("from", "from is required with to")),
        (None, Some(from), to) => {
            let from = parse("from", from)?;
            let to = to.map(|to| parse("to", to)).transpose()?.unwrap_or(now);
            if from > to {
                return Err(ApiError::validation("from", "from must not be after to"));
            }
            Ok((from, to))
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct ResponseTimesBody {
    avg: f64,
    min: f64,
    max: f64,
    p50: f64,
    p95: f64,
    p99: f64,
}

impl From<ResponseTimes> for ResponseTimesBody {
    fn from(r: ResponseTimes) -> Self {
        Self { avg: r.avg, min: r.min, max: r.max, p50: r.p50, p95: r.p95, p99: r.p99 }
    }
}

/// Durations are seconds. With `region`, the check counts and response times are that
/// region's checks' and `uptime_percent` comes from them (`uptime_basis` `checks`); downtime,
/// incidents, MTTR and the longest outage are the site's downtime windows' in either case
/// (windows are decided by the regions' quorum, not per region).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct StatsBody {
    website_id: i64,
    #[serde(with = "time::serde::rfc3339")]
    from: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    to: OffsetDateTime,
    /// The region the figures were seen from; `null`: the site's view (every region's checks,
    /// uptime from the quorum's windows).
    region: Option<String>,
    /// `windows`: of the observed time outside maintenance windows, the part not in a downtime
    /// window; `null` before the site existed or when the whole range was maintenance.
    /// `checks` (with `region`): the percent of the region's checks made outside maintenance
    /// that were available; `null` when it made none.
    uptime_percent: Option<f64>,
    uptime_basis: UptimeBasisBody,
    check_count: u64,
    failed_count: u64,
    /// Available checks that were degraded (a `degraded` assertion failed, or slow).
    degraded_count: u64,
    response_time: Option<ResponseTimesBody>,
    /// Downtime outside maintenance windows (the quorum's windows, also with `region`).
    total_downtime: f64,
    /// Observed time inside maintenance windows (left out of `uptime_percent`).
    maintenance_seconds: f64,
    /// Downtime windows overlapping the range (the quorum's, also with `region`).
    incidents: u64,
    /// Mean duration of the windows that closed in the range (the quorum's).
    mttr: Option<f64>,
    /// The longest window (the quorum's).
    longest_outage: Option<f64>,
}

#[utoipa::path(get, operation_id = "get_stats", path = "/api/websites/{id}/stats", tag = "history",
    params(("id" = i64, Path, minimum = 1, description = "Website id"), StatsQuery),
    responses((status = 200, description = "Statistics over the range", body = StatsBody),
        (status = 404, description = "Unknown id", body = crate::error::ErrorBody),
        (status = 422, description = "Bad parameter", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W: WebsiteManagement + WebsiteStats, C, I, M>(
    state: web::Data<ApiState<W, C, I, M>>,
    path: web::Path<String>,
    query: web::Query<StatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_website_id(&path)?;
    let (from, to) = query.range(OffsetDateTime::now_utc())?;
    let region = parse_region(query.region.as_deref())?;
    let stats = state.websites.website_stats(id, from, to, region.clone()).await?;
    Ok(HttpResponse::Ok().json(StatsBody::new(id, stats, region.as_ref())))
}

impl StatsBody {
    pub(crate) fn new(id: WebsiteId, stats: UptimeStats, region: Option<&RegionName>) -> Self {
        Self {
            website_id: id.get(),
            from: stats.from,
            to: stats.to,
            region: region.map(|r| r.as_str().to_owned()),
            uptime_percent: stats.uptime_percent,
            uptime_basis: stats.uptime_basis.into(),
            check_count: stats.check_count,
            failed_count: stats.failed_count,
            degraded_count: stats.degraded_count,
            response_time: stats.response_time.map(ResponseTimesBody::from),
            total_downtime: stats.total_downtime.as_secs_f64(),
            maintenance_seconds: stats.maintenance.as_secs_f64(),
            incidents: stats.incidents,
            mttr: stats.mttr.map(|d| d.as_secs_f64()),
            longest_outage: stats.longest_outage.map(|d| d.as_secs_f64()),
        }
    }
}
