//! What the soak reads from the database lookout writes to, on either backend: the checks
//! stored since the last look, the checks' storage, the WAL.

use diesel::sql_types::{BigInt, Timestamp};

use super::grid_lateness::StoredCheck;

/// The database behind a soak, read while lookout runs and after it stops.
pub(crate) trait SoakDatabase {
    /// lookout's `DATABASE_URL`.
    fn url(&self) -> String;
    /// What the verdict allows the WAL to reach.
    fn wal_limit_bytes(&self) -> u64;
    /// What the WAL figure is, for the report.
    fn wal_meaning(&self) -> &'static str;
    /// Checks with an id above `after_id`, and the largest id among them.
    async fn checks_after(&mut self, after_id: i64) -> anyhow::Result<(Vec<StoredCheck>, i64)>;
    /// Bytes the checks take now beyond what they took before the run, and the WAL's size.
    async fn footprint(&mut self) -> anyhow::Result<Footprint>;
    /// Exact storage figures once lookout has stopped, one line each.
    async fn final_figures(&mut self, stored: i64) -> anyhow::Result<Vec<String>>;
    /// Removes the database.
    async fn remove(self) -> anyhow::Result<()>;
}

/// Storage at one moment.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Footprint {
    pub(crate) checks_bytes: u64,
    pub(crate) wal_bytes: u64,
}

/// A row of `monitor_checks` as the soak reads it (the same query on both backends).
#[derive(diesel::QueryableByName)]
pub(crate) struct CheckRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    website_id: i64,
    #[diesel(sql_type = Timestamp)]
    timestamp: time::PrimitiveDateTime,
}

/// The checks stored after `after_id`. lookout has one check writer that inserts in batches,
/// so ids become visible in order: nothing with a smaller id is committed later.
pub(crate) fn checks_query(after_id: i64) -> String {
    format!("SELECT id, website_id, timestamp FROM monitor_checks WHERE id > {after_id}")
}

/// The rows as checks, and the largest id (`after_id` when there are none).
pub(crate) fn into_checks(rows: Vec<CheckRow>, after_id: i64) -> (Vec<StoredCheck>, i64) {
    let last = rows.iter().map(|r| r.id).max().unwrap_or(after_id);
    let checks = rows
        .into_iter()
        .map(|row| StoredCheck {
            website_id: row.website_id,
            started_us: i64::try_from(row.timestamp.assume_utc().unix_timestamp_nanos() / 1000)
                .unwrap_or(i64::MAX),
        })
        .collect();
    (checks, last)
}
