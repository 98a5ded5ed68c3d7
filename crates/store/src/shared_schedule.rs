//! The shared schedule's SQL (PostgreSQL, table `check_schedule`), behind the domain's
//! `SharedScheduleStore` port: claim due sites and release them with the result of their check
//! (`shared_slots.rs`), keep the rows in step with the enabled websites. Every time it works
//! out comes from the database's clock, so nodes need not agree on theirs. It runs on a small
//! pool of its own, so that claims never queue behind the check writer or the API.

use std::time::Duration;

use diesel::sql_types::{BigInt, Double, Integer, Nullable, Text, Timestamp};
use diesel::{QueryableByName, sql_query};
use diesel_async::RunQueryDsl;
use lookout_domain::monitoring::{
    Claimed, ScheduleEntry, SharedScheduleError, SharedScheduleStore, SlotRelease,
};
use lookout_domain::node::NodeId;
use lookout_domain::regions::RegionName;
use lookout_domain::{CircuitBreaker, WebsiteId};
use time::PrimitiveDateTime;

use crate::StoreError;
use crate::check_settings::CheckSpecCache;
use crate::connection::PgPool;
use crate::time_conv::from_column;

/// The database's UTC wall clock as a `timestamp`.
pub(crate) const NOW: &str = "(now() AT TIME ZONE 'UTC')";

/// Connections of the shared schedule's own pool (claims, releases, upkeep, API changes).
pub(crate) const SCHEDULE_POOL_SIZE: usize = 4;

/// The regions of `w` (a `websites` row) as schedule rows: one per chosen region, or one `''`
/// (any region) for a site that chose none.
const REGIONS_OF_W: &str = "jsonb_array_elements_text(COALESCE(w.regions, '[\"\"]')::jsonb)";

/// The shared schedule in PostgreSQL (see `Store::shared_schedule`).
#[derive(Clone)]
pub struct PgSharedSchedule {
    pub(crate) pool: PgPool,
    pub(crate) checks: CheckSpecCache,
    /// This node's region (`''`: none): it claims rows of its region and of sites checked from
    /// any region.
    pub(crate) region: String,
}

impl std::fmt::Debug for PgSharedSchedule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgSharedSchedule").field("pool", &self.pool.status()).finish()
    }
}

impl From<StoreError> for SharedScheduleError {
    fn from(error: StoreError) -> Self {
        if error.is_unavailable() {
            Self::Unavailable(Box::new(error))
        } else {
            Self::Unknown(Box::new(error))
        }
    }
}

#[derive(QueryableByName)]
struct EntryRow {
    #[diesel(sql_type = BigInt)]
    website_id: i64,
    #[diesel(sql_type = Timestamp)]
    next_due: PrimitiveDateTime,
    #[diesel(sql_type = Integer)]
    breaker_failures: i32,
    #[diesel(sql_type = Nullable<Timestamp>)]
    breaker_open_until: Option<PrimitiveDateTime>,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

pub(crate) fn website_id(raw: i64) -> Result<WebsiteId, StoreError> {
    WebsiteId::new(raw).map_err(|e| StoreError::CorruptRow(format!("website id {raw}: {e}")))
}

/// The breaker as stored: open until a time, or a count of consecutive failures.
pub(crate) fn breaker(failures: i32, open_until: Option<PrimitiveDateTime>) -> CircuitBreaker {
    match open_until {
        Some(until) => CircuitBreaker::Open { until: from_column(until) },
        None => CircuitBreaker::Closed { failures: u32::try_from(failures).unwrap_or(0) },
    }
}

impl PgSharedSchedule {
    /// The same schedule, claiming for a node of `region` (`None`: a node with no region,
    /// which checks only sites that chose none).
    pub fn for_region(mut self, region: Option<&RegionName>) -> Self {
        self.region = region.map(|r| r.as_str().to_owned()).unwrap_or_default();
        self
    }

    /// Hands back every slot `node` holds under a lease, due at once: a node restarting under
    /// the same id does not wait for its old leases to run out. Elided slots are not held (their
    /// rows moved on at the claim). Returns how many.
    async fn return_all_rows(&self, node: &NodeId) -> Result<usize, StoreError> {
        let mut conn = self.pool.get().await?;
        let returned = sql_query(format!(
            "UPDATE check_schedule SET next_due_at = claimed_due, claimed_due = NULL, \
                 lease_owner = NULL, changed_at = {NOW} WHERE lease_owner = $1"
        ))
        .bind::<Text, _>(node.as_str())
        .execute(&mut conn)
        .await?;
        Ok(returned)
    }

    /// Schedules a site (created, enabled, or its regions changed): one row per region it is
    /// checked from, due now or sooner than its next slot would be; rows of regions it no longer
    /// chose go (a check in flight there finishes; its release finds no row).
    async fn add_rows(&self, id: WebsiteId, interval: Duration) -> Result<(), StoreError> {
        let mut conn = self.pool.get().await?;
        sql_query(format!(
            "INSERT INTO check_schedule (website_id, region, next_due_at, changed_at) \
             SELECT w.id, r.region, {NOW}, {NOW} FROM websites w, {REGIONS_OF_W} AS r(region) \
             WHERE w.id = $1 \
             ON CONFLICT (website_id, region) DO UPDATE SET \
                 next_due_at = LEAST(check_schedule.next_due_at, {NOW} + $2 * interval '1 second'), \
                 changed_at = {NOW} \
             WHERE check_schedule.claimed_due IS NULL"
        ))
        .bind::<BigInt, _>(id.get())
        .bind::<Double, _>(interval.as_secs_f64())
        .execute(&mut conn)
        .await?;
        sql_query(format!(
            "DELETE FROM check_schedule s USING websites w \
             WHERE s.website_id = $1 AND w.id = s.website_id \
                 AND s.region NOT IN (SELECT * FROM {REGIONS_OF_W})"
        ))
        .bind::<BigInt, _>(id.get())
        .execute(&mut conn)
        .await?;
        Ok(())
    }

