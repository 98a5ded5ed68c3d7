//! `DELETE /api/status-pages/{slug}`: 204; the public page is gone at once.

use actix_web::{HttpResponse, web};
use lookout_domain::status_pages::StatusPages;

use super::status_page_slug::parse_slug;
use crate::ApiError;
use crate::state::ApiState;

#[utoipa::path(delete, operation_id = "delete_status_page", path = "/api/status-pages/{slug}", tag = "status pages",
    params(("slug" = String, Path, description = "The page's slug"), super::guard_query::GuardQuery),
    responses((status = 204, description = "Deleted"),
        (status = 404, description = "No such page", body = crate::error::ErrorBody),
        (status = 409, description = "`managed_by_file`: a document manages the page (`managed_by` \
            names it; `?force=true` deletes it anyway)", body = crate::error::ErrorBody),
        (status = 422, description = "`force` is not true or false", body = crate::error::ErrorBody),
        (status = 503, description = "Database unavailable", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W: StatusPages, C, I, M>(
    state: web::Data<ApiState<W, C, I, M>>,
    path: web::Path<String>,
    query: web::Query<super::guard_query::GuardQuery>,
) -> Result<HttpResponse, ApiError> {
    state.websites.delete_status_page(parse_slug(&path)?, query.guard()?).await?;
    Ok(HttpResponse::NoContent().finish())
}
