//! Writing a batch of checks on SQLite, as one blocking closure on the sync connection (one
//! hop to the blocking pool per batch instead of one per statement).

use std::collections::HashSet;

use diesel::SqliteConnection;
use diesel::prelude::*;
use lookout_domain::{MonitorCheck, RecordedCheck};
use time::OffsetDateTime;

use crate::check_batch::{BatchPlan, OpenWindow, open_windows_query, plan, site_ids};
use crate::schema::{downtime_windows, monitor_checks, websites};

pub(crate) fn write_batch_sqlite(
    conn: &mut SqliteConnection,
    checks: &[MonitorCheck],
    now: OffsetDateTime,
    node: Option<&str>,
) -> QueryResult<Vec<RecordedCheck>> {
    let ids = site_ids(checks);
    let live: HashSet<i64> = websites::table
        .filter(websites::id.eq_any(&ids))
        .filter(websites::enabled.eq(true))
        .select(websites::id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    let live_ids: Vec<i64> = live.iter().copied().collect();
    let open: Vec<OpenWindow> = open_windows_query(&live_ids).load(conn)?;
    let BatchPlan { checks: rows, new_windows, closes, results } =
        plan(checks, &live, &open, now, node);
    diesel::insert_into(monitor_checks::table).values(&rows).execute(conn)?;
    if !new_windows.is_empty() {
        diesel::insert_into(downtime_windows::table).values(&new_windows).execute(conn)?;
    }
    for (id, end) in &closes {
        diesel::update(downtime_windows::table.find(id))
            .set(downtime_windows::end_time.eq(end))
            .execute(conn)?;
    }
    Ok(results)
}
