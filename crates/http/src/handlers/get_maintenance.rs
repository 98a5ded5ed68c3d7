//! `GET /api/maintenance/{id}`: one window and where it stands now, or 404.

use actix_web::{HttpResponse, web};
use lookout_domain::maintenance::MaintenanceManagement;
use time::OffsetDateTime;

use crate::ApiError;
use crate::dto::{MaintenanceResponse, parse_maintenance_id};
use crate::state::ApiState;

#[utoipa::path(get, operation_id = "get_maintenance", path = "/api/maintenance/{id}", tag = "maintenance",
    params(("id" = i64, Path, minimum = 1, description = "Maintenance window id")),
    responses((status = 200, description = "The window", body = crate::dto::MaintenanceResponse),
        (status = 404, description = "Unknown id", body = crate::error::ErrorBody),
        (status = 503, description = "Database unavailable", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W, C, I, M: MaintenanceManagement>(
    state: web::Data<ApiState<W, C, I, M>>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_maintenance_id(&path)?;
    let window = state.maintenance.get_maintenance(id).await?;
    Ok(HttpResponse::Ok().json(MaintenanceResponse::at(window, OffsetDateTime::now_utc())))
}
