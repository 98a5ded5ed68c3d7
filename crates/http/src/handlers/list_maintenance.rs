//! `GET /api/maintenance`: every window, by id, each with where it stands now.

use actix_web::{HttpResponse, web};
use lookout_domain::maintenance::MaintenanceManagement;
use time::OffsetDateTime;

use crate::ApiError;
use crate::dto::MaintenanceResponse;
use crate::state::ApiState;

#[utoipa::path(get, operation_id = "list_maintenance", path = "/api/maintenance", tag = "maintenance",
    responses((status = 200, description = "Every window, ordered by id", body = Vec<crate::dto::MaintenanceResponse>),
        (status = 503, description = "Database unavailable", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W, C, I, M: MaintenanceManagement>(
    state: web::Data<ApiState<W, C, I, M>>,
) -> Result<HttpResponse, ApiError> {
    let now = OffsetDateTime::now_utc();
    let windows = state.maintenance.list_maintenance().await?;
    let body: Vec<_> = windows.into_iter().map(|w| MaintenanceResponse::at(w, now)).collect();
    Ok(HttpResponse::Ok().json(body))
}
