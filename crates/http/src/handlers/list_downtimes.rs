//! `GET /api/websites/{id}/downtimes?from=&to=`: windows overlapping the range, oldest first;
//! an ongoing one has `end_time: null` and its duration so far.

use actix_web::{HttpResponse, web};
use lookout_domain::website::WebsiteHistory;
use serde::Serialize;
use time::OffsetDateTime;

use super::history_query::HistoryQuery;
use crate::ApiError;
use crate::dto::parse_website_id;
use crate::state::ApiState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct DowntimeResponse {
    id: i64,
    website_id: i64,
    #[serde(with = "time::serde::rfc3339")]
    start_time: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    end_time: Option<OffsetDateTime>,
    /// Seconds, up to now while the window is open.
    duration: f64,
}

#[utoipa::path(get, operation_id = "list_downtimes", path = "/api/websites/{id}/downtimes", tag = "history",
    params(("id" = i64, Path, minimum = 1, description = "Website id"), super::history_query::HistoryQuery),
    responses((status = 200, description = "Windows overlapping the range", body = Vec<DowntimeResponse>),
        (status = 404, description = "Unknown id", body = crate::error::ErrorBody),
        (status = 422, description = "Bad parameter", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W: WebsiteHistory, C, I, M>(
    state: web::Data<ApiState<W, C, I, M>>,
    path: web::Path<String>,
    query: web::Query<HistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_website_id(&path)?;
    query.without_paging()?;
    let windows = state.websites.list_downtimes(id, query.range()?).await?;
    let now = OffsetDateTime::now_utc();
    let body: Vec<DowntimeResponse> = windows
        .into_iter()
        .map(|window| DowntimeResponse {
            id: window.id,
            website_id: window.website_id.get(),
            start_time: window.start_time,
            end_time: window.end_time,
            duration: window.duration(now).as_secs_f64(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(body))
}
