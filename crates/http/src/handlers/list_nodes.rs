//! `GET /api/nodes`: the lookout nodes registered with this database (running ones, and crashed
//! ones for 7 days), with their heartbeats.

use actix_web::{HttpResponse, web};
use lookout_domain::node::NodeDirectory;
use serde::Serialize;
use time::OffsetDateTime;

use crate::ApiError;
use crate::state::ApiState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct NodeBody {
    id: String,
    /// Free-form label from `node.region`; empty when not set.
    region: String,
    version: String,
    #[serde(with = "time::serde::rfc3339")]
    started_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    last_heartbeat: OffsetDateTime,
    /// The last heartbeat is at most 30 s old (a heartbeat every 10 s).
    alive: bool,
}

#[utoipa::path(get, operation_id = "list_nodes", path = "/api/nodes", tag = "nodes",
    responses((status = 200, description = "Registered nodes, by id", body = [NodeBody]),
        (status = 503, description = "Database unavailable", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W: NodeDirectory, C, I, M>(
    state: web::Data<ApiState<W, C, I, M>>,
) -> Result<HttpResponse, ApiError> {
    let now = OffsetDateTime::now_utc();
    let nodes: Vec<NodeBody> = state
        .websites
        .list_nodes()
        .await?
        .into_iter()
        .map(|node| NodeBody {
            alive: node.is_alive(now),
            id: node.id.as_str().to_owned(),
            region: node.region,
            version: node.version,
            started_at: node.started_at,
            last_heartbeat: node.last_heartbeat,
        })
        .collect();
    Ok(HttpResponse::Ok().json(nodes))
}
