//! Rows of the outbox (`deliveries`, `delivery_attempts`) and of `incidents`, shared by the
//! check writer (which queues firing and resolved events in the check's transaction), the
//! outbox worker and the API.

use diesel::prelude::*;
use lookout_domain::WebsiteId;
use lookout_domain::alerting::{
    AlertEvent, ChannelId, DeliveryStatus, EventCheck, EventWebsite, Incident, IncidentId,
};
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::StoreError;
use crate::schema::{deliveries, incidents};
use crate::time_conv::{from_column, to_column};

/// A delivery about to be queued.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = deliveries)]
pub(crate) struct NewDeliveryRow {
    channel_id: i64,
    incident_id: Option<i64>,
    website_id: Option<i64>,
    event: &'static str,
    dedup_key: String,
    payload: String,
    status: &'static str,
    created_at: PrimitiveDateTime,
    next_attempt_at: Option<PrimitiveDateTime>,
    lease_owner: Option<String>,
    lease_until: Option<PrimitiveDateTime>,
}

impl NewDeliveryRow {
    /// `event` for `channel`, due at `now`.
    pub(crate) fn new(channel: ChannelId, event: &AlertEvent, now: OffsetDateTime) -> Self {
        let now = to_column(now);
        Self {
            channel_id: channel.get(),
            incident_id: event.incident.as_ref().map(|i| i.id.get()),
            website_id: event.website.as_ref().map(|w| w.id.get()),
            event: event.event.as_str(),
            dedup_key: event.dedup_key.clone(),
            // Serialising plain data cannot fail; an empty payload would be refused at send.
            payload: serde_json::to_string(event).unwrap_or_default(),
            status: DeliveryStatus::Pending.as_str(),
            created_at: now,
            next_attempt_at: Some(now),
            lease_owner: None,
            lease_until: None,
        }
    }

    /// The row's unique key: batches insert in this order, so two nodes writing the same
    /// deliveries take their locks in the same order.
    pub(crate) fn key(&self) -> (i64, &str) {
        (self.channel_id, &self.dedup_key)
    }

    /// Already leased to `owner` (the test endpoint sends it itself).
    pub(crate) fn leased(mut self, owner: &str, until: OffsetDateTime) -> Self {
        self.lease_owner = Some(owner.to_owned());
        self.lease_until = Some(to_column(until));
        self
    }
}

/// An incident as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = incidents)]
pub(crate) struct IncidentRow {
    pub(crate) id: i64,
    pub(crate) website_id: i64,
    pub(crate) opened_at: PrimitiveDateTime,
    pub(crate) resolved_at: Option<PrimitiveDateTime>,
    pub(crate) acknowledged_at: Option<PrimitiveDateTime>,
    pub(crate) reminders_sent: i32,
    pub(crate) escalations_done: i32,
    pub(crate) first_check: Option<String>,
}

impl IncidentRow {
    pub(crate) fn incident(&self) -> Result<Incident, StoreError> {
        let corrupt =
            |what: String| StoreError::CorruptRow(format!("incident {}: {what}", self.id));
        Ok(Incident {
            id: IncidentId::new(self.id).map_err(|e| corrupt(e.to_string()))?,
            website_id: WebsiteId::new(self.website_id).map_err(|e| corrupt(e.to_string()))?,
            opened_at: from_column(self.opened_at),
            resolved_at: self.resolved_at.map(from_column),
            acknowledged_at: self.acknowledged_at.map(from_column),
            reminders_sent: u32::try_from(self.reminders_sent).unwrap_or(0),
            escalations_done: u32::try_from(self.escalations_done).unwrap_or(0),
        })
    }

    /// The check that opened the incident, when it was kept.
    pub(crate) fn check(&self) -> Option<EventCheck> {
        self.first_check.as_deref().and_then(|json| serde_json::from_str(json).ok())
    }
}

/// An incident about to be stored.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = incidents)]
pub(crate) struct NewIncidentRow {
    pub(crate) website_id: i64,
    pub(crate) opened_at: PrimitiveDateTime,
    pub(crate) resolved_at: Option<PrimitiveDateTime>,
    pub(crate) first_check: Option<String>,
}

/// A site as events name it: (id, name, url).
pub(crate) type SiteRow = (i64, String, String);

/// The event's view of a site (its URL with credentials masked).
pub(crate) fn event_website(row: &SiteRow) -> Option<EventWebsite> {
    let id = WebsiteId::new(row.0).ok()?;
    let name = lookout_domain::WebsiteName::parse(&row.1).ok()?;
    let url = lookout_domain::WebsiteUrl::parse(&row.2).ok()?;
    Some(EventWebsite::new(id, &name, &url))
}
