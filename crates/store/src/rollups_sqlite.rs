//! Replacing a bucket's roll-up rows on SQLite, as one blocking closure on the sync connection
//! (diesel's multi-row insert needs the sync API there).

use diesel::SqliteConnection;
use diesel::prelude::*;
use time::PrimitiveDateTime;

use crate::check_sums::RollupRow;
use crate::rollups::{bucket_rows, live_sites, only_live};
use crate::schema::check_rollups;

pub(crate) fn replace_rollups_sqlite(
    conn: &mut SqliteConnection,
    batch: &[i64],
    grain: i32,
    start: PrimitiveDateTime,
    rows: Vec<RollupRow>,
) -> QueryResult<usize> {
    diesel::delete(bucket_rows(batch, grain, start)).execute(conn)?;
    let live: Vec<i64> = live_sites(batch).load(conn)?;
    diesel::insert_into(check_rollups::table).values(&only_live(rows, &live)).execute(conn)
}
