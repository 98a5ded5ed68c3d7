//! `GET /metrics`: every metric in the Prometheus text format.

use actix_web::{HttpResponse, web};

use crate::ApiError;
use crate::state::ApiState;

#[utoipa::path(get, operation_id = "get_metrics", path = "/metrics", tag = "health",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain", body = String),
        (status = 404, description = "Metrics switched off", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W: 'static, C: 'static, I: 'static, M>(
    state: web::Data<ApiState<W, C, I, M>>,
) -> Result<HttpResponse, ApiError> {
    match &state.metrics {
        Some(render) => Ok(HttpResponse::Ok()
            .content_type("text/plain; version=0.0.4; charset=utf-8")
            .body(render())),
        None => Err(ApiError::not_found("metrics are not enabled")),
    }
}
