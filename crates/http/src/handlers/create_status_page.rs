//! `POST /api/status-pages`: 201 with the page and its `Location`.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use lookout_domain::status_pages::StatusPages;

use crate::ApiError;
use crate::dto::{JsonObject, StatusPageRequest, StatusPageResponse};
use crate::state::ApiState;

#[utoipa::path(post, operation_id = "create_status_page", path = "/api/status-pages", tag = "status pages",
    request_body = crate::dto::StatusPageRequest,
    responses((status = 201, description = "Created; `Location` names it", body = crate::dto::StatusPageResponse),
        (status = 400, description = "Malformed JSON", body = crate::error::ErrorBody),
        (status = 409, description = "The slug is taken (`code`: `duplicate_slug`)", body = crate::error::ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = crate::error::ErrorBody),
        (status = 415, description = "Body is not JSON", body = crate::error::ErrorBody),
        (status = 422, description = "Invalid value; `field` names it (`slug`, `title`, `description`, \
            `websites`, `websites[2]`)", body = crate::error::ErrorBody),
        (status = 503, description = "Database unavailable", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W: StatusPages, C, I, M>(
    state: web::Data<ApiState<W, C, I, M>>,
    body: web::Json<JsonObject<StatusPageRequest>>,
) -> Result<HttpResponse, ApiError> {
    let spec = body.into_inner().0.into_draft()?.into_spec()?;
    let page = state.websites.create_status_page(spec).await?;
    let location = format!("/api/status-pages/{}", page.slug.as_str());
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(StatusPageResponse::from(page)))
}
