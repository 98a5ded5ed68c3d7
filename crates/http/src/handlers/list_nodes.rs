//! `GET /api/nodes?region=&alive=`: the lookout nodes registered with this database (running
//! ones, and crashed ones for 7 days), with their regions and heartbeats; `region` and `alive`
//! narrow the list (a region's live nodes: `?region=eu&alive=true`).

use actix_web::{HttpResponse, web};
use lookout_domain::node::NodeDirectory;
use serde::{Deserialize, Serialize};
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

/// `?region=&alive=`, both optional.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct NodesQuery {
    /// Only nodes of this region (`node.region`).
    region: Option<String>,
    /// Only nodes that are (`true`) or are not (`false`) alive.
    #[param(value_type = Option<bool>)]
    alive: Option<String>,
}

#[utoipa::path(get, operation_id = "list_nodes", path = "/api/nodes", tag = "nodes", params(NodesQuery),
    responses((status = 200, description = "Registered nodes, by id", body = [NodeBody]),
        (status = 422, description = "Bad parameter", body = crate::error::ErrorBody),
        (status = 503, description = "Database unavailable", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W: NodeDirectory, C, I, M>(
    state: web::Data<ApiState<W, C, I, M>>,
    query: web::Query<NodesQuery>,
) -> Result<HttpResponse, ApiError> {
    let region = super::history_query::parse_region(query.region.as_deref())?;
    let alive = match query.alive.as_deref() {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(other) => {
            return Err(ApiError::validation(
                "alive",
                format!("alive must be true or false, got {other:?}"),
            ));
        }
    };
    let now = OffsetDateTime::now_utc();
    let nodes: Vec<NodeBody> = state
        .websites
        .list_nodes()
        .await?
        .into_iter()
        .filter(|node| region.as_ref().is_none_or(|r| node.region == r.as_str()))
        .filter(|node| alive.is_none_or(|alive| node.is_alive(now) == alive))
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
