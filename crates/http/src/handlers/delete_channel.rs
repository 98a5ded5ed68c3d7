//! `DELETE /api/channels/{id}?force=`: 204; 409 naming the sites when their alert policies
//! use the channel, and 409 `managed_by_file` when a document manages it. `force=true`
//! overrides both: the channel is taken out of the policies and deleted even if a document
//! manages it (the next apply of the file makes it again).

use actix_web::{HttpResponse, web};
use lookout_domain::alerting::ChannelManagement;
use lookout_domain::website::FileGuard;

use super::guard_query::GuardQuery;
use crate::ApiError;
use crate::dto::parse_channel_id;
use crate::state::ApiState;

/// Deletes a channel.
///
/// `force=true` overrides both refusals: a channel alert policies use is taken out of them,
/// and a channel a document manages is deleted anyway.
#[utoipa::path(delete, operation_id = "delete_channel", path = "/api/channels/{id}", tag = "channels",
    params(("id" = i64, Path, minimum = 1, description = "Channel id"), GuardQuery),
    responses((status = 204, description = "Deleted"),
        (status = 404, description = "Unknown id", body = crate::error::ErrorBody),
        (status = 409, description = "`channel_in_use`: alert policies use the channel (`websites` \
            names the sites), or `managed_by_file`: a document manages it (`managed_by` names it); \
            `?force=true` deletes it anyway in both cases", body = crate::error::ErrorBody),
        (status = 422, description = "`force` is not true or false", body = crate::error::ErrorBody),
        (status = 503, description = "Database unavailable", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W, C: ChannelManagement, I, M>(
    state: web::Data<ApiState<W, C, I, M>>,
    path: web::Path<String>,
    query: web::Query<GuardQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_channel_id(&path)?;
    let guard = query.guard()?;
    state.channels.delete_channel(id, guard == FileGuard::Force, guard).await?;
    Ok(HttpResponse::NoContent().finish())
}
