//! This node's registration: it takes its id in the node registry (refusing one that another
//! running node holds), renews it every `HEARTBEAT_INTERVAL`, forgets long-silent nodes, and
//! gives the id back on a clean stop.

use anyhow::bail;
use lookout_domain::ErrorChain;
use lookout_domain::node::{
    ALIVE_WITHIN, FORGOTTEN_AFTER, HEARTBEAT_INTERVAL, NodeId, NodeInfo, NodeRegistry, Registration,
};
use time::OffsetDateTime;
use tokio::task::JoinHandle;

/// Long-silent nodes are forgotten at start-up and then once per this many heartbeats (1 h).
const FORGET_EVERY: u32 = 360;

/// What an id held by another process means to this node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdUse {
    /// The shared schedule's leases are held under the id: two live processes with one id
    /// would hand back each other's slots. A live holder is refused; a node whose id is taken
    /// over stops.
    Leases,
    /// The id only labels this node's checks: a live holder keeps it (with a warning) until
    /// it has been silent for `ALIVE_WITHIN`.
    Label,
}

/// A registered node: its row, and the task that renews it.
pub(crate) struct Heartbeat<R> {
    registry: R,
    node: NodeInfo,
    /// Ends with an error only when another process took the id over.
    pub(crate) task: JoinHandle<anyhow::Result<()>>,
}

/// Takes `id` in the registry and starts renewing it.
///
/// An id whose holder beat within the last `ALIVE_WITHIN` may belong to a node that still runs
/// (two nodes given one `node.id`) or to one that just crashed. For [`IdUse::Leases`] start-up
/// waits one heartbeat and more, and takes the id only if its holder stayed silent. A database
/// that does not answer is not fatal here: the renewals retry.
pub(crate) async fn register<R: NodeRegistry + Clone>(
    registry: R,
    id: NodeId,
    region: String,
    id_use: IdUse,
) -> anyhow::Result<Heartbeat<R>> {
    let started_at = whole_microseconds(OffsetDateTime::now_utc());
    let mut node = NodeInfo {
        id,
        region,
        version: env!("CARGO_PKG_VERSION").to_owned(),
        started_at,
        last_heartbeat: started_at,
    };
    match registry.heartbeat(&node, started_at - ALIVE_WITHIN).await {
        Ok(Registration::Held) => {}
        Ok(Registration::InUse(holder)) if id_use == IdUse::Leases => {
            take_over(&registry, &mut node, &holder).await?;
        }
        Ok(Registration::InUse(holder)) => {
            tracing::warn!(
                node = %node.id,
                holder_started_at = %holder.started_at,
                "node.id {} was renewed {:.0} s ago by another process: this node is listed once \
                 that one has been silent for {} s",
                node.id,
                (node.started_at - holder.last_heartbeat).as_seconds_f64(),
                ALIVE_WITHIN.whole_seconds()
            );
        }
        Err(error) => {
            tracing::warn!(node = %node.id, error = %ErrorChain(&error), "Node registration failed; retrying");
        }
    }
    tracing::info!(node = %node.id, region = %node.region, "Node registered as {}", node.id);
    let task = tokio::spawn(renew(registry.clone(), node.clone(), id_use));
    Ok(Heartbeat { registry, node, task })
}

impl<R: NodeRegistry> Heartbeat<R> {
    /// Stops renewing and removes this node from the registry (a clean stop).
    pub(crate) async fn deregister(self) {
        self.task.abort();
        if let Err(error) = self.registry.deregister(&self.node).await {
            tracing::warn!(node = %self.node.id, error = %ErrorChain(&error), "Node not deregistered; it shows as not alive");
        }
    }
}

