//! `PATCH /api/channels/{id}`: change any of name, config, default. A config is complete for
//! the channel's kind; a secret sent back as `"***"` keeps its stored value, so the stored
//! channel is read first and merged.

use actix_web::{HttpResponse, web};
use lookout_domain::alerting::ChannelManagement;

use crate::ApiError;
use crate::dto::{ChannelResponse, JsonObject, PatchChannelRequest, parse_channel_id};
use crate::state::ApiState;

#[utoipa::path(patch, operation_id = "update_channel", path = "/api/channels/{id}", tag = "channels",
    params(("id" = i64, Path, minimum = 1, description = "Channel id"), super::guard_query::GuardQuery),
    request_body = crate::dto::PatchChannelRequest,
    responses((status = 200, description = "The updated channel", body = crate::dto::ChannelResponse),
        (status = 400, description = "Malformed JSON", body = crate::error::ErrorBody),
        (status = 404, description = "Unknown id", body = crate::error::ErrorBody),
        (status = 409, description = "`managed_by_file`: a document manages the channel (`managed_by` \
            names it; `?force=true` edits it anyway)", body = crate::error::ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = crate::error::ErrorBody),
        (status = 415, description = "Body is not JSON", body = crate::error::ErrorBody),
        (status = 422, description = "Invalid value (`field` names it), or another kind than the \
            stored one (`kind`), or `force` is not true or false", body = crate::error::ErrorBody),
        (status = 503, description = "Database unavailable", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W, C: ChannelManagement, I, M>(
    state: web::Data<ApiState<W, C, I, M>>,
    path: web::Path<String>,
    query: web::Query<super::guard_query::GuardQuery>,
    body: web::Json<JsonObject<PatchChannelRequest>>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_channel_id(&path)?;
    let guard = query.guard()?;
    let request = body.into_inner().into_inner();
    let stored = match request.needs_stored() {
        true => Some(state.channels.get_channel(id).await?),
        false => None,
    };
    let patch = request.try_into_domain(stored.as_ref())?;
    let channel = state.channels.update_channel(id, patch, guard).await?;
    Ok(HttpResponse::Ok().json(ChannelResponse::from(channel)))
}
