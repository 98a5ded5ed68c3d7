//! The shared schedule's SQL (PostgreSQL, table `check_schedule`), behind the domain's
//! `SharedScheduleStore` port: claim due sites under a lease, release them with the result of
//! their check, keep the rows in step with the enabled websites. Every time it works out comes
//! from the database's clock, so nodes need not agree on theirs. It runs on a small pool of its
//! own, so that claims never queue behind the check writer or the API.

use std::time::Duration;

use diesel::sql_types::{Array, BigInt, Double, Integer, Nullable, Text, Timestamp};
use diesel::{QueryableByName, sql_query};
use diesel_async::RunQueryDsl;
use lookout_domain::monitoring::{
    Claimed, LeasedSlot, ScheduleEntry, SharedScheduleError, SharedScheduleStore, SlotRelease,
};
use lookout_domain::node::NodeId;
use lookout_domain::regions::RegionName;
use lookout_domain::{CheckTarget, CircuitBreaker, WebsiteId, WebsiteName, WebsiteUrl};
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::StoreError;
use crate::check_settings::CheckSpecCache;
use crate::connection::PgPool;
use crate::time_conv::{from_column, to_column};

/// The database's UTC wall clock as a `timestamp`.
const NOW: &str = "(now() AT TIME ZONE 'UTC')";

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
struct ClaimRow {
    #[diesel(sql_type = BigInt)]
    website_id: i64,
    #[diesel(sql_type = Text)]
    url: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Timestamp)]
    claimed_due: PrimitiveDateTime,
    #[diesel(sql_type = Integer)]
    check_interval: i32,
    #[diesel(sql_type = Integer)]
    breaker_failures: i32,
    #[diesel(sql_type = Nullable<Timestamp>)]
    breaker_open_until: Option<PrimitiveDateTime>,
    #[diesel(sql_type = Timestamp)]
    db_now: PrimitiveDateTime,
    #[diesel(sql_type = Nullable<Text>)]
    request: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    assertions: Option<String>,
    #[diesel(sql_type = Nullable<Integer>)]
    degraded_above_ms: Option<i32>,
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

fn website_id(raw: i64) -> Result<WebsiteId, StoreError> {
    WebsiteId::new(raw).map_err(|e| StoreError::CorruptRow(format!("website id {raw}: {e}")))
}

/// The breaker as stored: open until a time, or a count of consecutive failures.
fn breaker(failures: i32, open_until: Option<PrimitiveDateTime>) -> CircuitBreaker {
    match open_until {
        Some(until) => CircuitBreaker::Open { until: from_column(until) },
        None => CircuitBreaker::Closed { failures: u32::try_from(failures).unwrap_or(0) },
    }
}

/// The stored form of a breaker. A trial still out (half-open) is stored as open until now,
/// so that the next holder runs the trial again.
fn breaker_columns(breaker: CircuitBreaker) -> (i32, Option<PrimitiveDateTime>) {
    match breaker {
        CircuitBreaker::Closed { failures } => (i32::try_from(failures).unwrap_or(i32::MAX), None),
        CircuitBreaker::Open { until } => (0, Some(to_column(until))),
        CircuitBreaker::HalfOpen => (0, Some(to_column(OffsetDateTime::now_utc()))),
    }
}

impl PgSharedSchedule {
    /// The same schedule, claiming for a node of `region` (`None`: a node with no region,
    /// which checks only sites that chose none).
    pub fn for_region(mut self, region: Option<&RegionName>) -> Self {
        self.region = region.map(|r| r.as_str().to_owned()).unwrap_or_default();
        self
    }

