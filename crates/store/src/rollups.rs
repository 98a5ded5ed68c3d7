//! `RollupStore` on the store: roll-up rows replaced a bucket and a batch of sites at a time,
//! the marks, and retention deletes. Reads go through the reader pool; each batch's writes are
//! one short transaction (on SQLite's single writer connection, between check batches).

use diesel::SqliteConnection;
use diesel::dsl::min;
use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::{AsyncConnection, RunQueryDsl};
use lookout_domain::WebsiteId;
use lookout_domain::history::{Expiring, Grain, RollupError, RollupMarks, RollupStore, Span};
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::check_sums::{RollupRow, grain_column};
use crate::rollups_sqlite::replace_rollups_sqlite;
use crate::schema::{check_rollups, monitor_checks, rollup_marks, websites};
use crate::sqlite_transaction::immediate_transaction;
use crate::store::{Pools, with_connection};
use crate::time_conv::{from_column, to_column};
use crate::{Store, StoreError};

impl Store {
    /// Ids of up to `sites` websites after `after`, ascending.
    async fn site_batch(
        &self,
        after: Option<WebsiteId>,
        sites: usize,
    ) -> Result<Vec<i64>, StoreError> {
        let after = after.map_or(0, WebsiteId::get);
        let limit = i64::try_from(sites.max(1)).unwrap_or(i64::MAX);
        Ok(with_connection!(self, read, |conn| {
            websites::table
                .filter(websites::id.gt(after))
                .order(websites::id)
                .limit(limit)
                .select(websites::id)
                .load::<i64>(&mut conn)
                .await
                .map_err(StoreError::from)?
        }))
    }

    /// Replaces the rows of `grain` at `start` of the sites in `batch` with `rows`, in one
    /// transaction. Sites deleted meanwhile are skipped (their rows went with them).
    async fn replace_rollups(
        &self,
        batch: Vec<i64>,
        grain: Grain,
        start: PrimitiveDateTime,
        rows: Vec<RollupRow>,
    ) -> Result<(), StoreError> {
        let grain = grain_column(grain);
        match &self.pools {
            // One blocking hop for the whole batch (diesel's batch insert needs the sync API).
            Pools::Sqlite { writer, .. } => {
                let mut conn = writer.get().await?;
                conn.spawn_blocking(move |conn: &mut SqliteConnection| {
                    immediate_transaction(conn, |conn| {
                        replace_rollups_sqlite(conn, &batch, grain, start, rows)
                    })
                })
                .await?;
            }
            Pools::Postgres(pool) => {
                let mut conn = pool.get().await?;
                conn.transaction(async |conn| {
                    diesel::delete(bucket_rows(&batch, grain, start)).execute(conn).await?;
                    let live: Vec<i64> = live_sites(&batch).load(conn).await?;
                    let rows = only_live(rows, &live);
                    diesel::insert_into(check_rollups::table).values(&rows).execute(conn).await
                })
                .await?;
            }
        }
        Ok(())
    }
}

/// The roll-up rows of `grain` at `start` of the sites in `batch`.
#[diesel::dsl::auto_type]
pub(crate) fn bucket_rows<'a>(batch: &'a [i64], grain: i32, start: PrimitiveDateTime) -> _ {
    check_rollups::table
        .filter(check_rollups::website_id.eq_any(batch))
        .filter(check_rollups::grain.eq(grain))
        .filter(check_rollups::bucket_start.eq(start))
}

/// Which of `batch` still exist.
#[diesel::dsl::auto_type]
pub(crate) fn live_sites<'a>(batch: &'a [i64]) -> _ {
    websites::table.filter(websites::id.eq_any(batch)).select(websites::id)
}

pub(crate) fn only_live(rows: Vec<RollupRow>, live: &[i64]) -> Vec<RollupRow> {
    rows.into_iter().filter(|row| live.contains(&row.website_id)).collect()
}

impl RollupStore for Store {
    async fn rollup_marks(&self) -> Result<RollupMarks, RollupError> {
        Ok(self.rollup_marks_now().await?)
    }

