//! Recording a round of send attempts: one `delivery_attempts` row each, the delivery's new
//! status, and the channels' pacing, in one transaction. On PostgreSQL the rows go in as one
//! multi-row insert and one update over arrays (a storm's round of hundreds of attempts is a
//! few round trips, not two per attempt); SQLite, in process, writes them row by row.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Nullable, Text, Timestamp};
use diesel_async::{AsyncConnection, RunQueryDsl};
use lookout_domain::alerting::{
    AfterAttempt, AttemptRecord, ChannelPacing, DeliveryStatus, SendOutcome,
};
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::alert_batch_write::ROWS_PER_STATEMENT;
use crate::schema::{channels, deliveries, delivery_attempts};
use crate::store::Pools;
use crate::time_conv::{from_column, to_column};
use crate::{Store, StoreError};

#[derive(Debug, Insertable)]
#[diesel(table_name = delivery_attempts)]
struct AttemptRow {
    delivery_id: i64,
    attempted_at: PrimitiveDateTime,
    duration_ms: i64,
    outcome: &'static str,
    status_code: Option<i32>,
    error: Option<String>,
}

/// A delivery after its attempt.
#[derive(Debug, Clone, PartialEq)]
struct DeliveryAfter {
    id: i64,
    status: &'static str,
    error: Option<String>,
    next_attempt_at: Option<PrimitiveDateTime>,
    delivered_at: Option<PrimitiveDateTime>,
}

fn status_code(outcome: &SendOutcome) -> Option<i32> {
    match outcome {
        SendOutcome::Delivered { status_code }
        | SendOutcome::Retry { status_code, .. }
        | SendOutcome::Reject { status_code, .. } => status_code.map(i32::from),
    }
}

/// The rows an attempt writes: its record, and its delivery's new state.
fn rows(attempt: &AttemptRecord) -> (AttemptRow, DeliveryAfter) {
    let id = attempt.delivery.get();
    let (outcome, error) = match &attempt.outcome {
        SendOutcome::Delivered { .. } => ("delivered", None),
        SendOutcome::Retry { error, .. } => ("retry", Some(error.clone())),
        SendOutcome::Reject { error, .. } => ("rejected", Some(error.clone())),
    };
    let (status, next_attempt_at, delivered_at) = match attempt.next {
        AfterAttempt::Delivered => {
            (DeliveryStatus::Delivered, None, Some(to_column(attempt.at + attempt.duration)))
        }
        AfterAttempt::RetryAt(at) => (DeliveryStatus::Failed, Some(to_column(at)), None),
        AfterAttempt::Dead => (DeliveryStatus::Dead, None, None),
    };
    let row = AttemptRow {
        delivery_id: id,
        attempted_at: to_column(attempt.at),
        duration_ms: i64::try_from(attempt.duration.as_millis()).unwrap_or(i64::MAX),
        outcome,
        status_code: status_code(&attempt.outcome),
        error: error.clone(),
    };
    let after = DeliveryAfter { id, status: status.as_str(), error, next_attempt_at, delivered_at };
    (row, after)
}

/// Moves each channel's pacing on by the delivered messages of `$attempts` (one message = one
/// channel at one attempt time): its last message, and its hour's count. In the caller's
/// transaction.
macro_rules! count_messages {
    ($conn:expr, $attempts:expr) => {{
        // Only messages the channel accepted count: a failed one is retried on its own backoff,
        // not held back by the group wait, and does not use up the channel's hour.
        let attempts: Vec<&AttemptRecord> = $attempts
            .iter()
            .filter(|a| matches!(a.outcome, SendOutcome::Delivered { .. }))
            .collect();
        let ids: Vec<i64> = attempts.iter().map(|a| a.delivery.get()).collect();
        let owners: HashMap<i64, i64> = deliveries::table
            .filter(deliveries::id.eq_any(&ids))
            .select((deliveries::id, deliveries::channel_id))
            .load::<(i64, i64)>($conn)
            .await?
            .into_iter()
            .collect();
        let mut messages: HashMap<i64, Vec<OffsetDateTime>> = HashMap::new();
        for attempt in &attempts {
            if let Some(channel) = owners.get(&attempt.delivery.get()) {
                let times = messages.entry(*channel).or_default();
                if !times.contains(&attempt.at) {
                    times.push(attempt.at);
                }
            }
        }
        for (channel, times) in messages {
            let Some(last) = times.iter().max().copied() else { continue };
            let (start, sent): (Option<PrimitiveDateTime>, i32) = channels::table
                .find(channel)
                .select((channels::window_started_at, channels::window_messages))
                .first($conn)
                .await?;
            let count = u32::try_from(times.len()).unwrap_or(u32::MAX);
            let sent = u32::try_from(sent).unwrap_or(0);
            let (start, sent) =
                ChannelPacing::hour_after(start.map(from_column), sent, count, last);
            diesel::update(channels::table.find(channel))
                .set((
                    channels::last_message_at.eq(Some(to_column(last))),
                    channels::window_started_at.eq(Some(to_column(start))),
                    channels::window_messages.eq(i32::try_from(sent).unwrap_or(i32::MAX)),
                ))
                .execute($conn)
                .await?;
        }
    }};
}

