//! The `Outbox` port on the store: deliveries waiting to be sent, leased to one node at a time
//! (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite has one writer), every attempt recorded, the
//! timed events (reminders, escalations) queued once by their dedup keys.

use std::collections::HashMap;
use std::time::Duration;

use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use lookout_domain::alerting::{
    AlertEvent, AlertStoreError, AttemptRecord, Channel, ChannelId, ChannelPacing, DeliveryId,
    DeliveryRecord, DeliveryStatus, DueDelivery, IncidentId, Outbox, OutboxGauge, TimerCandidates,
};
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::channels::ChannelRow;
use crate::delivery_rows::NewDeliveryRow;
use crate::incidents::{DeliveryJoin, delivery_join, delivery_record};
use crate::schema::{channels, deliveries, incidents};
use crate::store::{Pools, with_connection};
use crate::time_conv::{from_column, to_column};
use crate::{Store, StoreError};

const WAITING: [&str; 2] = ["pending", "failed"];

/// No lease.
fn released() -> (
    diesel::dsl::Eq<deliveries::lease_owner, Option<String>>,
    diesel::dsl::Eq<deliveries::lease_until, Option<PrimitiveDateTime>>,
) {
    (deliveries::lease_owner.eq(None), deliveries::lease_until.eq(None))
}

/// The ids of up to `limit` waiting deliveries due at `now` whose lease (if any) ran out, of
/// channels that are ready (`ChannelPacing::cutoffs`: last message before `$group_cut`, hour
/// begun before `$hour_cut` or with room left).
macro_rules! due_ids_query {
    ($now:expr, $limit:expr, $group_cut:expr, $hour_cut:expr, $per_hour:expr) => {
        deliveries::table
            .inner_join(channels::table)
            .filter(deliveries::status.eq_any(WAITING))
            .filter(deliveries::next_attempt_at.le($now))
            .filter(deliveries::lease_until.is_null().or(deliveries::lease_until.lt($now)))
            .filter(
                channels::last_message_at.is_null().or(channels::last_message_at.le($group_cut)),
            )
            .filter(
                channels::window_started_at
                    .is_null()
                    .or(channels::window_started_at.le($hour_cut))
                    .or(channels::window_messages.lt($per_hour)),
            )
            .order(deliveries::next_attempt_at)
            .limit($limit)
            .select(deliveries::id)
    };
}

type DueRow = (i64, i64, String, i32, PrimitiveDateTime);

