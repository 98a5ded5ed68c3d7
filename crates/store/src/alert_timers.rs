//! The outbox's timed side: open incidents whose reminders and escalations may be due (not of
//! paused or flapping sites), queuing an incident's timed events once, and ending flapping
//! spells that have been stable for a window.

use std::time::Duration;

use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use lookout_domain::alerting::{
    AlertEvent, ChannelId, IncidentId, TimerCandidate, TimerCandidates,
};
use time::OffsetDateTime;

use crate::alert_policies::{
    assemble, default_channels_query, policies_query, policy_channels_query,
};
use crate::delivery_rows::{IncidentRow, NewDeliveryRow, SiteRow, event_website};
use crate::schema::{alert_states, deliveries, incidents, websites};
use crate::store::with_connection;
use crate::time_conv::to_column;
use crate::{Store, StoreError};

/// A flapping site's state: (site, open incident, failures, successes).
type FlappingRow = (i64, Option<i64>, i32, i32);

impl Store {
    /// Open, unacknowledged incidents of enabled sites that are not flapping.
    pub(crate) async fn open_unacknowledged_incidents(
        &self,
    ) -> Result<TimerCandidates, StoreError> {
        let rows: Vec<(IncidentRow, SiteRow)> = with_connection!(self, read, |conn| {
            let flapping = alert_states::table
                .filter(alert_states::website_id.eq(incidents::website_id))
                .filter(alert_states::flapping_since.is_not_null());
            incidents::table
                .inner_join(websites::table)
                .filter(incidents::resolved_at.is_null())
                .filter(incidents::acknowledged_at.is_null())
                // A paused (disabled) site is not checked: it is not reminded of either.
                .filter(websites::enabled.eq(true))
                .filter(diesel::dsl::not(diesel::dsl::exists(flapping)))
                .select((IncidentRow::as_select(), (websites::id, websites::name, websites::url)))
                .load(&mut conn)
                .await?
        });
        self.candidates(rows).await
    }

    /// Ends the flapping of sites with no incident opened since `now - window`; returns those
    /// of them that are down (an open incident).
    pub(crate) async fn settle_flapping_sites(
        &self,
        now: OffsetDateTime,
        window: Duration,
    ) -> Result<TimerCandidates, StoreError> {
        let cut = to_column(now - window);
        let settled: Vec<FlappingRow> = with_connection!(self, write, |conn| {
            conn.transaction(async |conn| {
                let recent = incidents::table
                    .filter(incidents::website_id.eq(alert_states::website_id))
                    .filter(incidents::opened_at.ge(cut));
                let stable: Vec<FlappingRow> = alert_states::table
                    .filter(alert_states::flapping_since.is_not_null())
                    .filter(diesel::dsl::not(diesel::dsl::exists(recent)))
                    .select((
                        alert_states::website_id,
                        alert_states::incident_id,
                        alert_states::failures,
                        alert_states::successes,
                    ))
                    .load(conn)
                    .await?;
                for (site, incident, failures, successes) in &stable {
                    if incident.is_none() && *failures == 0 && *successes == 0 {
                        diesel::delete(alert_states::table.find(site)).execute(conn).await?;
                    } else {
                        diesel::update(alert_states::table.find(site))
                            .set(alert_states::flapping_since.eq(None::<time::PrimitiveDateTime>))
                            .execute(conn)
                            .await?;
                    }
                }
                Ok::<_, diesel::result::Error>(stable)
            })
            .await?
        });
        let down: Vec<i64> = settled.iter().filter_map(|(_, incident, _, _)| *incident).collect();
        for (site, _, _, _) in &settled {
            tracing::info!(website = site, "Site stopped flapping: its alerts flow again");
        }
        if down.is_empty() {
            return Ok(TimerCandidates::default());
        }
        let rows: Vec<(IncidentRow, SiteRow)> = with_connection!(self, read, |conn| {
            incidents::table
                .inner_join(websites::table)
                .filter(incidents::id.eq_any(&down))
                .filter(incidents::resolved_at.is_null())
                .select((IncidentRow::as_select(), (websites::id, websites::name, websites::url)))
                .load(&mut conn)
                .await?
        });
        self.candidates(rows).await
    }

    /// Incidents with their sites' policies and the default channels.
    async fn candidates(
        &self,
        rows: Vec<(IncidentRow, SiteRow)>,
    ) -> Result<TimerCandidates, StoreError> {
        if rows.is_empty() {
            return Ok(TimerCandidates::default());
        }
        let sites: Vec<i64> = rows.iter().map(|(r, _)| r.website_id).collect();
        let (mut policies, defaults) = with_connection!(self, read, |conn| {
            let policy_rows = policies_query(&sites).load(&mut conn).await?;
            let channels = policy_channels_query(&sites).load(&mut conn).await?;
            let defaults: Vec<i64> = default_channels_query().load(&mut conn).await?;
            (assemble(policy_rows, channels), defaults)
        });
        let mut incidents = Vec::with_capacity(rows.len());
        for (row, site) in rows {
            let Some(website) = event_website(&site) else { continue };
            incidents.push(TimerCandidate {
                incident: row.incident()?,
                policy: policies.remove(&row.website_id),
                website,
                check: row.check(),
            });
        }
        Ok(TimerCandidates {
            default_channels: defaults
                .into_iter()
                .filter_map(|id| ChannelId::new(id).ok())
                .collect(),
            incidents,
        })
    }

    /// Queues an incident's timed events and stores its counters, if it is still open and
    /// unacknowledged; an event already queued is not queued twice.
    pub(crate) async fn queue_incident_events(
        &self,
        incident: IncidentId,
        counters: (u32, u32),
        to_queue: &[(ChannelId, AlertEvent)],
        now: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let rows: Vec<NewDeliveryRow> = to_queue
            .iter()
            .map(|(channel, event)| NewDeliveryRow::new(*channel, event, now))
            .collect();
        let count = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
        let queued: usize = with_connection!(self, write, |conn| {
            conn.transaction(async |conn| {
                let still_open = diesel::update(
                    incidents::table
                        .find(incident.get())
                        .filter(incidents::resolved_at.is_null())
                        .filter(incidents::acknowledged_at.is_null()),
                )
                .set((
                    incidents::reminders_sent.eq(count(counters.0)),
                    incidents::escalations_done.eq(count(counters.1)),
                ))
                .execute(conn)
                .await?;
                let mut queued = 0;
                if still_open > 0 {
                    for row in &rows {
                        queued += diesel::insert_into(deliveries::table)
                            .values(row)
                            .on_conflict_do_nothing()
                            .execute(conn)
                            .await?;
                    }
                }
                Ok::<_, diesel::result::Error>(queued)
            })
            .await?
        });
        Ok(queued as u64)
    }
}