/// Waits out `holder`: if its heartbeat does not move for a heartbeat interval and more, its
/// process is gone and the id is this node's; if it moves, another node runs with this id.
async fn take_over<R: NodeRegistry>(
    registry: &R,
    node: &mut NodeInfo,
    holder: &NodeInfo,
) -> anyhow::Result<()> {
    let wait = HEARTBEAT_INTERVAL + time::Duration::seconds(2);
    tracing::warn!(
        node = %node.id,
        holder_started_at = %holder.started_at,
        holder_last_heartbeat = %holder.last_heartbeat,
        "node.id {} was renewed {:.0} s ago by another process; waiting {} s to see whether it still runs",
        node.id,
        (node.started_at - holder.last_heartbeat).as_seconds_f64(),
        wait.whole_seconds()
    );
    tokio::time::sleep(std::time::Duration::try_from(wait).unwrap_or_default()).await;
    node.last_heartbeat = whole_microseconds(OffsetDateTime::now_utc());
    match registry.heartbeat(node, holder.last_heartbeat).await? {
        Registration::Held => {
            tracing::info!(node = %node.id, "The previous holder of node.id {} is gone: taken over", node.id);
            Ok(())
        }
        Registration::InUse(holder) => bail!(
            "node.id {} is in use by another running lookout (started at {}, last heartbeat {}): \
             give every node its own node.id",
            node.id,
            holder.started_at,
            holder.last_heartbeat
        ),
    }
}

/// Renews the registration until aborted. When another process took the id: for
/// [`IdUse::Leases`] ends with an error (the node must stop), else warns and keeps trying.
async fn renew<R: NodeRegistry>(
    registry: R,
    mut node: NodeInfo,
    id_use: IdUse,
) -> anyhow::Result<()> {
    let period = std::time::Duration::try_from(HEARTBEAT_INTERVAL).unwrap_or_default();
    let mut ticks = tokio::time::interval(period);
    ticks.tick().await;
    let mut failing = false;
    let mut beats: u32 = 0;
    loop {
        if beats.is_multiple_of(FORGET_EVERY) {
            forget_silent_nodes(&registry).await;
        }
        beats = beats.wrapping_add(1);
        ticks.tick().await;
        node.last_heartbeat = whole_microseconds(OffsetDateTime::now_utc());
        match registry.heartbeat(&node, node.last_heartbeat - ALIVE_WITHIN).await {
            Ok(Registration::Held) if failing => {
                failing = false;
                tracing::info!(node = %node.id, "Node heartbeat renewed");
            }
            Ok(Registration::Held) => tracing::debug!(node = %node.id, "Node heartbeat"),
            Ok(Registration::InUse(holder)) if id_use == IdUse::Label => {
                if !failing {
                    failing = true;
                    tracing::warn!(
                        node = %node.id,
                        holder_started_at = %holder.started_at,
                        "Another process uses node.id {}: checks of both carry it",
                        node.id
                    );
                }
            }
            Ok(Registration::InUse(holder)) => {
                tracing::error!(
                    node = %node.id,
                    holder_started_at = %holder.started_at,
                    "Another process took node.id {} while this node was out of touch: stopping",
                    node.id
                );
                bail!(
                    "node.id {} was taken over by a lookout started at {}",
                    node.id,
                    holder.started_at
                );
            }
            Err(error) if !failing => {
                failing = true;
                tracing::warn!(node = %node.id, error = %ErrorChain(&error), "Node heartbeat failed; retrying");
            }
            Err(_) => {}
        }
    }
}

async fn forget_silent_nodes<R: NodeRegistry>(registry: &R) {
    let before = OffsetDateTime::now_utc() - FORGOTTEN_AFTER;
    match registry.forget_nodes(before).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(
            nodes = n,
            "Forgot nodes silent for {} days",
            FORGOTTEN_AFTER.whole_days()
        ),
        Err(error) => tracing::debug!(error = %ErrorChain(&error), "Nodes not pruned; next hour"),
    }
}

/// Both databases keep microseconds: a start time with more would not compare equal to itself.
fn whole_microseconds(at: OffsetDateTime) -> OffsetDateTime {
    at.replace_nanosecond(at.nanosecond() / 1_000 * 1_000).unwrap_or(at)
}

#[cfg(test)]
#[path = "heartbeat_tests.rs"]
mod tests;
