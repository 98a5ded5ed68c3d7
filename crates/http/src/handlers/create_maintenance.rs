//! `POST /api/maintenance`: 201 with the window (and where it stands now) and its `Location`.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use lookout_domain::maintenance::MaintenanceManagement;
use time::OffsetDateTime;

use crate::ApiError;
use crate::dto::{JsonObject, MaintenanceRequest, MaintenanceResponse};
use crate::state::ApiState;

#[utoipa::path(post, operation_id = "create_maintenance", path = "/api/maintenance", tag = "maintenance",
    request_body = crate::dto::MaintenanceRequest,
    responses((status = 201, description = "Created; `Location` names it", body = crate::dto::MaintenanceResponse),
        (status = 400, description = "Malformed JSON", body = crate::error::ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = crate::error::ErrorBody),
        (status = 415, description = "Body is not JSON", body = crate::error::ErrorBody),
        (status = 422, description = "Invalid value; `field` names it (`name`, `websites` — also for ids \
            that name no site —, `mode`, `starts_at`, `ends_at`, `schedule`, `duration_secs`, \
            `timezone`, `from`, `until`)", body = crate::error::ErrorBody),
        (status = 503, description = "Database unavailable", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W, C, I, M: MaintenanceManagement>(
    state: web::Data<ApiState<W, C, I, M>>,
    body: web::Json<JsonObject<MaintenanceRequest>>,
) -> Result<HttpResponse, ApiError> {
    let draft = body.into_inner().into_inner().into_draft()?;
    let window = state.maintenance.create_maintenance(draft).await?;
    let location = format!("/api/maintenance/{}", window.id);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(MaintenanceResponse::at(window, OffsetDateTime::now_utc())))
}
