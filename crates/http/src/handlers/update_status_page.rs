//! `PATCH /api/status-pages/{slug}`: changes what is sent (a new `slug` moves the page).

use actix_web::{HttpResponse, web};
use lookout_domain::status_pages::StatusPages;

use super::status_page_slug::parse_slug;
use crate::ApiError;
use crate::dto::{JsonObject, StatusPageRequest, StatusPageResponse};
use crate::state::ApiState;

#[utoipa::path(patch, operation_id = "update_status_page", path = "/api/status-pages/{slug}", tag = "status pages",
    params(("slug" = String, Path, description = "The page's slug"), super::guard_query::GuardQuery),
    request_body = crate::dto::StatusPageRequest,
    responses((status = 200, description = "The page as it is now", body = crate::dto::StatusPageResponse),
        (status = 400, description = "Malformed JSON", body = crate::error::ErrorBody),
        (status = 404, description = "No such page", body = crate::error::ErrorBody),
        (status = 409, description = "The new slug is taken (`code`: `duplicate_slug`), or \
            `managed_by_file`: a document manages the page (`managed_by` names it; `?force=true` \
            edits it anyway)", body = crate::error::ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = crate::error::ErrorBody),
        (status = 415, description = "Body is not JSON", body = crate::error::ErrorBody),
        (status = 422, description = "Invalid value; `field` names it", body = crate::error::ErrorBody),
        (status = 503, description = "Database unavailable", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W: StatusPages, C, I, M>(
    state: web::Data<ApiState<W, C, I, M>>,
    path: web::Path<String>,
    query: web::Query<super::guard_query::GuardQuery>,
    body: web::Json<JsonObject<StatusPageRequest>>,
) -> Result<HttpResponse, ApiError> {
    let slug = parse_slug(&path)?;
    let guard = query.guard()?;
    let patch = body.into_inner().0.into_draft()?.into_patch()?;
    let page = state.websites.update_status_page(slug, patch, guard).await?;
    Ok(HttpResponse::Ok().json(StatusPageResponse::from(page)))
}
