//! `GET /api/deliveries?status=pending|failed|dead|delivered&limit=`: deliveries of every
//! channel, newest first.

use actix_web::{HttpResponse, web};
use lookout_domain::alerting::IncidentDesk;

use super::alert_query::DeliveryQuery;
use crate::ApiError;
use crate::dto::DeliveryResponse;
use crate::state::ApiState;

#[utoipa::path(get, operation_id = "list_deliveries", path = "/api/deliveries", tag = "deliveries", params(DeliveryQuery),
    responses((status = 200, description = "Deliveries, newest first", body = Vec<crate::dto::DeliveryResponse>),
        (status = 422, description = "Bad parameter (`field` names it)", body = crate::error::ErrorBody),
        (status = 503, description = "Database unavailable", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W, C, I: IncidentDesk, M>(
    state: web::Data<ApiState<W, C, I, M>>,
    query: web::Query<DeliveryQuery>,
) -> Result<HttpResponse, ApiError> {
    let (status, limit) = (query.status()?, query.limit()?);
    let deliveries = state.incidents.list_deliveries(status, limit).await?;
    let body: Vec<DeliveryResponse> = deliveries.into_iter().map(DeliveryResponse::from).collect();
    Ok(HttpResponse::Ok().json(body))
}
