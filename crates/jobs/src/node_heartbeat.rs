//! This node's registration and the `node-heartbeat` job: [`register`] takes the node's id in
//! the registry at start-up (refusing one that another running node holds); the job renews it
//! every `HEARTBEAT_INTERVAL` and forgets long-silent nodes hourly; [`RegisteredNode`] says
//! when another process took the id over (the node must then stop) and gives the id back on a
//! clean stop.

use std::future::pending;
use std::time::Duration;

use lookout_domain::ErrorChain;
use lookout_domain::node::{
    ALIVE_WITHIN, FORGOTTEN_AFTER, HEARTBEAT_INTERVAL, HeartbeatError, NodeId, NodeInfo,
    NodeRegistry, Registration,
};
use time::OffsetDateTime;
use tokio::sync::{Mutex, oneshot};

use crate::PeriodicJob;

/// Long-silent nodes are forgotten at start-up and then once per this many heartbeats (1 h).
const FORGET_EVERY: u64 = 360;

/// What an id held by another process means to this node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdUse {
    /// The shared schedule's leases are held under the id: two live processes with one id
    /// would hand back each other's slots. A live holder is refused; a node whose id is taken
    /// over stops.
    Leases,
    /// The id only labels this node's checks: a live holder keeps it (with a warning) until
    /// it has been silent for `ALIVE_WITHIN`.
    Label,
}

/// Why this node could not register.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error(
        "node.id {node} is in use by another running lookout (started at {started_at}, last \
         heartbeat {last_heartbeat}): give every node its own node.id"
    )]
    InUse { node: NodeId, started_at: OffsetDateTime, last_heartbeat: OffsetDateTime },
    /// The registry did not answer the take-over.
    #[error(transparent)]
    Heartbeat(#[from] HeartbeatError),
}

/// Another process took this node's id while this node was out of touch (`IdUse::Leases`).
#[derive(Debug, Clone, thiserror::Error)]
#[error("node.id {node} was taken over by a lookout started at {holder_started_at}")]
pub struct IdTakenOver {
    pub node: NodeId,
    pub holder_started_at: OffsetDateTime,
}

/// This node as registered.
#[derive(Debug)]
pub struct RegisteredNode<R> {
    registry: R,
    node: NodeInfo,
    taken_over: oneshot::Receiver<IdTakenOver>,
}

/// The `node-heartbeat` job: renews the registration every `HEARTBEAT_INTERVAL`.
#[derive(Debug)]
pub struct NodeHeartbeat<R> {
    registry: R,
    id_use: IdUse,
    /// One run at a time; held across the run.
    beats: Mutex<Beats>,
}

#[derive(Debug)]
struct Beats {
    node: NodeInfo,
    runs: u64,
    /// The last heartbeat failed or found the id in use (logged once until it is renewed).
    failing: bool,
    /// Taken when the id was taken over: the job then does nothing more.
    taken_over: Option<oneshot::Sender<IdTakenOver>>,
}

/// Takes `id` in the registry; returns the registered node and the job that renews it.
///
/// An id whose holder beat within the last `ALIVE_WITHIN` may belong to a node that still runs
/// (two nodes given one `node.id`) or to one that just crashed. For [`IdUse::Leases`] start-up
/// waits one heartbeat and more, and takes the id only if its holder stayed silent. A database
/// that does not answer is not fatal here: the renewals retry.
pub async fn register<R: NodeRegistry + Clone>(
    registry: R,
    id: NodeId,
    region: String,
    id_use: IdUse,
) -> Result<(RegisteredNode<R>, NodeHeartbeat<R>), RegisterError> {
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
    let (taken, taken_over) = oneshot::channel();
    let beats = Beats { node: node.clone(), runs: 0, failing: false, taken_over: Some(taken) };
    let heartbeat = NodeHeartbeat { registry: registry.clone(), id_use, beats: Mutex::new(beats) };
    Ok((RegisteredNode { registry, node, taken_over }, heartbeat))
}

