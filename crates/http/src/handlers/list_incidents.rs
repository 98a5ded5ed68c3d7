//! `GET /api/incidents?state=open|resolved&website_id=&limit=`: incidents, newest first, each
//! with its notifications.

use actix_web::{HttpResponse, web};
use lookout_domain::alerting::IncidentDesk;
use time::OffsetDateTime;

use super::alert_query::IncidentQuery;
use crate::ApiError;
use crate::dto::IncidentResponse;
use crate::state::ApiState;

#[utoipa::path(get, operation_id = "list_incidents", path = "/api/incidents", tag = "incidents", params(IncidentQuery),
    responses((status = 200, description = "Incidents, newest first", body = Vec<crate::dto::IncidentResponse>),
        (status = 422, description = "Bad parameter (`field` names it)", body = crate::error::ErrorBody),
        (status = 503, description = "Database unavailable", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W, C, I: IncidentDesk, M>(
    state: web::Data<ApiState<W, C, I, M>>,
    query: web::Query<IncidentQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter = query.filter()?;
    let incidents = state.incidents.list_incidents(filter).await?;
    let now = OffsetDateTime::now_utc();
    let body: Vec<IncidentResponse> =
        incidents.into_iter().map(|detail| IncidentResponse::new(detail, now)).collect();
    Ok(HttpResponse::Ok().json(body))
}