    async fn oldest_source(&self, grain: Grain) -> Result<Option<OffsetDateTime>, RollupError> {
        let oldest: Option<PrimitiveDateTime> = match grain {
            Grain::Hour => with_connection!(self, read, |conn| {
                monitor_checks::table
                    .select(min(monitor_checks::timestamp))
                    .first(&mut conn)
                    .await
                    .map_err(StoreError::from)?
            }),
            Grain::Day => with_connection!(self, read, |conn| {
                check_rollups::table
                    .filter(check_rollups::grain.eq(grain_column(Grain::Hour)))
                    .select(min(check_rollups::bucket_start))
                    .first(&mut conn)
                    .await
                    .map_err(StoreError::from)?
            }),
        };
        Ok(oldest.map(from_column))
    }

    async fn roll_up(
        &self,
        grain: Grain,
        start: OffsetDateTime,
        after: Option<WebsiteId>,
        sites: usize,
    ) -> Result<Option<WebsiteId>, RollupError> {
        let batch = self.site_batch(after, sites).await?;
        let Some(&last) = batch.last() else { return Ok(None) };
        let span = Span { start, end: start + grain.duration() };
        let sums = self.region_sums(&batch, grain, span).await?;
        let start = to_column(start);
        let rows = sums.into_iter().map(|(key, sums)| RollupRow::new(key, grain, start, &sums));
        self.replace_rollups(batch, grain, start, rows.collect()).await?;
        WebsiteId::new(last)
            .map(Some)
            .map_err(|e| StoreError::CorruptRow(format!("website id {last}: {e}")).into())
    }

    async fn set_rolled_through(
        &self,
        grain: Grain,
        through: OffsetDateTime,
    ) -> Result<(), RollupError> {
        let row = (
            rollup_marks::grain.eq(grain_column(grain)),
            rollup_marks::rolled_through.eq(to_column(through)),
        );
        with_connection!(self, write, |conn| {
            diesel::insert_into(rollup_marks::table)
                .values(row)
                .on_conflict(rollup_marks::grain)
                .do_update()
                .set(rollup_marks::rolled_through.eq(excluded(rollup_marks::rolled_through)))
                .execute(&mut conn)
                .await
                .map_err(StoreError::from)?
        });
        Ok(())
    }

    async fn delete_before(
        &self,
        what: Expiring,
        before: OffsetDateTime,
        after: Option<WebsiteId>,
        sites: usize,
    ) -> Result<Option<(WebsiteId, u64)>, RollupError> {
        // PostgreSQL: whole days go as partitions, first; the rows left (the part of a day
        // before the cut-off, the DEFAULT partition) are deleted site batch by site batch.
        let dropped = match (what, after) {
            (Expiring::RawChecks, None) => self.drop_check_partitions(before).await?,
            _ => 0,
        };
        let batch = self.site_batch(after, sites).await?;
        let Some(&last) = batch.last() else { return Ok(None) };
        let before = to_column(before);
        let deleted = match what {
            Expiring::RawChecks => with_connection!(self, write, |conn| {
                diesel::delete(
                    monitor_checks::table
                        .filter(monitor_checks::website_id.eq_any(&batch))
                        .filter(monitor_checks::timestamp.lt(before)),
                )
                .execute(&mut conn)
                .await
                .map_err(StoreError::from)?
            }),
            Expiring::HourlyRollups => with_connection!(self, write, |conn| {
                diesel::delete(
                    check_rollups::table
                        .filter(check_rollups::website_id.eq_any(&batch))
                        .filter(check_rollups::grain.eq(grain_column(Grain::Hour)))
                        .filter(check_rollups::bucket_start.lt(before)),
                )
                .execute(&mut conn)
                .await
                .map_err(StoreError::from)?
            }),
        };
        let last = WebsiteId::new(last)
            .map_err(|e| StoreError::CorruptRow(format!("website id {last}: {e}")))?;
        Ok(Some((last, deleted as u64 + dropped)))
    }
}
