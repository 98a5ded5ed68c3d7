//! `DELETE /api/maintenance/{id}`: 204, or 404. Its time stops counting as maintenance in
//! statistics (they are worked out from the windows that exist).

use actix_web::{HttpResponse, web};
use lookout_domain::maintenance::MaintenanceManagement;

use crate::ApiError;
use crate::dto::parse_maintenance_id;
use crate::state::ApiState;

#[utoipa::path(delete, operation_id = "delete_maintenance", path = "/api/maintenance/{id}", tag = "maintenance",
    params(("id" = i64, Path, minimum = 1, description = "Maintenance window id"), super::guard_query::GuardQuery),
    responses((status = 204, description = "Deleted"),
        (status = 404, description = "Unknown id", body = crate::error::ErrorBody),
        (status = 409, description = "`managed_by_file`: a document manages the window (`managed_by` \
            names it; `?force=true` deletes it anyway)", body = crate::error::ErrorBody),
        (status = 422, description = "`force` is not true or false", body = crate::error::ErrorBody),
        (status = 503, description = "Database unavailable", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W, C, I, M: MaintenanceManagement>(
    state: web::Data<ApiState<W, C, I, M>>,
    path: web::Path<String>,
    query: web::Query<super::guard_query::GuardQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_maintenance_id(&path)?;
    state.maintenance.delete_maintenance(id, query.guard()?).await?;
    Ok(HttpResponse::NoContent().finish())
}
