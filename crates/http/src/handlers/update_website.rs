//! `PATCH /api/websites/{id}`: change any of url, name, enabled, check_interval, alerts (`null`
//! removes the site's own alert settings).

use actix_web::{HttpResponse, web};
use lookout_domain::website::WebsiteManagement;

use crate::ApiError;
use crate::dto::{JsonObject, PatchWebsiteRequest, WebsiteResponse, parse_website_id};
use crate::state::ApiState;

#[utoipa::path(patch, operation_id = "update_website", path = "/api/websites/{id}", tag = "websites", params(("id" = i64, Path, minimum = 1, description = "Website id"), super::guard_query::GuardQuery),
    request_body = crate::dto::PatchWebsiteRequest,
    responses((status = 200, description = "The updated website", body = crate::dto::WebsiteResponse),
        (status = 400, description = "Malformed JSON", body = crate::error::ErrorBody),
        (status = 404, description = "Unknown id", body = crate::error::ErrorBody),
        (status = 409, description = "Duplicate url, or `managed_by_file`: a document manages the site \
            (`managed_by` names it; `?force=true` edits it anyway)", body = crate::error::ErrorBody),
        (status = 415, description = "Body is not JSON", body = crate::error::ErrorBody),
        (status = 422, description = "Invalid value (`field` names it, e.g. `url`, \
            `alerts.failure_threshold`; `alerts.channels` for a channel that does not exist)",
            body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W: WebsiteManagement, C, I, M>(
    state: web::Data<ApiState<W, C, I, M>>,
    path: web::Path<String>,
    query: web::Query<super::guard_query::GuardQuery>,
    body: web::Json<JsonObject<PatchWebsiteRequest>>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_website_id(&path)?;
    let patch = body.into_inner().into_inner().try_into_domain(state.interval_bounds)?;
    let website = state.websites.update_website(id, patch, query.guard()?).await?;
    Ok(HttpResponse::Ok().json(WebsiteResponse::from(website)))
}
