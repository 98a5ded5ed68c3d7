//! `GET /health`: 200 when the database answers and check results are stored; 503 with the
//! same body when the database answers but cannot write (a full disk, say: `"writes":
//! "disk_full"`); 503 with the error body when the database does not answer.

use actix_web::{HttpResponse, web};
use lookout_domain::HealthReport;
use lookout_domain::website::WebsiteManagement;
use serde::Serialize;

use crate::ApiError;
use crate::error::ErrorBody;
use crate::state::ApiState;

/// `{"status": "ok", "database": "ok", "writes": "ok", "checks_held": 0, "checks_dropped": 0}`
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct HealthBody {
    /// `ok`, or `degraded` while check results cannot be written.
    #[schema(example = "ok")]
    status: &'static str,
    /// `ok`: the database answers (otherwise the answer is the 503 error body).
    #[schema(example = "ok")]
    database: &'static str,
    /// Whether check results are written: `ok`, or why not — `disk_full`, `io_error`
    /// (the database's storage fails to write), `unavailable`.
    #[schema(example = "ok")]
    writes: &'static str,
    /// Check results held in memory, to be written when the database can write again.
    checks_held: u64,
    /// Check results dropped since writing stopped (beyond `database.outage_buffer`).
    checks_dropped: u64,
    /// The document this server owns (`config_file.path`); absent when it owns none.
    #[serde(skip_serializing_if = "Option::is_none")]
    config_file: Option<ConfigFileBody>,
}

/// `{"path": "/etc/lookout/sites.yaml", "state": "invalid", "applied_at": "…", "errors": […]}`
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct ConfigFileBody {
    path: String,
    /// `applied` (the file as it is now), `invalid` (the last good version stays applied;
    /// `errors` says why) or `pending` (not read yet).
    #[schema(example = "applied")]
    state: &'static str,
    /// When a version of the file was last applied.
    #[serde(with = "time::serde::rfc3339::option")]
    applied_at: Option<time::OffsetDateTime>,
    /// The current version's problems, each as `file:line:column: field: message`.
    errors: Vec<String>,
}

impl From<HealthReport> for HealthBody {
    fn from(report: HealthReport) -> Self {
        let healthy = report.is_healthy();
        let writes = report.writes;
        Self {
            status: if healthy { "ok" } else { "degraded" },
            database: "ok",
            writes: writes.fault.map_or("ok", |fault| fault.code()),
            checks_held: writes.held,
            checks_dropped: writes.dropped,
            config_file: report.config_file.map(|file| ConfigFileBody {
                path: file.path,
                state: file.state.as_str(),
                applied_at: file.applied_at,
                errors: file.errors,
            }),
        }
    }
}

// Only for the OpenAPI document: the handler writes either body itself.
/// `GET /health` answering 503: the database answers but cannot write, or does not answer.
#[derive(utoipa::ToSchema)]
#[expect(dead_code, reason = "describes the 503 answer in the OpenAPI document")]
#[serde(untagged)]
enum HealthUnavailable {
    /// The database answers but cannot write.
    Degraded(HealthBody),
    /// The database does not answer.
    Unreachable(ErrorBody),
}

#[utoipa::path(get, operation_id = "health", path = "/health", tag = "health",
    responses((status = 200, description = "The database answers and check results are written", body = HealthBody),
        (status = 503, description = "The database answers but cannot write (a health body naming why, \
            e.g. `\"writes\": \"disk_full\"`), or does not answer (an error body)", body = HealthUnavailable)))]
pub(crate) async fn handle<W: WebsiteManagement, C, I, M>(
    state: web::Data<ApiState<W, C, I, M>>,
) -> Result<HttpResponse, ApiError> {
    let report = state.websites.check_health().await?;
    let healthy = report.is_healthy();
    let body = HealthBody::from(report);
    Ok(match healthy {
        true => HttpResponse::Ok().json(body),
        false => HttpResponse::ServiceUnavailable().json(body),
    })
}

#[cfg(test)]
mod tests {
    use lookout_domain::{WriteFault, WriteHealth};
    use serde_json::json;

    use super::*;

    #[test]
    fn the_body_names_why_writes_fail() {
        let ok = serde_json::to_value(HealthBody::from(HealthReport::default())).unwrap();
        let expected = json!({ "status": "ok", "database": "ok", "writes": "ok",
            "checks_held": 0, "checks_dropped": 0 });
        assert_eq!(ok, expected);
        let writes = WriteHealth { fault: Some(WriteFault::DiskFull), held: 7, dropped: 2 };
        let full =
            serde_json::to_value(HealthBody::from(HealthReport { writes, config_file: None }))
                .unwrap();
        let expected = json!({ "status": "degraded", "database": "ok", "writes": "disk_full",
            "checks_held": 7, "checks_dropped": 2 });
        assert_eq!(full, expected);
    }
}
