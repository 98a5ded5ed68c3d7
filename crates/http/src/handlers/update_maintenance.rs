//! `PATCH /api/maintenance/{id}`: change any fields; the result is checked as a whole window.

use actix_web::{HttpResponse, web};
use lookout_domain::maintenance::MaintenanceManagement;
use time::OffsetDateTime;

use crate::ApiError;
use crate::dto::{JsonObject, MaintenanceRequest, MaintenanceResponse, parse_maintenance_id};
use crate::state::ApiState;

#[utoipa::path(patch, operation_id = "update_maintenance", path = "/api/maintenance/{id}", tag = "maintenance",
    params(("id" = i64, Path, minimum = 1, description = "Maintenance window id"), super::guard_query::GuardQuery),
    request_body = crate::dto::MaintenanceRequest,
    responses((status = 200, description = "The updated window", body = crate::dto::MaintenanceResponse),
        (status = 404, description = "Unknown id", body = crate::error::ErrorBody),
        (status = 409, description = "`managed_by_file`: a document manages the window (`managed_by` \
            names it; `?force=true` edits it anyway)", body = crate::error::ErrorBody),
        (status = 400, description = "Malformed JSON", body = crate::error::ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = crate::error::ErrorBody),
        (status = 415, description = "Body is not JSON", body = crate::error::ErrorBody),
        (status = 422, description = "Invalid value; `field` names it (`name`, `websites` — also for ids \
            that name no site —, `mode`, `starts_at`, `ends_at`, `schedule`, `duration_secs`, \
            `timezone`, `from`, `until`; `force` when it is not true or false)", body = crate::error::ErrorBody),
        (status = 503, description = "Database unavailable", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W, C, I, M: MaintenanceManagement>(
    state: web::Data<ApiState<W, C, I, M>>,
    path: web::Path<String>,
    query: web::Query<super::guard_query::GuardQuery>,
    body: web::Json<JsonObject<MaintenanceRequest>>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_maintenance_id(&path)?;
    let guard = query.guard()?;
    let patch = body.into_inner().into_inner().into_draft()?;
    let window = state.maintenance.update_maintenance(id, patch, guard).await?;
    Ok(HttpResponse::Ok().json(MaintenanceResponse::at(window, OffsetDateTime::now_utc())))
}
