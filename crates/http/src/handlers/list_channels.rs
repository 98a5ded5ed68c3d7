//! `GET /api/channels`: every channel (secrets masked).

use actix_web::{HttpResponse, web};
use lookout_domain::alerting::ChannelManagement;

use crate::ApiError;
use crate::dto::ChannelResponse;
use crate::state::ApiState;

#[utoipa::path(get, operation_id = "list_channels", path = "/api/channels", tag = "channels",
    responses((status = 200, description = "Every channel, ordered by id", body = Vec<crate::dto::ChannelResponse>),
        (status = 503, description = "Database unavailable", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W, C: ChannelManagement, I, M>(
    state: web::Data<ApiState<W, C, I, M>>,
) -> Result<HttpResponse, ApiError> {
    let channels = state.channels.list_channels().await?;
    let body: Vec<ChannelResponse> = channels.into_iter().map(ChannelResponse::from).collect();
    Ok(HttpResponse::Ok().json(body))
}
