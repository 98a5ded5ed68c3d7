//! `GET /api/websites`: every website, ordered by id.

use actix_web::{HttpResponse, web};
use lookout_domain::website::WebsiteManagement;

use crate::ApiError;
use crate::dto::WebsiteResponse;
use crate::state::ApiState;

#[utoipa::path(get, operation_id = "list_websites", path = "/api/websites", tag = "websites",
    responses((status = 200, description = "Every website, ordered by id", body = Vec<crate::dto::WebsiteResponse>),
        (status = 503, description = "Database unavailable", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W: WebsiteManagement, C, I, M>(
    state: web::Data<ApiState<W, C, I, M>>,
) -> Result<HttpResponse, ApiError> {
    let websites = state.websites.list_websites().await?;
    let body: Vec<WebsiteResponse> = websites.into_iter().map(WebsiteResponse::from).collect();
    Ok(HttpResponse::Ok().json(body))
}
