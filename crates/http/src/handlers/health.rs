//! `GET /health`: 200 when the database answers, 503 when it does not.

use actix_web::{HttpResponse, web};
use lookout_domain::website::WebsiteManagement;
use serde::Serialize;

use crate::ApiError;
use crate::state::ApiState;

/// `{"status": "ok", "database": "ok"}`
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct HealthBody {
    status: &'static str,
    database: &'static str,
}

#[utoipa::path(get, path = "/health", tag = "health",
    responses((status = 200, description = "The database answers", body = HealthBody),
        (status = 503, description = "The database does not answer", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W: WebsiteManagement>(
    state: web::Data<ApiState<W>>,
) -> Result<HttpResponse, ApiError> {
    state.websites.check_health().await?;
    Ok(HttpResponse::Ok().json(HealthBody { status: "ok", database: "ok" }))
}
