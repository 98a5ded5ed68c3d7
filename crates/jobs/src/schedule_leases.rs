//! The shared schedule's SQL (PostgreSQL, table `check_schedule`): claim due sites under a
//! lease, release them with their next slot and breaker state, keep the rows in step with the
//! enabled websites. Every time comes from the database's clock, so nodes need not agree on
//! theirs.

use std::time::Duration;

use diesel::sql_types::{Array, BigInt, Bool, Double, Integer, Nullable, Text, Timestamp};
use diesel::{QueryableByName, sql_query};
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use lookout_domain::{CheckTarget, CircuitBreaker, WebsiteId, WebsiteName, WebsiteUrl};
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// The database's UTC wall clock as a `timestamp`.
const NOW: &str = "(now() AT TIME ZONE 'UTC')";

/// Why a schedule query failed.
#[derive(Debug, thiserror::Error)]
pub enum LeaseError {
    #[error("cannot reach the database: {0}")]
    Unavailable(String),
    #[error("schedule query failed: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("bad row in check_schedule: {0}")]
    CorruptRow(String),
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for LeaseError {
    fn from(error: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        Self::Unavailable(error.to_string())
    }
}

/// A site claimed for one slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeasedSite {
    pub target: CheckTarget,
    /// The slot: when the check was due.
    pub due_at: OffsetDateTime,
    /// The shared breaker as the last check left it.
    pub breaker: CircuitBreaker,
    /// The site's check interval.
    pub interval: Duration,
}

/// What one claim returned, with the database's clock at the time.
#[derive(Debug, Default)]
pub struct Claimed {
    pub sites: Vec<LeasedSite>,
    pub db_now: Option<OffsetDateTime>,
}

/// A slot handed back: the breaker after the check, and whether the check ran at all (a
/// slot never started stays due, for any node to take).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Release {
    pub id: WebsiteId,
    pub due_at: OffsetDateTime,
    pub breaker: CircuitBreaker,
    pub ran: bool,
}

/// One row of the schedule, for status reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduleEntry {
    pub id: WebsiteId,
    /// The slot being checked now, or the next one.
    pub next_due: OffsetDateTime,
    pub breaker: CircuitBreaker,
}

/// The shared schedule's queries, on a small pool of their own.
#[derive(Clone)]
pub struct ScheduleLeases {
    pool: Pool<AsyncPgConnection>,
}

impl std::fmt::Debug for ScheduleLeases {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScheduleLeases").field("pool", &self.pool.status()).finish()
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

fn utc(at: PrimitiveDateTime) -> OffsetDateTime {
    at.assume_utc()
}

fn column(at: OffsetDateTime) -> PrimitiveDateTime {
    let at = at.to_offset(UtcOffset::UTC);
    PrimitiveDateTime::new(at.date(), at.time())
}

fn website_id(raw: i64) -> Result<WebsiteId, LeaseError> {
    WebsiteId::new(raw).map_err(|e| LeaseError::CorruptRow(format!("website id {raw}: {e}")))
}

/// The breaker as stored: open until a time, or a count of consecutive failures.
fn breaker(failures: i32, open_until: Option<PrimitiveDateTime>) -> CircuitBreaker {
    match open_until {
        Some(until) => CircuitBreaker::Open { until: utc(until) },
        None => CircuitBreaker::Closed { failures: u32::try_from(failures).unwrap_or(0) },
    }
}

/// The stored form of a breaker. A trial still out (half-open) is stored as open until now,
/// so that the next holder runs the trial again.
fn breaker_columns(breaker: CircuitBreaker) -> (i32, Option<PrimitiveDateTime>) {
    match breaker {
        CircuitBreaker::Closed { failures } => (i32::try_from(failures).unwrap_or(i32::MAX), None),
        CircuitBreaker::Open { until } => (0, Some(column(until))),
        CircuitBreaker::HalfOpen => (0, Some(column(OffsetDateTime::now_utc()))),
    }
}

impl ScheduleLeases {
    /// A pool of `size` connections to `url`; callers wait at most `wait` for one.
    pub fn connect(url: &str, size: usize, wait: Duration) -> Result<Self, LeaseError> {
        let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new(url);
        let pool = Pool::builder(manager)
            .max_size(size.max(1))
            .runtime(deadpool::Runtime::Tokio1)
            .wait_timeout(Some(wait))
            .create_timeout(Some(wait))
            .build()
            .map_err(|e| LeaseError::Unavailable(e.to_string()))?;
        Ok(Self { pool })
    }

