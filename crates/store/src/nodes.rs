//! `NodeRegistry` on the store: one row per node id, renewed by an upsert that only the process
//! holding the id (same `started_at`) or a newcomer replacing a silent holder gets to write.

use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::RunQueryDsl;
use lookout_domain::node::{
    HeartbeatError, ListNodesError, NodeId, NodeInfo, NodeRegistry, Registration,
};
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::schema::nodes;
use crate::store::with_connection;
use crate::time_conv::{from_column, to_column};
use crate::{Store, StoreError};

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = nodes)]
struct NodeRow {
    id: String,
    region: String,
    version: String,
    started_at: PrimitiveDateTime,
    last_heartbeat: PrimitiveDateTime,
}

impl NodeRegistry for Store {
    async fn heartbeat(
        &self,
        node: &NodeInfo,
        free_before: OffsetDateTime,
    ) -> Result<Registration, HeartbeatError> {
        // `filter` on an upsert is the WHERE of its DO UPDATE.
        use diesel::query_dsl::methods::FilterDsl;
        let row = NodeRow::from(node);
        let written = with_connection!(self, write, |conn| {
            diesel::insert_into(nodes::table)
                .values(&row)
                .on_conflict(nodes::id)
                .do_update()
                .set((
                    nodes::region.eq(excluded(nodes::region)),
                    nodes::version.eq(excluded(nodes::version)),
                    nodes::started_at.eq(excluded(nodes::started_at)),
                    nodes::last_heartbeat.eq(excluded(nodes::last_heartbeat)),
                ))
                .filter(
                    nodes::started_at
                        .eq(row.started_at)
                        .or(nodes::last_heartbeat.le(to_column(free_before))),
                )
                .execute(&mut conn)
                .await
                .map_err(StoreError::from)?
        });
        if written > 0 {
            return Ok(Registration::Held);
        }
        let holder: NodeRow = with_connection!(self, write, |conn| {
            nodes::table
                .find(&row.id)
                .select(NodeRow::as_select())
                .first(&mut conn)
                .await
                .map_err(StoreError::from)?
        });
        Ok(Registration::InUse(holder.try_into()?))
    }

    async fn deregister(&self, node: &NodeInfo) -> Result<(), HeartbeatError> {
        let started_at = to_column(node.started_at);
        with_connection!(self, write, |conn| {
            diesel::delete(
                nodes::table
                    .filter(nodes::id.eq(node.id.as_str()))
                    .filter(nodes::started_at.eq(started_at)),
            )
            .execute(&mut conn)
            .await
            .map_err(StoreError::from)?
        });
        Ok(())
    }

    async fn forget_nodes(&self, silent_before: OffsetDateTime) -> Result<usize, HeartbeatError> {
        let before = to_column(silent_before);
        let forgotten = with_connection!(self, write, |conn| {
            diesel::delete(nodes::table.filter(nodes::last_heartbeat.lt(before)))
                .execute(&mut conn)
                .await
                .map_err(StoreError::from)?
        });
        Ok(forgotten)
    }

    async fn list_nodes(&self) -> Result<Vec<NodeInfo>, ListNodesError> {
        let rows: Vec<NodeRow> = with_connection!(self, read, |conn| {
            nodes::table
                .order(nodes::id)
                .select(NodeRow::as_select())
                .load(&mut conn)
                .await
                .map_err(StoreError::from)?
        });
        rows.into_iter().map(|row| Ok(NodeInfo::try_from(row)?)).collect()
    }
}

impl From<&NodeInfo> for NodeRow {
    fn from(node: &NodeInfo) -> Self {
        Self {
            id: node.id.as_str().to_owned(),
            region: node.region.clone(),
            version: node.version.clone(),
            started_at: to_column(node.started_at),
            last_heartbeat: to_column(node.last_heartbeat),
        }
    }
}

impl TryFrom<NodeRow> for NodeInfo {
    type Error = StoreError;

    fn try_from(row: NodeRow) -> Result<Self, StoreError> {
        let id =
            NodeId::parse(&row.id).map_err(|e| StoreError::CorruptRow(format!("node: {e}")))?;
        Ok(Self {
            id,
            region: row.region,
            version: row.version,
            started_at: from_column(row.started_at),
            last_heartbeat: from_column(row.last_heartbeat),
        })
    }
}
