//! Incidents and deliveries as the API shows them.

use lookout_domain::alerting::{
    DeliveryId, DeliveryRecord, DeliveryStatus, IncidentDetail, IncidentId,
};
use serde::Serialize;
use time::OffsetDateTime;

use super::channel::ChannelKindBody;
use crate::ApiError;

/// Whether an incident is still open.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum IncidentState {
    Open,
    Resolved,
}

/// Where a delivery stands: `pending` (not attempted yet, or waiting for its channel's group
/// or rate limit), `failed` (another attempt is scheduled), `delivered`, `dead` (given up).
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum DeliveryStatusBody {
    Pending,
    Failed,
    Delivered,
    Dead,
}

impl From<DeliveryStatus> for DeliveryStatusBody {
    fn from(status: DeliveryStatus) -> Self {
        match status {
            DeliveryStatus::Pending => Self::Pending,
            DeliveryStatus::Failed => Self::Failed,
            DeliveryStatus::Delivered => Self::Delivered,
            DeliveryStatus::Dead => Self::Dead,
        }
    }
}

/// One event to one channel, and how its sending went.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct NotificationResponse {
    id: i64,
    channel_id: i64,
    channel_name: String,
    channel_kind: ChannelKindBody,
    /// `firing`, `resolved`, `reminder`, `escalated`, `flapping` or `test`.
    event: String,
    /// Stable per event and channel; sent as `Idempotency-Key`.
    dedup_key: String,
    status: DeliveryStatusBody,
    /// Attempts made so far.
    attempts: u32,
    last_error: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    /// When the next attempt is due; `null` once delivered or dead.
    #[serde(with = "time::serde::rfc3339::option")]
    next_attempt_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    delivered_at: Option<OffsetDateTime>,
}

impl From<DeliveryRecord> for NotificationResponse {
    fn from(record: DeliveryRecord) -> Self {
        Self {
            id: record.id.get(),
            channel_id: record.channel_id.get(),
            channel_name: record.channel_name,
            channel_kind: record.channel_kind.into(),
            event: record.event,
            dedup_key: record.dedup_key,
            status: record.status.into(),
            attempts: record.attempts,
            last_error: record.last_error,
            created_at: record.created_at,
            next_attempt_at: record.next_attempt_at,
            delivered_at: record.delivered_at,
        }
    }
}

/// A delivery: a notification and the incident it belongs to (`null` for a channel test).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct DeliveryResponse {
    incident_id: Option<i64>,
    #[serde(flatten)]
    notification: NotificationResponse,
}

impl From<DeliveryRecord> for DeliveryResponse {
    fn from(record: DeliveryRecord) -> Self {
        Self {
            incident_id: record.incident_id.map(IncidentId::get),
            notification: NotificationResponse::from(record),
        }
    }
}

/// An incident: one outage as the site's alert policy sees it, with its notifications.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct IncidentResponse {
    id: i64,
    website_id: i64,
    website_name: String,
    state: IncidentState,
    #[serde(with = "time::serde::rfc3339")]
    opened_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    resolved_at: Option<OffsetDateTime>,
    /// How long it lasted, or has lasted so far.
    duration_secs: i64,
    /// Acknowledged: no more reminders or escalation.
    acknowledged: bool,
    #[serde(with = "time::serde::rfc3339::option")]
    acknowledged_at: Option<OffsetDateTime>,
    reminders_sent: u32,
    escalations_done: u32,
    notifications: Vec<NotificationResponse>,
}

impl IncidentResponse {
    /// The incident as of `now` (for the duration of an open one).
    pub(crate) fn new(detail: IncidentDetail, now: OffsetDateTime) -> Self {
        let incident = detail.incident;
        Self {
            id: incident.id.get(),
            website_id: incident.website_id.get(),
            website_name: detail.website_name,
            state: if incident.is_open() { IncidentState::Open } else { IncidentState::Resolved },
            opened_at: incident.opened_at,
            resolved_at: incident.resolved_at,
            duration_secs: incident.duration_secs(now),
            acknowledged: incident.acknowledged_at.is_some(),
            acknowledged_at: incident.acknowledged_at,
            reminders_sent: incident.reminders_sent,
            escalations_done: incident.escalations_done,
            notifications: detail.deliveries.into_iter().map(NotificationResponse::from).collect(),
        }
    }
}

/// The `{id}` path segment of an incident: anything that is not a positive integer names none.
pub(crate) fn parse_incident_id(raw: &str) -> Result<IncidentId, ApiError> {
    raw.parse::<i64>()
        .ok()
        .and_then(|id| IncidentId::new(id).ok())
        .ok_or_else(|| ApiError::not_found(format!("incident {raw} not found")))
}

/// The `{id}` path segment of a delivery.
pub(crate) fn parse_delivery_id(raw: &str) -> Result<DeliveryId, ApiError> {
    raw.parse::<i64>()
        .ok()
        .and_then(|id| DeliveryId::new(id).ok())
        .ok_or_else(|| ApiError::not_found(format!("delivery {raw} not found")))
}