impl Outbox for Store {
    async fn claim_due(
        &self,
        owner: &str,
        now: OffsetDateTime,
        lease: Duration,
        limit: u32,
        pacing: ChannelPacing,
    ) -> Result<Vec<DueDelivery>, AlertStoreError> {
        let at = to_column(now);
        let (group_cut, hour_cut) = pacing.cutoffs(now);
        let (group_cut, hour_cut) = (to_column(group_cut), to_column(hour_cut));
        let per_hour = i32::try_from(pacing.per_hour).unwrap_or(i32::MAX);
        let until = to_column(now + lease);
        let limit = i64::from(limit.max(1));
        let lease_them = |ids: &[i64]| {
            diesel::update(deliveries::table.filter(deliveries::id.eq_any(ids.to_vec()))).set((
                deliveries::lease_owner.eq(owner.to_owned()),
                deliveries::lease_until.eq(until),
            ))
        };
        let rows: Vec<DueRow> = match &self.pools {
            Pools::Postgres(pool) => {
                let mut conn = pool.get().await.map_err(StoreError::from)?;
                conn.transaction(async |conn| {
                    let ids: Vec<i64> = due_ids_query!(at, limit, group_cut, hour_cut, per_hour)
                        .for_update()
                        .skip_locked()
                        .load(conn)
                        .await?;
                    if ids.is_empty() {
                        return Ok(Vec::new());
                    }
                    lease_them(&ids).execute(conn).await?;
                    due_rows(&ids).load(conn).await
                })
                .await
                .map_err(StoreError::from)?
            }
            Pools::Sqlite { writer, .. } => {
                let mut conn = writer.get().await.map_err(StoreError::from)?;
                conn.transaction(async |conn| {
                    let ids: Vec<i64> =
                        due_ids_query!(at, limit, group_cut, hour_cut, per_hour).load(conn).await?;
                    if ids.is_empty() {
                        return Ok(Vec::new());
                    }
                    lease_them(&ids).execute(conn).await?;
                    due_rows(&ids).load(conn).await
                })
                .await
                .map_err(StoreError::from)?
            }
        };
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let channel_ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
        let channel_rows: Vec<ChannelRow> = with_connection!(self, read, |conn| {
            channels::table
                .filter(channels::id.eq_any(&channel_ids))
                .select(ChannelRow::as_select())
                .load(&mut conn)
                .await
                .map_err(StoreError::from)?
        });
        let mut channels_by_id: HashMap<i64, Channel> = HashMap::new();
        for row in channel_rows {
            let channel = Channel::try_from(row)?;
            channels_by_id.insert(channel.id.get(), channel);
        }
        let mut due = Vec::with_capacity(rows.len());
        for (id, channel, payload, attempts, created_at) in rows {
            let (Some(channel), Ok(event)) =
                (channels_by_id.get(&channel), serde_json::from_str::<AlertEvent>(&payload))
            else {
                tracing::error!(
                    delivery = id,
                    "Delivery has an unreadable payload or no channel; marking it dead"
                );
                self.mark_dead(id, "unreadable payload").await?;
                continue;
            };
            due.push(DueDelivery {
                id: DeliveryId::new(id).map_err(|e| StoreError::CorruptRow(e.to_string()))?,
                channel: channel.clone(),
                event,
                attempts: u32::try_from(attempts).unwrap_or(0),
                created_at: from_column(created_at),
            });
        }
        Ok(due)
    }

    async fn release_leases(&self, owner: &str) -> Result<u64, AlertStoreError> {
        let released = match &self.pools {
            Pools::Sqlite { writer, .. } => {
                let mut conn = writer.get().await.map_err(StoreError::from)?;
                diesel::update(deliveries::table.filter(deliveries::lease_owner.is_not_null()))
                    .set(released())
                    .execute(&mut conn)
                    .await
                    .map_err(StoreError::from)?
            }
            Pools::Postgres(pool) => {
                let mut conn = pool.get().await.map_err(StoreError::from)?;
                diesel::update(deliveries::table.filter(deliveries::lease_owner.eq(owner)))
                    .set(released())
                    .execute(&mut conn)
                    .await
                    .map_err(StoreError::from)?
            }
        };
        Ok(released as u64)
    }

    async fn record_attempts(&self, attempts: &[AttemptRecord]) -> Result<(), AlertStoreError> {
        Ok(self.write_attempts(attempts).await?)
    }

    async fn queue_leased(
        &self,
        channel: ChannelId,
        event: &AlertEvent,
        owner: &str,
        now: OffsetDateTime,
    ) -> Result<DeliveryId, AlertStoreError> {
        let row =
            NewDeliveryRow::new(channel, event, now).leased(owner, now + Duration::from_secs(120));
        let id: i64 = with_connection!(self, write, |conn| {
            diesel::insert_into(deliveries::table)
                .values(&row)
                .returning(deliveries::id)
                .get_result(&mut conn)
                .await
                .map_err(StoreError::from)?
        });
        Ok(DeliveryId::new(id).map_err(|e| StoreError::CorruptRow(e.to_string()))?)
    }

    async fn timer_candidates(&self) -> Result<TimerCandidates, AlertStoreError> {
        Ok(self.open_unacknowledged_incidents().await?)
    }

    async fn settle_flapping(
        &self,
        now: OffsetDateTime,
        window: Duration,
    ) -> Result<TimerCandidates, AlertStoreError> {
        Ok(self.settle_flapping_sites(now, window).await?)
    }