    /// Claims up to `limit` enabled sites due within `horizon`, for `lease`: each is due again
    /// when the lease runs out unless released first. A site whose lease ran out is claimed for
    /// the slot its last holder never finished.
    async fn claim_rows(
        &self,
        node: &NodeId,
        horizon: Duration,
        lease: Duration,
        limit: usize,
    ) -> Result<Claimed, StoreError> {
        let mut conn = self.pool.get().await?;
        let rows: Vec<ClaimRow> = sql_query(format!(
            "WITH due AS ( \
                 SELECT s.website_id, s.region FROM check_schedule s \
                     JOIN websites w ON w.id = s.website_id \
                 WHERE s.region IN ('', $5) \
                     AND s.next_due_at <= {NOW} + $2 * interval '1 second' AND w.enabled \
                 ORDER BY s.next_due_at LIMIT $3 FOR UPDATE OF s SKIP LOCKED) \
             UPDATE check_schedule s SET \
                 claimed_due = COALESCE(s.claimed_due, s.next_due_at), \
                 next_due_at = {NOW} + $4 * interval '1 second', \
                 lease_owner = $1, changed_at = {NOW} \
             FROM due, websites w \
             WHERE s.website_id = due.website_id AND s.region = due.region \
                 AND w.id = s.website_id \
             RETURNING s.website_id, w.url, w.name, s.claimed_due, w.check_interval, s.breaker_failures, \
                 s.breaker_open_until, {NOW} AS db_now, w.request, w.assertions, \
                 w.degraded_above_ms"
        ))
        .bind::<Text, _>(node.as_str())
        .bind::<Double, _>(horizon.as_secs_f64())
        .bind::<BigInt, _>(i64::try_from(limit).unwrap_or(i64::MAX))
        .bind::<Double, _>(lease.as_secs_f64())
        .bind::<Text, _>(&self.region)
        .load(&mut conn)
        .await?;
        let db_now = <[ClaimRow]>::first(&rows).map(|r| from_column(r.db_now));
        let slots = rows
            .into_iter()
            .map(|row| {
                let id = website_id(row.website_id)?;
                let url = WebsiteUrl::parse(&row.url)
                    .map_err(|e| StoreError::CorruptRow(format!("url of {id}: {e}")))?;
                let name = WebsiteName::parse(&row.name)
                    .map_err(|e| StoreError::CorruptRow(format!("name of {id}: {e}")))?;
                let check = self
                    .checks
                    .get(row.website_id, (row.request, row.assertions, row.degraded_above_ms))
                    .map_err(|e| StoreError::CorruptRow(format!("check settings of {id}: {e}")))?;
                Ok(LeasedSlot {
                    target: CheckTarget { id, url, name, check },
                    due_at: from_column(row.claimed_due),
                    breaker: breaker(row.breaker_failures, row.breaker_open_until),
                    interval: Duration::from_secs(u64::try_from(row.check_interval).unwrap_or(1)),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Claimed { slots, db_now })
    }

    /// Hands checked slots back: each is due next as its release says, unless the site's
    /// interval changed while it was checked: then at its slot plus the new interval (the first
    /// such slot still ahead), or when its breaker closes, if later.
    async fn release_rows(
        &self,
        node: &NodeId,
        released: &[SlotRelease],
    ) -> Result<usize, StoreError> {
        if released.is_empty() {
            return Ok(0);
        }
        let ids: Vec<i64> = released.iter().map(|r| r.id.get()).collect();
        let slots: Vec<PrimitiveDateTime> = released.iter().map(|r| to_column(r.slot)).collect();
        let (failures, open_until): (Vec<i32>, Vec<Option<PrimitiveDateTime>>) =
            released.iter().map(|r| breaker_columns(r.breaker)).unzip();
        let next_due: Vec<PrimitiveDateTime> =
            released.iter().map(|r| to_column(r.next_due)).collect();
        let intervals: Vec<i32> = released
            .iter()
            .map(|r| i32::try_from(r.interval.as_secs()).unwrap_or(i32::MAX))
            .collect();
        let mut conn = self.pool.get().await?;
        let updated = sql_query(format!(
            "UPDATE check_schedule s SET \
                 next_due_at = CASE WHEN w.check_interval = d.interval THEN d.next_due \
                     ELSE GREATEST( \
                         s.claimed_due + w.check_interval * interval '1 second' * GREATEST(1, \
                             floor(extract(epoch FROM {NOW} - s.claimed_due) / w.check_interval) + 1), \
                         d.open_until) END, \
                 claimed_due = NULL, lease_owner = NULL, \
                 breaker_failures = d.failures, breaker_open_until = d.open_until, \
                 changed_at = {NOW} \
             FROM unnest($2, $3, $4, $5, $6, $7) \
                 AS d(id, slot, failures, open_until, next_due, interval), websites w \
             WHERE s.website_id = d.id AND w.id = s.website_id \
                 AND s.lease_owner = $1 AND s.claimed_due = d.slot"
        ))
        .bind::<Text, _>(node.as_str())
        .bind::<Array<BigInt>, _>(ids)
        .bind::<Array<Timestamp>, _>(slots)
        .bind::<Array<Integer>, _>(failures)
        .bind::<Array<Nullable<Timestamp>>, _>(open_until)
        .bind::<Array<Timestamp>, _>(next_due)
        .bind::<Array<Integer>, _>(intervals)
        .execute(&mut conn)
        .await?;
        Ok(updated)
    }

    /// Hands back every slot `node` holds, due at once: a node restarting under the same id
    /// does not wait for its old leases to run out. Returns how many.
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
        limit: usize,
    ) -> Result<Claimed, SharedScheduleError> {
        Ok(self.claim_rows(node, horizon, lease, limit).await?)
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
