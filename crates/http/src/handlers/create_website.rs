//! `POST /api/websites`: 201 with the website and its `Location`.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use lookout_domain::website::WebsiteManagement;

use crate::ApiError;
use crate::dto::{CreateWebsiteRequest, JsonObject, WebsiteResponse};
use crate::state::ApiState;

#[utoipa::path(post, operation_id = "create_website", path = "/api/websites", tag = "websites",
    request_body = crate::dto::CreateWebsiteRequest,
    responses((status = 201, description = "Created; `Location` names it", body = crate::dto::WebsiteResponse),
        (status = 400, description = "Malformed JSON", body = crate::error::ErrorBody),
        (status = 409, description = "Duplicate url", body = crate::error::ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = crate::error::ErrorBody),
        (status = 415, description = "Body is not JSON", body = crate::error::ErrorBody),
        (status = 422, description = "Invalid value (`field` names it, e.g. `url`, \
            `alerts.failure_threshold`; `alerts.channels` for a channel that does not exist)",
            body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W: WebsiteManagement, C, I, M>(
    state: web::Data<ApiState<W, C, I, M>>,
    body: web::Json<JsonObject<CreateWebsiteRequest>>,
) -> Result<HttpResponse, ApiError> {
    let new = body.into_inner().into_inner().try_into_domain(state.interval_bounds)?;
    let website = state.websites.create_website(new).await?;
    let location = format!("/api/websites/{}", website.id);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(WebsiteResponse::from(website)))
}
