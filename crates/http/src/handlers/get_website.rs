//! `GET /api/websites/{id}`: one website, or 404.

use actix_web::{HttpResponse, web};
use lookout_domain::website::WebsiteManagement;

use crate::ApiError;
use crate::dto::{WebsiteResponse, parse_website_id};
use crate::state::ApiState;

#[utoipa::path(get, operation_id = "get_website", path = "/api/websites/{id}", tag = "websites", params(("id" = i64, Path, minimum = 1, description = "Website id")),
    responses((status = 200, description = "The website", body = crate::dto::WebsiteResponse),
        (status = 404, description = "Unknown id", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W: WebsiteManagement, C, I, M>(
    state: web::Data<ApiState<W, C, I, M>>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_website_id(&path)?;
    let website = state.websites.get_website(id).await?;
    Ok(HttpResponse::Ok().json(WebsiteResponse::from(website)))
}
