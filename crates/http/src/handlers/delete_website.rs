//! `DELETE /api/websites/{id}`: 204, with its checks and downtime windows.

use actix_web::{HttpResponse, web};
use lookout_domain::website::WebsiteManagement;

use crate::ApiError;
use crate::dto::parse_website_id;
use crate::state::ApiState;

#[utoipa::path(delete, operation_id = "delete_website", path = "/api/websites/{id}", tag = "websites", params(("id" = i64, Path, minimum = 1, description = "Website id"), super::guard_query::GuardQuery),
    responses((status = 204, description = "Deleted with its checks and windows"),
        (status = 404, description = "Unknown id", body = crate::error::ErrorBody),
        (status = 409, description = "`managed_by_file`: a document manages the site (`managed_by` names \
            it; `?force=true` deletes it anyway)", body = crate::error::ErrorBody),
        (status = 422, description = "`force` is not true or false", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W: WebsiteManagement, C, I, M>(
    state: web::Data<ApiState<W, C, I, M>>,
    path: web::Path<String>,
    query: web::Query<super::guard_query::GuardQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_website_id(&path)?;
    state.websites.delete_website(id, query.guard()?).await?;
    Ok(HttpResponse::NoContent().finish())
}
