//! `PATCH /api/websites/{id}`: change any of url, name, enabled, check_interval.

use actix_web::{HttpResponse, web};
use lookout_domain::website::WebsiteManagement;

use crate::ApiError;
use crate::dto::{PatchWebsiteRequest, WebsiteResponse, parse_website_id};
use crate::server::ApiState;

pub(crate) async fn handle<W: WebsiteManagement>(
    state: web::Data<ApiState<W>>,
    path: web::Path<String>,
    body: web::Json<PatchWebsiteRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_website_id(&path)?;
    let patch = body.into_inner().try_into_domain(state.interval_bounds)?;
    let website = state.websites.update_website(id, patch).await?;
    Ok(HttpResponse::Ok().json(WebsiteResponse::from(website)))
}
