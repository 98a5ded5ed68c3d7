//! `GET /api/websites/{id}/checks?from=&to=&limit=&cursor=&region=`: checks, newest first, in
//! pages (every region's, or one region's).

use actix_web::{HttpResponse, web};
use lookout_domain::monitoring::Phases;
use lookout_domain::website::WebsiteHistory;
use serde::Serialize;
use time::OffsetDateTime;

use super::history_query::HistoryQuery;
use crate::ApiError;
use crate::dto::parse_website_id;
use crate::state::ApiState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct CheckResponse {
    id: i64,
    website_id: i64,
    #[serde(with = "time::serde::rfc3339")]
    timestamp: OffsetDateTime,
    status_code: Option<u16>,
    response_time: f64,
    is_available: bool,
    error_message: Option<String>,
    /// Taken while a silencing maintenance window covered the site (it raised no alert).
    in_maintenance: bool,
    /// Available, but not well: a `degraded` assertion failed or it answered above the site's
    /// `degraded_above_ms`.
    degraded: bool,
    /// Which assertion failed and what was seen (`json_path $.status eq "up": got "down"`).
    failed_assertion: Option<String>,
    /// Where an answer's time went, in seconds; they add up to `response_time` (`null` for a
    /// check that got no answer).
    phases: Option<PhasesBody>,
    /// The region of the node that made it (`null`: a node with no `node.region`).
    region: Option<String>,
}

/// A check's phases in seconds; `null` where one did not happen (no DNS for an address
/// literal, no TLS over http).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct PhasesBody {
    dns: Option<f64>,
    connect: Option<f64>,
    tls: Option<f64>,
    /// From the request to the response's headers.
    ttfb: Option<f64>,
    /// Reading the body.
    transfer: Option<f64>,
}

impl From<Phases> for PhasesBody {
    fn from(phases: Phases) -> Self {
        let secs = |d: Option<std::time::Duration>| d.map(|d| d.as_secs_f64());
        Self {
            dns: secs(phases.dns),
            connect: secs(phases.connect),
            tls: secs(phases.tls),
            ttfb: secs(phases.ttfb),
            transfer: secs(phases.transfer),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct CheckPageResponse {
    checks: Vec<CheckResponse>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    next_cursor: Option<String>,
}

#[utoipa::path(get, operation_id = "list_checks", path = "/api/websites/{id}/checks", tag = "history",
    params(("id" = i64, Path, minimum = 1, description = "Website id"), super::history_query::HistoryQuery),
    responses((status = 200, description = "Checks, newest first", body = CheckPageResponse),
        (status = 404, description = "Unknown id", body = crate::error::ErrorBody),
        (status = 422, description = "Bad parameter", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W: WebsiteHistory, C, I, M>(
    state: web::Data<ApiState<W, C, I, M>>,
    path: web::Path<String>,
    query: web::Query<HistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_website_id(&path)?;
    let page = state
        .websites
        .list_checks(id, query.range()?, query.limit()?, query.cursor()?, query.region()?)
        .await?;
    let checks = page
        .checks
        .into_iter()
        .map(|stored| CheckResponse {
            id: stored.id,
            website_id: stored.check.website_id.get(),
            timestamp: stored.check.timestamp,
            status_code: stored.check.status_code,
            response_time: stored.check.response_time,
            is_available: stored.check.is_available,
            error_message: stored.check.error_message,
            in_maintenance: stored.check.in_maintenance,
            degraded: stored.check.degraded,
            failed_assertion: stored.check.failed_assertion,
            phases: stored.check.phases.map(PhasesBody::from),
            region: stored.region.map(|r| r.as_str().to_owned()),
        })
        .collect();
    let next_cursor = page.next.map(|cursor| cursor.encode());
    Ok(HttpResponse::Ok().json(CheckPageResponse { checks, next_cursor }))
}
