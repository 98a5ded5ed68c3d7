//! `POST /api/channels`: 201 with the channel (secrets masked) and its `Location`.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use lookout_domain::alerting::ChannelManagement;

use crate::ApiError;
use crate::dto::{ChannelResponse, CreateChannelRequest, JsonObject};
use crate::state::ApiState;

#[utoipa::path(post, operation_id = "create_channel", path = "/api/channels", tag = "channels",
    request_body = crate::dto::CreateChannelRequest,
    responses((status = 201, description = "Created; `Location` names it", body = crate::dto::ChannelResponse),
        (status = 400, description = "Malformed JSON", body = crate::error::ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = crate::error::ErrorBody),
        (status = 415, description = "Body is not JSON", body = crate::error::ErrorBody),
        (status = 422, description = "Invalid value (`field` names it: `kind`, `config.url`, \
            `config.to[1]`, `config.headers.X-Foo`, `config.body_template`, ...), a template that \
            does not render, or a URL to a private address", body = crate::error::ErrorBody),
        (status = 503, description = "Database unavailable", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W, C: ChannelManagement, I, M>(
    state: web::Data<ApiState<W, C, I, M>>,
    body: web::Json<JsonObject<CreateChannelRequest>>,
) -> Result<HttpResponse, ApiError> {
    let new = body.into_inner().into_inner().try_into_domain()?;
    let channel = state.channels.create_channel(new).await?;
    let location = format!("/api/channels/{}", channel.id);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(ChannelResponse::from(channel)))
}
