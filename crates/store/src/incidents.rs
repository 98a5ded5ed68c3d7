//! `IncidentStore` on the store: reading incidents with their deliveries, acknowledging them.
//! (Incidents are opened and resolved by the check writer, in the check's transaction.)

use std::collections::HashMap;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use lookout_domain::alerting::{
    AlertStoreError, ChannelId, ChannelKind, DeliveryId, DeliveryRecord, DeliveryStatus, Incident,
    IncidentDetail, IncidentFilter, IncidentId, IncidentStore,
};
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::delivery_rows::IncidentRow;
use crate::schema::{channels, deliveries, incidents, websites};
use crate::store::with_connection;
use crate::time_conv::{from_column, to_column};
use crate::{Store, StoreError};

/// A delivery joined with its channel's name and kind.
pub(crate) type DeliveryJoin = (
    (i64, i64, Option<i64>, String, String, String, i32, Option<String>),
    (PrimitiveDateTime, Option<PrimitiveDateTime>, Option<PrimitiveDateTime>),
    (String, String),
);

/// The columns of a [`DeliveryJoin`].
#[diesel::dsl::auto_type(no_type_alias)]
pub(crate) fn delivery_join() -> _ {
    deliveries::table.inner_join(channels::table).select((
        (
            deliveries::id,
            deliveries::channel_id,
            deliveries::incident_id,
            deliveries::event,
            deliveries::dedup_key,
            deliveries::status,
            deliveries::attempts,
            deliveries::last_error,
        ),
        (deliveries::created_at, deliveries::next_attempt_at, deliveries::delivered_at),
        (channels::name, channels::kind),
    ))
}

pub(crate) fn delivery_record(join: DeliveryJoin) -> Result<DeliveryRecord, StoreError> {
    let ((id, channel, incident, event, dedup_key, status, attempts, last_error), times, names) =
        join;
    let corrupt = |what: &str| StoreError::CorruptRow(format!("delivery {id}: {what}"));
    let status = DeliveryStatus::parse(&status).ok_or_else(|| corrupt("status"))?;
    let waiting = matches!(status, DeliveryStatus::Pending | DeliveryStatus::Failed);
    Ok(DeliveryRecord {
        id: DeliveryId::new(id).map_err(|_| corrupt("id"))?,
        channel_id: ChannelId::new(channel).map_err(|_| corrupt("channel"))?,
        channel_name: names.0,
        channel_kind: ChannelKind::parse(&names.1).ok_or_else(|| corrupt("channel kind"))?,
        incident_id: incident.and_then(|i| IncidentId::new(i).ok()),
        event,
        dedup_key,
        status,
        attempts: u32::try_from(attempts).unwrap_or(0),
        last_error,
        created_at: from_column(times.0),
        next_attempt_at: times.1.filter(|_| waiting).map(from_column),
        delivered_at: times.2.map(from_column),
    })
}

impl Store {
    /// Incidents (with their sites' names) and all their deliveries, in two queries.
    async fn incident_details(
        &self,
        rows: Vec<(IncidentRow, String)>,
    ) -> Result<Vec<IncidentDetail>, StoreError> {
        let ids: Vec<i64> = rows.iter().map(|(r, _)| r.id).collect();
        let joins: Vec<DeliveryJoin> = if ids.is_empty() {
            Vec::new()
        } else {
            with_connection!(self, read, |conn| {
                delivery_join()
                    .filter(deliveries::incident_id.eq_any(&ids))
                    .order(deliveries::id)
                    .load(&mut conn)
                    .await
                    .map_err(StoreError::from)?
            })
        };
        let mut by_incident: HashMap<i64, Vec<DeliveryRecord>> = HashMap::new();
        for join in joins {
            let record = delivery_record(join)?;
            if let Some(incident) = record.incident_id {
                by_incident.entry(incident.get()).or_default().push(record);
            }
        }
        rows.into_iter()
            .map(|(row, website_name)| {
                Ok(IncidentDetail {
                    incident: row.incident()?,
                    website_name,
                    deliveries: by_incident.remove(&row.id).unwrap_or_default(),
                })
            })
            .collect()
    }
}

impl IncidentStore for Store {
    async fn list_incidents(
        &self,
        filter: IncidentFilter,
    ) -> Result<Vec<IncidentDetail>, AlertStoreError> {
        let limit = i64::from(filter.limit.max(1));
        let rows: Vec<(IncidentRow, String)> = with_connection!(self, read, |conn| {
            let mut query = incidents::table
                .inner_join(websites::table)
                .select((IncidentRow::as_select(), websites::name))
                .order(incidents::id.desc())
                .limit(limit)
                .into_boxed();
            if let Some(site) = filter.website_id {
                query = query.filter(incidents::website_id.eq(site.get()));
            }
            match filter.open {
                Some(true) => query = query.filter(incidents::resolved_at.is_null()),
                Some(false) => query = query.filter(incidents::resolved_at.is_not_null()),
                None => {}
            }
            query.load(&mut conn).await.map_err(StoreError::from)?
        });
        Ok(self.incident_details(rows).await?)
    }

    async fn get_incident(
        &self,
        id: IncidentId,
    ) -> Result<Option<IncidentDetail>, AlertStoreError> {
        let row: Option<(IncidentRow, String)> = with_connection!(self, read, |conn| {
            incidents::table
                .inner_join(websites::table)
                .filter(incidents::id.eq(id.get()))
                .select((IncidentRow::as_select(), websites::name))
                .first(&mut conn)
                .await
                .optional()
                .map_err(StoreError::from)?
        });
        Ok(self.incident_details(row.into_iter().collect()).await?.pop())
    }

    async fn acknowledge_incident(
        &self,
        id: IncidentId,
        now: OffsetDateTime,
    ) -> Result<Option<Incident>, AlertStoreError> {
        let row: Option<IncidentRow> = with_connection!(self, write, |conn| {
            diesel::update(
                incidents::table.find(id.get()).filter(incidents::acknowledged_at.is_null()),
            )
            .set(incidents::acknowledged_at.eq(to_column(now)))
            .execute(&mut conn)
            .await
            .map_err(StoreError::from)?;
            incidents::table
                .find(id.get())
                .select(IncidentRow::as_select())
                .first(&mut conn)
                .await
                .optional()
                .map_err(StoreError::from)?
        });
        Ok(row.map(|r| r.incident()).transpose()?)
    }
}
