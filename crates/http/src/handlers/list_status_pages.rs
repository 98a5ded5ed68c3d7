//! `GET /api/status-pages`: every status page, by slug.

use actix_web::{HttpResponse, web};
use lookout_domain::status_pages::StatusPages;

use crate::ApiError;
use crate::dto::StatusPageResponse;
use crate::state::ApiState;

#[utoipa::path(get, operation_id = "list_status_pages", path = "/api/status-pages", tag = "status pages",
    responses((status = 200, description = "Every status page", body = Vec<crate::dto::StatusPageResponse>),
        (status = 503, description = "Database unavailable", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W: StatusPages, C, I, M>(
    state: web::Data<ApiState<W, C, I, M>>,
) -> Result<HttpResponse, ApiError> {
    let pages = state.websites.list_status_pages().await?;
    Ok(HttpResponse::Ok().json(pages.into_iter().map(StatusPageResponse::from).collect::<Vec<_>>()))
}
