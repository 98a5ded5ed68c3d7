//! `POST /api/deliveries/{id}/retry`: makes a failed or dead delivery due again now.

use actix_web::{HttpResponse, web};
use lookout_domain::alerting::IncidentDesk;

use crate::ApiError;
use crate::dto::{DeliveryResponse, parse_delivery_id};
use crate::state::ApiState;

#[utoipa::path(post, operation_id = "retry_delivery", path = "/api/deliveries/{id}/retry", tag = "deliveries",
    params(("id" = i64, Path, minimum = 1, description = "Delivery id")),
    responses((status = 200, description = "The delivery, due again", body = crate::dto::DeliveryResponse),
        (status = 404, description = "Unknown id", body = crate::error::ErrorBody),
        (status = 503, description = "Database unavailable", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W, C, I: IncidentDesk, M>(
    state: web::Data<ApiState<W, C, I, M>>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_delivery_id(&path)?;
    let delivery = state.incidents.retry_delivery(id).await?;
    Ok(HttpResponse::Ok().json(DeliveryResponse::from(delivery)))
}
