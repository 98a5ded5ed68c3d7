//! `GET /api/status-pages/{slug}`: one status page.

use actix_web::{HttpResponse, web};
use lookout_domain::status_pages::StatusPages;

use super::status_page_slug::parse_slug;
use crate::ApiError;
use crate::dto::StatusPageResponse;
use crate::state::ApiState;

#[utoipa::path(get, operation_id = "get_status_page", path = "/api/status-pages/{slug}", tag = "status pages",
    params(("slug" = String, Path, description = "The page's slug")),
    responses((status = 200, description = "The page", body = crate::dto::StatusPageResponse),
        (status = 404, description = "No such page", body = crate::error::ErrorBody),
        (status = 503, description = "Database unavailable", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W: StatusPages, C, I, M>(
    state: web::Data<ApiState<W, C, I, M>>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let page = state.websites.get_status_page(parse_slug(&path)?).await?;
    Ok(HttpResponse::Ok().json(StatusPageResponse::from(page)))
}
