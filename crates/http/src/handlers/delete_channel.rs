//! `DELETE /api/channels/{id}?force=`: 204; 409 naming the sites when their alert policies
//! use the channel, unless `force=true` (then it is taken out of them).

use actix_web::{HttpResponse, web};
use lookout_domain::alerting::ChannelManagement;

use super::alert_query::ForceQuery;
use crate::ApiError;
use crate::dto::parse_channel_id;
use crate::state::ApiState;

#[utoipa::path(delete, operation_id = "delete_channel", path = "/api/channels/{id}", tag = "channels",
    params(("id" = i64, Path, minimum = 1, description = "Channel id"), ForceQuery),
    responses((status = 204, description = "Deleted"),
        (status = 404, description = "Unknown id", body = crate::error::ErrorBody),
        (status = 409, description = "Alert policies use the channel; `websites` names the sites",
            body = crate::error::ErrorBody),
        (status = 422, description = "Bad parameter", body = crate::error::ErrorBody),
        (status = 503, description = "Database unavailable", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W, C: ChannelManagement, I, M>(
    state: web::Data<ApiState<W, C, I, M>>,
    path: web::Path<String>,
    query: web::Query<ForceQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_channel_id(&path)?;
    state.channels.delete_channel(id, query.force()?).await?;
    Ok(HttpResponse::NoContent().finish())
}
