//! Node identity: every running lookout registers itself — id, region label, version — and
//! renews a heartbeat, so that operators see which nodes are up (`GET /api/nodes`) and every
//! check row says which node made it.

use std::fmt;
use std::future::Future;

use time::{Duration, OffsetDateTime};

use crate::website::BoxError;

/// How often a node renews its heartbeat.
pub const HEARTBEAT_INTERVAL: Duration = Duration::seconds(10);

/// A node counts as alive while its last heartbeat is at most this old (three missed beats).
pub const ALIVE_WITHIN: Duration = Duration::seconds(30);

/// A node whose heartbeat stopped this long ago (it crashed, or its machine went) leaves the
/// list; a node stopped cleanly leaves it at once.
pub const FORGOTTEN_AFTER: Duration = Duration::days(7);

/// 1..=64 characters of `A-Z a-z 0-9 . _ -`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NodeId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("node id must be 1 to 64 characters of letters, digits, '.', '_' or '-', got {0:?}")]
pub struct NodeIdError(pub String);

impl NodeId {
    pub fn parse(raw: &str) -> Result<Self, NodeIdError> {
        let valid = (1..=64).contains(&raw.len())
            && raw.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if valid { Ok(Self(raw.to_owned())) } else { Err(NodeIdError(raw.to_owned())) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A node as registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeInfo {
    pub id: NodeId,
    /// Free-form label (e.g. `eu-west`); empty when not set.
    pub region: String,
    pub version: String,
    pub started_at: OffsetDateTime,
    pub last_heartbeat: OffsetDateTime,
}

impl NodeInfo {
    pub fn is_alive(&self, now: OffsetDateTime) -> bool {
        now - self.last_heartbeat <= ALIVE_WITHIN
    }
}

/// The outcome of a heartbeat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registration {
    /// The id is this process's: registered or renewed.
    Held,
    /// Another process holds the id (two nodes were given one `node.id`); its row as read.
    InUse(NodeInfo),
}

#[derive(Debug, thiserror::Error)]
pub enum HeartbeatError {
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum ListNodesError {
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

/// Where nodes register (the outbound port the heartbeat and the directory use).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait NodeRegistry: Send + Sync + 'static {
    /// Registers `node` or renews its heartbeat (the whole row replaced), unless another
    /// process holds the id: a row with another `started_at` whose last heartbeat is after
    /// `free_before`. A row whose heartbeat is at or before `free_before` is taken over.
    fn heartbeat(
        &self,
        node: &NodeInfo,
        free_before: OffsetDateTime,
    ) -> impl Future<Output = Result<Registration, HeartbeatError>> + Send;

    /// Removes `node`'s row if it is still this process's (a clean stop).
    fn deregister(
        &self,
        node: &NodeInfo,
    ) -> impl Future<Output = Result<(), HeartbeatError>> + Send;

    /// Removes every node whose last heartbeat is before `silent_before`; returns how many.
    fn forget_nodes(
        &self,
        silent_before: OffsetDateTime,
    ) -> impl Future<Output = Result<usize, HeartbeatError>> + Send;

    /// Every node that ever registered, by id.
    fn list_nodes(&self) -> impl Future<Output = Result<Vec<NodeInfo>, ListNodesError>> + Send;
}

/// The nodes, as the inbound adapters see them (`GET /api/nodes`).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait NodeDirectory: Send + Sync + 'static {
    /// Every node registered with this database (running ones, and crashed ones until
    /// forgotten), by id.
    fn list_nodes(&self) -> impl Future<Output = Result<Vec<NodeInfo>, ListNodesError>> + Send;
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn ids_are_short_and_plain() {
        assert_eq!(NodeId::parse("web-1.eu_west").unwrap().as_str(), "web-1.eu_west");
        for bad in ["", "a b", "ü", "x/y", &"n".repeat(65)] {
            assert!(NodeId::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_node_is_alive_until_three_heartbeats_are_missed() {
        let beat = datetime!(2026-11-28 12:00 UTC);
        let node = NodeInfo {
            id: NodeId::parse("a").unwrap(),
            region: String::new(),
            version: "0.1.0".into(),
            started_at: beat,
            last_heartbeat: beat,
        };
        assert!(node.is_alive(beat + Duration::seconds(30)));
        assert!(!node.is_alive(beat + Duration::seconds(31)));
    }
}