    /// Claims up to `limit` enabled sites due within `horizon`, for `lease`: each is due again
    /// when the lease runs out unless released first. A site whose lease ran out is claimed for
    /// the slot its last holder never finished.
    pub async fn claim(
        &self,
        node: &str,
        horizon: Duration,
        lease: Duration,
        limit: usize,
    ) -> Result<Claimed, LeaseError> {
        let mut conn = self.pool.get().await?;
        let rows: Vec<ClaimRow> = sql_query(format!(
            "WITH due AS ( \
                 SELECT s.website_id FROM check_schedule s JOIN websites w ON w.id = s.website_id \
                 WHERE s.next_due_at <= {NOW} + $2 * interval '1 second' AND w.enabled \
                 ORDER BY s.next_due_at LIMIT $3 FOR UPDATE OF s SKIP LOCKED) \
             UPDATE check_schedule s SET \
                 claimed_due = COALESCE(s.claimed_due, s.next_due_at), \
                 next_due_at = {NOW} + $4 * interval '1 second', \
                 lease_owner = $1, changed_at = {NOW} \
             FROM due, websites w WHERE s.website_id = due.website_id AND w.id = s.website_id \
             RETURNING s.website_id, w.url, w.name, s.claimed_due, w.check_interval, s.breaker_failures, \
                 s.breaker_open_until, {NOW} AS db_now"
        ))
        .bind::<Text, _>(node)
        .bind::<Double, _>(horizon.as_secs_f64())
        .bind::<BigInt, _>(i64::try_from(limit).unwrap_or(i64::MAX))
        .bind::<Double, _>(lease.as_secs_f64())
        .load(&mut conn)
        .await?;
        let db_now = <[ClaimRow]>::first(&rows).map(|r| utc(r.db_now));
        let sites = rows
            .into_iter()
            .map(|row| {
                let id = website_id(row.website_id)?;
                let url = WebsiteUrl::parse(&row.url)
                    .map_err(|e| LeaseError::CorruptRow(format!("url of {id}: {e}")))?;
                let name = WebsiteName::parse(&row.name)
                    .map_err(|e| LeaseError::CorruptRow(format!("name of {id}: {e}")))?;
                Ok(LeasedSite {
                    target: CheckTarget { id, url, name },
                    due_at: utc(row.claimed_due),
                    breaker: breaker(row.breaker_failures, row.breaker_open_until),
                    interval: Duration::from_secs(u64::try_from(row.check_interval).unwrap_or(1)),
                })
            })
            .collect::<Result<_, LeaseError>>()?;
        Ok(Claimed { sites, db_now })
    }

    /// Hands slots back: each site that was checked is due next at its slot plus its
    /// (current) interval — the first such slot still ahead — or when its breaker closes, if
    /// later; a slot never started is due again at once.
    /// Slots no longer held by `node` (the lease ran out and another node took it, or the
    /// site was disabled) are left alone. Returns how many were released.
    pub async fn release(&self, node: &str, released: &[Release]) -> Result<usize, LeaseError> {
        if released.is_empty() {
            return Ok(0);
        }
        let ids: Vec<i64> = released.iter().map(|r| r.id.get()).collect();
        let dues: Vec<PrimitiveDateTime> = released.iter().map(|r| column(r.due_at)).collect();
        let (failures, open_until): (Vec<i32>, Vec<Option<PrimitiveDateTime>>) =
            released.iter().map(|r| breaker_columns(r.breaker)).unzip();
        let ran: Vec<bool> = released.iter().map(|r| r.ran).collect();
        let mut conn = self.pool.get().await?;
        let updated = sql_query(format!(
            "UPDATE check_schedule s SET \
                 next_due_at = CASE WHEN NOT d.ran THEN s.claimed_due ELSE GREATEST( \
                     s.claimed_due + w.check_interval * interval '1 second' * GREATEST(1, \
                         floor(extract(epoch FROM {NOW} - s.claimed_due) / w.check_interval) + 1), \
                     d.open_until) END, \
                 claimed_due = NULL, lease_owner = NULL, \
                 breaker_failures = d.failures, breaker_open_until = d.open_until, \
                 changed_at = {NOW} \
             FROM unnest($2, $3, $4, $5, $6) AS d(id, due, failures, open_until, ran), websites w \
             WHERE s.website_id = d.id AND w.id = s.website_id \
                 AND s.lease_owner = $1 AND s.claimed_due = d.due"
        ))
        .bind::<Text, _>(node)
        .bind::<Array<BigInt>, _>(ids)
        .bind::<Array<Timestamp>, _>(dues)
        .bind::<Array<Integer>, _>(failures)
        .bind::<Array<Nullable<Timestamp>>, _>(open_until)
        .bind::<Array<Bool>, _>(ran)
        .execute(&mut conn)
        .await?;
        Ok(updated)
    }

