//! `POST /api/channels/{id}/test`: sends a `test` event now (recorded as a delivery) and
//! answers with how that one attempt went.

use actix_web::{HttpResponse, web};
use lookout_domain::alerting::ChannelManagement;

use crate::ApiError;
use crate::dto::{TestDeliveryResponse, parse_channel_id};
use crate::state::ApiState;

#[utoipa::path(post, operation_id = "test_channel", path = "/api/channels/{id}/test", tag = "channels",
    params(("id" = i64, Path, minimum = 1, description = "Channel id")),
    responses((status = 200, description = "The test was sent; `status` says whether it was delivered",
            body = crate::dto::TestDeliveryResponse),
        (status = 404, description = "Unknown id", body = crate::error::ErrorBody),
        (status = 503, description = "Database unavailable", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W, C: ChannelManagement, I, M>(
    state: web::Data<ApiState<W, C, I, M>>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_channel_id(&path)?;
    let test = state.channels.test_channel(id).await?;
    Ok(HttpResponse::Ok().json(TestDeliveryResponse::from(test)))
}
