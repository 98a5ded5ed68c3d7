//! This node's registration: a heartbeat every `HEARTBEAT_INTERVAL` into the node registry.

use lookout_domain::ErrorChain;
use lookout_domain::node::{HEARTBEAT_INTERVAL, NodeId, NodeInfo, NodeRegistry};
use time::OffsetDateTime;
use tokio::task::JoinHandle;

/// Registers the node now (a failure is logged, not fatal) and renews it until aborted.
pub(crate) fn spawn_heartbeat<R: NodeRegistry>(
    registry: R,
    id: NodeId,
    region: String,
) -> JoinHandle<()> {
    let started_at = OffsetDateTime::now_utc();
    let mut node = NodeInfo {
        id,
        region,
        version: env!("CARGO_PKG_VERSION").to_owned(),
        started_at,
        last_heartbeat: started_at,
    };
    tracing::info!(node = %node.id, region = %node.region, "Node registered as {}", node.id);
    let period = std::time::Duration::try_from(HEARTBEAT_INTERVAL).unwrap_or_default();
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(period);
        let mut failing = false;
        loop {
            ticks.tick().await;
            node.last_heartbeat = OffsetDateTime::now_utc();
            match registry.heartbeat(&node).await {
                Ok(()) if failing => {
                    failing = false;
                    tracing::info!(node = %node.id, "Node heartbeat renewed");
                }
                Ok(()) => tracing::debug!(node = %node.id, "Node heartbeat"),
                Err(error) if !failing => {
                    failing = true;
                    tracing::warn!(node = %node.id, error = %ErrorChain(&error), "Node heartbeat failed; retrying");
                }
                Err(_) => {}
            }
        }
    })
}
