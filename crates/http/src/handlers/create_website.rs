//! `POST /api/websites`: 201 with the website and its `Location`.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use lookout_domain::website::WebsiteManagement;

use crate::ApiError;
use crate::dto::{CreateWebsiteRequest, WebsiteResponse};
use crate::server::ApiState;

pub(crate) async fn handle<W: WebsiteManagement>(
    state: web::Data<ApiState<W>>,
    body: web::Json<CreateWebsiteRequest>,
) -> Result<HttpResponse, ApiError> {
    let new = body.into_inner().try_into_domain(state.interval_bounds)?;
    let website = state.websites.create_website(new).await?;
    let location = format!("/api/websites/{}", website.id);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(WebsiteResponse::from(website)))
}