impl Store {
    /// Records `attempts` (the `Outbox::record_attempts` port).
    pub(crate) async fn write_attempts(
        &self,
        attempts: &[AttemptRecord],
    ) -> Result<(), StoreError> {
        if attempts.is_empty() {
            return Ok(());
        }
        let (records, afters): (Vec<AttemptRow>, Vec<DeliveryAfter>) =
            attempts.iter().map(rows).unzip();
        match &self.pools {
            Pools::Postgres(pool) => {
                let mut conn = pool.get().await?;
                conn.transaction(async |conn| {
                    for chunk in records.chunks(ROWS_PER_STATEMENT) {
                        diesel::insert_into(delivery_attempts::table)
                            .values(chunk)
                            .execute(conn)
                            .await?;
                    }
                    update_all(conn, &afters).await?;
                    count_messages!(conn, attempts);
                    Ok::<_, diesel::result::Error>(())
                })
                .await?;
            }
            Pools::Sqlite { writer, .. } => {
                let mut conn = writer.get().await?;
                conn.transaction(async |conn| {
                    for (record, after) in records.iter().zip(&afters) {
                        diesel::insert_into(delivery_attempts::table)
                            .values(record)
                            .execute(conn)
                            .await?;
                        diesel::update(deliveries::table.find(after.id))
                            .set((
                                deliveries::status.eq(after.status),
                                deliveries::attempts.eq(deliveries::attempts + 1),
                                deliveries::last_error.eq(&after.error),
                                deliveries::next_attempt_at.eq(after.next_attempt_at),
                                deliveries::delivered_at.eq(after.delivered_at),
                                deliveries::lease_owner.eq(None::<String>),
                                deliveries::lease_until.eq(None::<PrimitiveDateTime>),
                            ))
                            .execute(conn)
                            .await?;
                    }
                    count_messages!(conn, attempts);
                    Ok::<_, diesel::result::Error>(())
                })
                .await?;
            }
        }
        Ok(())
    }
}

/// PostgreSQL: every delivery's new state in one statement over arrays, its lease released.
async fn update_all(
    conn: &mut diesel_async::AsyncPgConnection,
    afters: &[DeliveryAfter],
) -> QueryResult<usize> {
    let ids: Vec<i64> = afters.iter().map(|a| a.id).collect();
    let statuses: Vec<&str> = afters.iter().map(|a| a.status).collect();
    let errors: Vec<Option<String>> = afters.iter().map(|a| a.error.clone()).collect();
    let nexts: Vec<Option<PrimitiveDateTime>> = afters.iter().map(|a| a.next_attempt_at).collect();
    let delivered: Vec<Option<PrimitiveDateTime>> = afters.iter().map(|a| a.delivered_at).collect();
    diesel::sql_query(
        "UPDATE deliveries SET status = after.status, attempts = deliveries.attempts + 1, \
         last_error = after.error, next_attempt_at = after.next_attempt_at, \
         delivered_at = after.delivered_at, lease_owner = NULL, lease_until = NULL \
         FROM unnest($1, $2, $3, $4, $5) \
         AS after(id, status, error, next_attempt_at, delivered_at) \
         WHERE deliveries.id = after.id",
    )
    .bind::<Array<BigInt>, _>(ids)
    .bind::<Array<Text>, _>(statuses)
    .bind::<Array<Nullable<Text>>, _>(errors)
    .bind::<Array<Nullable<Timestamp>>, _>(nexts)
    .bind::<Array<Nullable<Timestamp>>, _>(delivered)
    .execute(conn)
    .await
}
