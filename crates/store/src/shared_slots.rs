//! The shared schedule's hot path: claiming due slots (under a lease, or elided: the row moved
//! on to the next slot at once, see the domain's `SlotHold`) and releasing checked ones. One
//! statement each; every time comes from the database's clock.

use std::time::Duration;

use diesel::sql_types::{Array, BigInt, Bool, Double, Integer, Nullable, Text, Timestamp};
use diesel::{QueryableByName, sql_query};
use diesel_async::RunQueryDsl;
use lookout_domain::monitoring::{Claimed, LeasedSlot, SlotHold, SlotRelease};
use lookout_domain::node::NodeId;
use lookout_domain::{CheckTarget, CircuitBreaker, WebsiteName, WebsiteUrl};
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::StoreError;
use crate::shared_schedule::{NOW, PgSharedSchedule, breaker, website_id};
use crate::time_conv::{from_column, to_column};

/// Whether a picked row (`due`, of site `w`) is claimed elided: the site's interval is longer
/// than the check timeout (`$6`), the slot is its own (not a lease taken over), and its breaker
/// is closed with no failures.
const ELIDED: &str = "(w.check_interval > $6 AND due.claimed_due IS NULL \
     AND due.breaker_open_until IS NULL AND due.breaker_failures = 0)";

/// SQL: the first slot of site `w` after now, counting whole intervals from `slot` (at least
/// one: a slot claimed ahead of now is followed by the next).
fn next_slot_after_now(slot: &str) -> String {
    format!(
        "{slot} + w.check_interval * interval '1 second' * GREATEST(1, \
         floor(extract(epoch FROM {NOW} - {slot}) / w.check_interval) + 1)"
    )
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
    /// Claimed without a lease: the row already moved on to `next_due`.
    #[diesel(sql_type = Bool)]
    elided: bool,
    #[diesel(sql_type = Timestamp)]
    next_due: PrimitiveDateTime,
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
    /// Claims up to `limit` enabled sites due within `horizon`, for `lease`: each is due again
    /// when the lease runs out unless released first. A site whose lease ran out is claimed for
    /// the slot its last holder never finished. A site whose interval exceeds `check_timeout`,
    /// due for a slot of its own (`claimed_due IS NULL`: not a lease taken over) with its
    /// breaker closed and no failures, is claimed elided: no lease, due at once at its next
    /// slot (the slot plus the interval, the first such slot after now; a slot claimed ahead,
    /// within the horizon, lies in the future).
    pub(crate) async fn claim_rows(
        &self,
        node: &NodeId,
        horizon: Duration,
        lease: Duration,
        check_timeout: Duration,
        limit: usize,
    ) -> Result<Claimed, StoreError> {
        let mut conn = self.pool.get().await?;
        // `anywhere` (sites checked from any region) and `here` (this node's region) lock the
        // rows, so what `due` reads of them (the slot, whether to elide) is what the update
        // changes; RETURNING reads the slot from there (it sees only the new row, where an
        // elided claim left `claimed_due` NULL). Each is its own
        // ordered range of `(region, next_due_at)`, so the first `limit` rows are read in index
        // order however many are due. (One range over `region IN ('', $5)` made PostgreSQL
        // read and sort every due row at each claim: with 90,000 due, 170 ms a claim.) With a
        // region, up to `limit` rows of the other range are locked for the statement and left
        // as they were. (A UNION may not lock rows, hence two locking CTEs.)
        let claim_next = next_slot_after_now("due.next_due_at");
        let rows: Vec<ClaimRow> = sql_query(format!(
            "WITH anywhere AS (SELECT * FROM check_schedule WHERE region = '' \
                 AND next_due_at <= {NOW} + $2 * interval '1 second' \
                 ORDER BY next_due_at LIMIT $3 FOR UPDATE SKIP LOCKED), \
             here AS (SELECT * FROM check_schedule WHERE region = $5 AND $5 <> '' \
                 AND next_due_at <= {NOW} + $2 * interval '1 second' \
                 ORDER BY next_due_at LIMIT $3 FOR UPDATE SKIP LOCKED), \
             picked AS (SELECT * FROM anywhere UNION ALL SELECT * FROM here), \
             due AS (SELECT * FROM picked ORDER BY next_due_at LIMIT $3) \
             UPDATE check_schedule s SET \
                 claimed_due = CASE WHEN {ELIDED} THEN NULL \
                     ELSE COALESCE(due.claimed_due, due.next_due_at) END, \
                 next_due_at = CASE WHEN {ELIDED} THEN \
                     {claim_next} \
                     ELSE {NOW} + $4 * interval '1 second' END, \
                 lease_owner = CASE WHEN {ELIDED} THEN NULL ELSE $1 END, \
                 changed_at = {NOW} \
             FROM due, websites w \
             WHERE s.website_id = due.website_id AND s.region = due.region \
                 AND w.id = s.website_id AND w.enabled \
             RETURNING s.website_id, w.url, w.name, \
                 COALESCE(s.claimed_due, due.next_due_at) AS claimed_due, \
                 s.claimed_due IS NULL AS elided, s.next_due_at AS next_due, w.check_interval, s.breaker_failures, \
                 s.breaker_open_until, {NOW} AS db_now, w.request, w.assertions, \
                 w.degraded_above_ms"
        ))
        .bind::<Text, _>(node.as_str())
        .bind::<Double, _>(horizon.as_secs_f64())
        .bind::<BigInt, _>(i64::try_from(limit).unwrap_or(i64::MAX))
        .bind::<Double, _>(lease.as_secs_f64())
        .bind::<Text, _>(&self.region)
        .bind::<Double, _>(check_timeout.as_secs_f64())
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
                let hold = if row.elided {
                    SlotHold::Elided { next_due: from_column(row.next_due) }
                } else {
                    SlotHold::Leased
                };
                Ok(LeasedSlot {
                    target: CheckTarget { id, url, name, check },
                    due_at: from_column(row.claimed_due),
                    hold,
                    breaker: breaker(row.breaker_failures, row.breaker_open_until),
                    interval: Duration::from_secs(u64::try_from(row.check_interval).unwrap_or(1)),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Claimed { slots, db_now })
    }

    /// Hands checked slots back: each is due next as its release says, unless the site's
    /// interval changed while it was checked: then at its slot plus the new interval (the first
    /// such slot still ahead), or when its breaker closes, if later. A leased slot's row is
    /// matched by its holder and slot; an elided slot's by no holder and the next due time its
    /// claim wrote: once another node has claimed that next slot, the row has moved on and the
    /// release matches nothing (a late failure is not counted).
    pub(crate) async fn release_rows(
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
        let elided_next: Vec<Option<PrimitiveDateTime>> = released
            .iter()
            .map(|r| match r.hold {
                SlotHold::Leased => None,
                SlotHold::Elided { next_due } => Some(to_column(next_due)),
            })
            .collect();
        let release_next = next_slot_after_now("d.slot");
        let mut conn = self.pool.get().await?;
        let updated = sql_query(format!(
            "UPDATE check_schedule s SET \
                 next_due_at = CASE WHEN w.check_interval = d.interval THEN d.next_due \
                     ELSE GREATEST( \
                         {release_next}, \
                         d.open_until) END, \
                 claimed_due = NULL, lease_owner = NULL, \
                 breaker_failures = d.failures, breaker_open_until = d.open_until, \
                 changed_at = {NOW} \
             FROM unnest($2, $3, $4, $5, $6, $7, $8) \
                 AS d(id, slot, failures, open_until, next_due, interval, elided_next), websites w \
             WHERE s.website_id = d.id AND s.region IN ('', $9) AND w.id = s.website_id \
                 AND CASE WHEN d.elided_next IS NULL \
                     THEN s.lease_owner = $1 AND s.claimed_due = d.slot \
                     ELSE s.lease_owner IS NULL AND s.claimed_due IS NULL \
                         AND s.next_due_at = d.elided_next END"
        ))
        .bind::<Text, _>(node.as_str())
        .bind::<Array<BigInt>, _>(ids)
        .bind::<Array<Timestamp>, _>(slots)
        .bind::<Array<Integer>, _>(failures)
        .bind::<Array<Nullable<Timestamp>>, _>(open_until)
        .bind::<Array<Timestamp>, _>(next_due)
        .bind::<Array<Integer>, _>(intervals)
        .bind::<Array<Nullable<Timestamp>>, _>(elided_next)
        .bind::<Text, _>(&self.region)
        .execute(&mut conn)
        .await?;
        Ok(updated)
    }
}
