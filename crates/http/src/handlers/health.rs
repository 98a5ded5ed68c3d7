//! `GET /health`: 200 when the database answers, 503 when it does not.

use actix_web::{HttpResponse, web};
use lookout_domain::website::WebsiteManagement;
use serde_json::json;

use crate::ApiError;
use crate::server::ApiState;

pub(crate) async fn handle<W: WebsiteManagement>(
    state: web::Data<ApiState<W>>,
) -> Result<HttpResponse, ApiError> {
    state.websites.check_health().await?;
    Ok(HttpResponse::Ok().json(json!({ "status": "ok", "database": "ok" })))
}