    /// Hands back every slot `node` holds, due at once: a node restarting under the same id
    /// does not wait for its old leases to run out. Returns how many.
    pub async fn return_all(&self, node: &str) -> Result<usize, LeaseError> {
        let mut conn = self.pool.get().await?;
        let returned = sql_query(format!(
            "UPDATE check_schedule SET next_due_at = claimed_due, claimed_due = NULL, \
                 lease_owner = NULL, changed_at = {NOW} WHERE lease_owner = $1"
        ))
        .bind::<Text, _>(node)
        .execute(&mut conn)
        .await?;
        Ok(returned)
    }

    /// Schedules a site (created or enabled): due now, or sooner than its next slot would be.
    pub async fn add(&self, id: WebsiteId, interval: Duration) -> Result<(), LeaseError> {
        let mut conn = self.pool.get().await?;
        sql_query(format!(
            "INSERT INTO check_schedule (website_id, next_due_at, changed_at) \
             VALUES ($1, {NOW}, {NOW}) \
             ON CONFLICT (website_id) DO UPDATE SET \
                 next_due_at = LEAST(check_schedule.next_due_at, {NOW} + $2 * interval '1 second'), \
                 changed_at = {NOW} \
             WHERE check_schedule.claimed_due IS NULL"
        ))
        .bind::<BigInt, _>(id.get())
        .bind::<Double, _>(interval.as_secs_f64())
        .execute(&mut conn)
        .await?;
        Ok(())
    }

    /// Stops scheduling a site (disabled or deleted). A check in flight finishes; its release
    /// finds no row.
    pub async fn remove(&self, id: WebsiteId) -> Result<(), LeaseError> {
        let mut conn = self.pool.get().await?;
        sql_query("DELETE FROM check_schedule WHERE website_id = $1")
            .bind::<BigInt, _>(id.get())
            .execute(&mut conn)
            .await?;
        Ok(())
    }

    /// Pulls a free site's next slot in when its new interval brings it due sooner; a held
    /// slot is advanced by the new interval at its release.
    pub async fn retime(&self, id: WebsiteId, interval: Duration) -> Result<(), LeaseError> {
        let mut conn = self.pool.get().await?;
        sql_query(format!(
            "UPDATE check_schedule SET \
                 next_due_at = LEAST(next_due_at, {NOW} + $2 * interval '1 second'), \
                 changed_at = {NOW} \
             WHERE website_id = $1 AND claimed_due IS NULL"
        ))
        .bind::<BigInt, _>(id.get())
        .bind::<Double, _>(interval.as_secs_f64())
        .execute(&mut conn)
        .await?;
        Ok(())
    }

    /// Brings the rows in step with the websites: every enabled site without a row gets one,
    /// first due at a random point of its first interval (so that sites loaded together are
    /// spread out); rows of disabled sites that no one holds go. Returns (added, removed).
    pub async fn sync(&self) -> Result<(usize, usize), LeaseError> {
        let mut conn = self.pool.get().await?;
        let added = sql_query(format!(
            "INSERT INTO check_schedule (website_id, next_due_at, changed_at) \
             SELECT w.id, {NOW} + w.check_interval * random() * interval '1 second', {NOW} \
             FROM websites w WHERE w.enabled \
                 AND NOT EXISTS (SELECT 1 FROM check_schedule s WHERE s.website_id = w.id) \
             ON CONFLICT (website_id) DO NOTHING"
        ))
        .execute(&mut conn)
        .await?;
        let removed = sql_query(
            "DELETE FROM check_schedule s USING websites w \
             WHERE w.id = s.website_id AND NOT w.enabled AND s.claimed_due IS NULL",
        )
        .execute(&mut conn)
        .await?;
        Ok((added, removed))
    }

    /// Every row: the slot in progress or the next one, and the breaker.
    pub async fn entries(&self) -> Result<Vec<ScheduleEntry>, LeaseError> {
        let mut conn = self.pool.get().await?;
        let rows: Vec<EntryRow> = sql_query(
            "SELECT website_id, COALESCE(claimed_due, next_due_at) AS next_due, \
                 breaker_failures, breaker_open_until FROM check_schedule",
        )
        .load(&mut conn)
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(ScheduleEntry {
                    id: website_id(row.website_id)?,
                    next_due: utc(row.next_due),
                    breaker: breaker(row.breaker_failures, row.breaker_open_until),
                })
            })
            .collect()
    }

    /// Rows in the schedule.
    pub async fn scheduled(&self) -> Result<usize, LeaseError> {
        let mut conn = self.pool.get().await?;
        let count: Count =
            sql_query("SELECT count(*) AS n FROM check_schedule").get_result(&mut conn).await?;
        Ok(usize::try_from(count.n).unwrap_or(0))
    }
}