/// Waits out `holder`: if its heartbeat does not move for a heartbeat interval and more, its
/// process is gone and the id is this node's; if it moves, another node runs with this id.
async fn take_over<R: NodeRegistry>(
    registry: &R,
    node: &mut NodeInfo,
    holder: &NodeInfo,
) -> Result<(), RegisterError> {
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
    tokio::time::sleep(Duration::try_from(wait).unwrap_or_default()).await;
    node.last_heartbeat = whole_microseconds(OffsetDateTime::now_utc());
    match registry.heartbeat(node, holder.last_heartbeat).await? {
        Registration::Held => {
            tracing::info!(node = %node.id, "The previous holder of node.id {} is gone: taken over", node.id);
            Ok(())
        }
        Registration::InUse(holder) => Err(RegisterError::InUse {
            node: node.id.clone(),
            started_at: holder.started_at,
            last_heartbeat: holder.last_heartbeat,
        }),
    }
}

impl<R: NodeRegistry> RegisteredNode<R> {
    /// Resolves when another process took the id over ([`IdUse::Leases`]): the node must stop.
    /// Never resolves otherwise.
    pub async fn taken_over(&mut self) -> IdTakenOver {
        match (&mut self.taken_over).await {
            Ok(taken) => taken,
            // The heartbeat job has stopped: nothing more can happen to the id.
            Err(_) => pending().await,
        }
    }

    /// Removes this node from the registry (a clean stop, once the heartbeat job has stopped).
    pub async fn deregister(self) {
        if let Err(error) = self.registry.deregister(&self.node).await {
            tracing::warn!(node = %self.node.id, error = %ErrorChain(&error), "Node not deregistered; it shows as not alive");
        }
    }
}

impl<R: NodeRegistry> PeriodicJob for NodeHeartbeat<R> {
    fn name(&self) -> &'static str {
        "node-heartbeat"
    }

    fn period(&self) -> Duration {
        Duration::try_from(HEARTBEAT_INTERVAL).unwrap_or_default()
    }

    /// The first run (at start-up) only forgets silent nodes: registering was the first beat.
    fn runs_at_start(&self) -> bool {
        true
    }

    async fn run(&self) {
        let mut beats = self.beats.lock().await;
        let run = beats.runs;
        beats.runs += 1;
        if beats.taken_over.is_none() {
            return;
        }
        if run > 0 {
            self.beat(&mut beats).await;
        }
        if run.is_multiple_of(FORGET_EVERY) && beats.taken_over.is_some() {
            forget_silent_nodes(&self.registry).await;
        }
    }
}

impl<R: NodeRegistry> NodeHeartbeat<R> {
    /// Renews the registration. When another process took the id: for [`IdUse::Leases`] says
    /// so (the node must stop), else warns and keeps trying.
    async fn beat(&self, beats: &mut Beats) {
        let node = &mut beats.node;
        node.last_heartbeat = whole_microseconds(OffsetDateTime::now_utc());
        match self.registry.heartbeat(node, node.last_heartbeat - ALIVE_WITHIN).await {
            Ok(Registration::Held) if beats.failing => {
                beats.failing = false;
                tracing::info!(node = %node.id, "Node heartbeat renewed");
            }
            Ok(Registration::Held) => tracing::debug!(node = %node.id, "Node heartbeat"),
            Ok(Registration::InUse(holder)) if self.id_use == IdUse::Label => {
                if !beats.failing {
                    beats.failing = true;
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
                let taken =
                    IdTakenOver { node: node.id.clone(), holder_started_at: holder.started_at };
                if let Some(signal) = beats.taken_over.take() {
                    // Nobody listening means the node is stopping anyway.
                    let _ = signal.send(taken);
                }
            }
            Err(error) if !beats.failing => {
                beats.failing = true;
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
#[path = "node_heartbeat_tests.rs"]
mod tests;