    async fn queue_timed(
        &self,
        incident: IncidentId,
        counters: (u32, u32),
        to_queue: &[(ChannelId, AlertEvent)],
        now: OffsetDateTime,
    ) -> Result<u64, AlertStoreError> {
        Ok(self.queue_incident_events(incident, counters, to_queue, now).await?)
    }
    async fn list_deliveries(
        &self,
        status: Option<DeliveryStatus>,
        limit: u32,
    ) -> Result<Vec<DeliveryRecord>, AlertStoreError> {
        let limit = i64::from(limit.max(1));
        let joins: Vec<DeliveryJoin> = with_connection!(self, read, |conn| {
            let mut query = delivery_join().order(deliveries::id.desc()).limit(limit).into_boxed();
            if let Some(status) = status {
                query = query.filter(deliveries::status.eq(status.as_str()));
            }
            query.load(&mut conn).await.map_err(StoreError::from)?
        });
        Ok(joins.into_iter().map(delivery_record).collect::<Result<_, _>>()?)
    }

    async fn retry_delivery(
        &self,
        id: DeliveryId,
        now: OffsetDateTime,
    ) -> Result<Option<DeliveryRecord>, AlertStoreError> {
        let join: Option<DeliveryJoin> = with_connection!(self, write, |conn| {
            diesel::update(
                deliveries::table
                    .find(id.get())
                    .filter(deliveries::status.eq_any(["failed", "dead"])),
            )
            .set((
                deliveries::status.eq(DeliveryStatus::Pending.as_str()),
                deliveries::next_attempt_at.eq(Some(to_column(now))),
                deliveries::lease_owner.eq(None::<String>),
                deliveries::lease_until.eq(None::<PrimitiveDateTime>),
            ))
            .execute(&mut conn)
            .await
            .map_err(StoreError::from)?;
            delivery_join()
                .filter(deliveries::id.eq(id.get()))
                .first(&mut conn)
                .await
                .optional()
                .map_err(StoreError::from)?
        });
        Ok(join.map(delivery_record).transpose()?)
    }

    async fn gauge(&self, now: OffsetDateTime) -> Result<OutboxGauge, AlertStoreError> {
        let (waiting, oldest, open): (i64, Option<PrimitiveDateTime>, i64) =
            with_connection!(self, read, |conn| {
                let waiting = deliveries::table
                    .filter(deliveries::status.eq_any(WAITING))
                    .count()
                    .get_result::<i64>(&mut conn)
                    .await
                    .map_err(StoreError::from)?;
                let oldest = deliveries::table
                    .filter(deliveries::status.eq_any(WAITING))
                    .select(diesel::dsl::min(deliveries::created_at))
                    .first::<Option<PrimitiveDateTime>>(&mut conn)
                    .await
                    .map_err(StoreError::from)?;
                let open = incidents::table
                    .filter(incidents::resolved_at.is_null())
                    .count()
                    .get_result::<i64>(&mut conn)
                    .await
                    .map_err(StoreError::from)?;
                (waiting, oldest, open)
            });
        Ok(OutboxGauge {
            waiting: u64::try_from(waiting).unwrap_or(0),
            oldest: oldest.and_then(|at| Duration::try_from(now - from_column(at)).ok()),
            open_incidents: u64::try_from(open).unwrap_or(0),
        })
    }
}

/// What a claim needs of each leased delivery.
#[diesel::dsl::auto_type(no_type_alias)]
fn due_rows<'a>(ids: &'a [i64]) -> _ {
    deliveries::table.filter(deliveries::id.eq_any(ids)).order(deliveries::id).select((
        deliveries::id,
        deliveries::channel_id,
        deliveries::payload,
        deliveries::attempts,
        deliveries::created_at,
    ))
}

impl Store {
    async fn mark_dead(&self, id: i64, why: &str) -> Result<(), StoreError> {
        with_connection!(self, write, |conn| {
            diesel::update(deliveries::table.find(id))
                .set((
                    deliveries::status.eq(DeliveryStatus::Dead.as_str()),
                    deliveries::last_error.eq(Some(why.to_owned())),
                    deliveries::next_attempt_at.eq(None::<PrimitiveDateTime>),
                ))
                .execute(&mut conn)
                .await
                .map_err(StoreError::from)?;
        });
        Ok(())
    }
}
