//! `GET /api/incidents/{id}`: one incident with its notifications, or 404.

use actix_web::{HttpResponse, web};
use lookout_domain::alerting::IncidentDesk;
use time::OffsetDateTime;

use crate::ApiError;
use crate::dto::{IncidentResponse, parse_incident_id};
use crate::state::ApiState;

#[utoipa::path(get, operation_id = "get_incident", path = "/api/incidents/{id}", tag = "incidents",
    params(("id" = i64, Path, minimum = 1, description = "Incident id")),
    responses((status = 200, description = "The incident", body = crate::dto::IncidentResponse),
        (status = 404, description = "Unknown id", body = crate::error::ErrorBody),
        (status = 503, description = "Database unavailable", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W, C, I: IncidentDesk, M>(
    state: web::Data<ApiState<W, C, I, M>>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_incident_id(&path)?;
    let detail = state.incidents.get_incident(id).await?;
    Ok(HttpResponse::Ok().json(IncidentResponse::new(detail, OffsetDateTime::now_utc())))
}