    /// Stops scheduling a site (disabled or deleted). A check in flight finishes; its release
    /// finds no row.
    async fn remove_rows(&self, id: WebsiteId) -> Result<(), StoreError> {
        let mut conn = self.pool.get().await?;
        sql_query("DELETE FROM check_schedule WHERE website_id = $1")
            .bind::<BigInt, _>(id.get())
            .execute(&mut conn)
            .await?;
        Ok(())
    }

    /// Brings the rows in step with the websites: every enabled site gets a row for each region
    /// it is checked from, first due at a random point of its first interval (so that sites
    /// loaded together are spread out); rows of disabled sites that no one holds go, and so do
    /// rows of regions a site no longer chose. Returns (added, removed).
    async fn sync_rows(&self) -> Result<(usize, usize), StoreError> {
        let mut conn = self.pool.get().await?;
        let added = sql_query(format!(
            "INSERT INTO check_schedule (website_id, region, next_due_at, changed_at) \
             SELECT w.id, r.region, {NOW} + w.check_interval * random() * interval '1 second', \
                 {NOW} \
             FROM websites w, {REGIONS_OF_W} AS r(region) WHERE w.enabled \
                 AND NOT EXISTS (SELECT 1 FROM check_schedule s \
                     WHERE s.website_id = w.id AND s.region = r.region) \
             ON CONFLICT (website_id, region) DO NOTHING"
        ))
        .execute(&mut conn)
        .await?;
        let removed = sql_query(format!(
            "DELETE FROM check_schedule s USING websites w \
             WHERE w.id = s.website_id AND ((NOT w.enabled AND s.claimed_due IS NULL) \
                 OR s.region NOT IN (SELECT * FROM {REGIONS_OF_W}))"
        ))
        .execute(&mut conn)
        .await?;
        if added > 0 {
            // The claim reads `(region, next_due_at)` in order, and finds each claimed site by
            // its key, only when PostgreSQL knows how many rows the tables hold; tables never
            // analysed look tiny to the planner, which then sorts every due row and scans every
            // website at each claim. Autovacuum analyses them later; a node that has just
            // scheduled new sites should not wait for that.
            sql_query("ANALYZE check_schedule, websites").execute(&mut conn).await?;
        }
        Ok((added, removed))
    }

    /// Every row this node's region checks: the slot in progress or the next one, and the
    /// breaker.
    async fn entries_rows(&self) -> Result<Vec<ScheduleEntry>, StoreError> {
        let mut conn = self.pool.get().await?;
        let rows: Vec<EntryRow> = sql_query(
            "SELECT website_id, COALESCE(claimed_due, next_due_at) AS next_due, \
                 breaker_failures, breaker_open_until FROM check_schedule \
             WHERE region IN ('', $1)",
        )
        .bind::<Text, _>(&self.region)
        .load(&mut conn)
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(ScheduleEntry {
                    id: website_id(row.website_id)?,
                    next_due: from_column(row.next_due),
                    breaker: breaker(row.breaker_failures, row.breaker_open_until),
                })
            })
            .collect()
    }

    /// Rows in the schedule.
    async fn scheduled_rows(&self) -> Result<usize, StoreError> {
        let mut conn = self.pool.get().await?;
        let count: Count =
            sql_query("SELECT count(*) AS n FROM check_schedule").get_result(&mut conn).await?;
        Ok(usize::try_from(count.n).unwrap_or(0))
    }
}

impl SharedScheduleStore for PgSharedSchedule {
    async fn claim(
        &self,
        node: &NodeId,
        horizon: Duration,
        lease: Duration,
        check_timeout: Duration,
        limit: usize,
    ) -> Result<Claimed, SharedScheduleError> {
        Ok(self.claim_rows(node, horizon, lease, check_timeout, limit).await?)
    }

    async fn release(
        &self,
        node: &NodeId,
        released: &[SlotRelease],
    ) -> Result<usize, SharedScheduleError> {
        Ok(self.release_rows(node, released).await?)
    }

    async fn return_all(&self, node: &NodeId) -> Result<usize, SharedScheduleError> {
        Ok(self.return_all_rows(node).await?)
    }

    async fn add(&self, id: WebsiteId, interval: Duration) -> Result<(), SharedScheduleError> {
        Ok(self.add_rows(id, interval).await?)
    }

    async fn remove(&self, id: WebsiteId) -> Result<(), SharedScheduleError> {
        Ok(self.remove_rows(id).await?)
    }

    async fn sync(&self) -> Result<(usize, usize), SharedScheduleError> {
        Ok(self.sync_rows().await?)
    }

    async fn entries(&self) -> Result<Vec<ScheduleEntry>, SharedScheduleError> {
        Ok(self.entries_rows().await?)
    }

    async fn scheduled(&self) -> Result<usize, SharedScheduleError> {
        Ok(self.scheduled_rows().await?)
    }
}
