//! `NodeRegistry` on the store: one row per node, its heartbeat renewed by upsert.

use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::RunQueryDsl;
use lookout_domain::node::{HeartbeatError, ListNodesError, NodeId, NodeInfo, NodeRegistry};
use time::PrimitiveDateTime;

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
    async fn heartbeat(&self, node: &NodeInfo) -> Result<(), HeartbeatError> {
        let row = NodeRow {
            id: node.id.as_str().to_owned(),
            region: node.region.clone(),
            version: node.version.clone(),
            started_at: to_column(node.started_at),
            last_heartbeat: to_column(node.last_heartbeat),
        };
        with_connection!(self, write, |conn| {
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
                .execute(&mut conn)
                .await
                .map_err(StoreError::from)?
        });
        Ok(())
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
        rows.into_iter()
            .map(|row| {
                let id = NodeId::parse(&row.id)
                    .map_err(|e| StoreError::CorruptRow(format!("node: {e}")))?;
                Ok(NodeInfo {
                    id,
                    region: row.region,
                    version: row.version,
                    started_at: from_column(row.started_at),
                    last_heartbeat: from_column(row.last_heartbeat),
                })
            })
            .collect()
    }
}
