//! `GET /api/channels/{id}`: one channel (secrets masked), or 404.

use actix_web::{HttpResponse, web};
use lookout_domain::alerting::ChannelManagement;

use crate::ApiError;
use crate::dto::{ChannelResponse, parse_channel_id};
use crate::state::ApiState;

#[utoipa::path(get, operation_id = "get_channel", path = "/api/channels/{id}", tag = "channels",
    params(("id" = i64, Path, minimum = 1, description = "Channel id")),
    responses((status = 200, description = "The channel", body = crate::dto::ChannelResponse),
        (status = 404, description = "Unknown id", body = crate::error::ErrorBody),
        (status = 503, description = "Database unavailable", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W, C: ChannelManagement, I, M>(
    state: web::Data<ApiState<W, C, I, M>>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_channel_id(&path)?;
    let channel = state.channels.get_channel(id).await?;
    Ok(HttpResponse::Ok().json(ChannelResponse::from(channel)))
}
