//! The event a channel is sent (version 1): the webhook's JSON body and the template's
//! context. Built when the transition happens and stored with the delivery, so a redelivery
//! sends the same event; only `sent_at` is set at each send.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{ChannelId, Incident, IncidentId};
use crate::{MonitorCheck, WebsiteId, WebsiteName, WebsiteUrl};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    Firing,
    Resolved,
    Reminder,
    Escalated,
    Flapping,
    Test,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Firing => "firing",
            Self::Resolved => "resolved",
            Self::Reminder => "reminder",
            Self::Escalated => "escalated",
            Self::Flapping => "flapping",
            Self::Test => "test",
        }
    }

    /// Whether the site is down as far as this event tells (for a message's colour and verb).
    pub fn is_trouble(self) -> bool {
        matches!(self, Self::Firing | Self::Reminder | Self::Escalated | Self::Flapping)
    }
}

/// The incident an event is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventIncident {
    pub id: IncidentId,
    #[serde(with = "time::serde::rfc3339")]
    pub opened_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub resolved_at: Option<OffsetDateTime>,
    pub duration_secs: i64,
    pub acknowledged: bool,
}

/// The site an event is about (its URL with any credentials masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventWebsite {
    pub id: WebsiteId,
    pub name: String,
    pub url: String,
}

/// The check that caused the event (for reminders and escalations: the one that opened it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventCheck {
    #[serde(with = "time::serde::rfc3339")]
    pub timestamp: OffsetDateTime,
    pub status_code: Option<u16>,
    pub response_time: f64,
    pub error_message: Option<String>,
    /// The regions that saw the site down when their vote decided (sites that chose regions;
    /// left out of the JSON when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions_down: Vec<String>,
}

/// One event, as stored in the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertEvent {
    pub version: u8,
    pub event: EventKind,
    /// Stable for this event on this channel: also sent as `Idempotency-Key`.
    pub dedup_key: String,
    pub incident: Option<EventIncident>,
    pub website: Option<EventWebsite>,
    pub check: Option<EventCheck>,
}

/// An event as sent: the stored event and the time of this send.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SentEvent<'a> {
    pub version: u8,
    pub event: EventKind,
    pub dedup_key: &'a str,
    #[serde(with = "time::serde::rfc3339")]
    pub sent_at: OffsetDateTime,
    pub incident: Option<&'a EventIncident>,
    pub website: Option<&'a EventWebsite>,
    pub check: Option<&'a EventCheck>,
}

impl AlertEvent {
    /// The event version this build sends.
    pub const VERSION: u8 = 1;

    /// An incident event. The dedup key names the incident and the event (and, for reminders
    /// and escalations, which one), so it is the same on every node and every retry.
    pub fn for_incident(
        event: EventKind,
        sequence: u32,
        incident: &Incident,
        website: EventWebsite,
        check: Option<EventCheck>,
        now: OffsetDateTime,
    ) -> Self {
        let dedup_key = match event {
            EventKind::Reminder | EventKind::Escalated => {
                format!("incident-{}-{}-{sequence}", incident.id, event.as_str())
            }
            _ => format!("incident-{}-{}", incident.id, event.as_str()),
        };
        Self {
            version: Self::VERSION,
            event,
            dedup_key,
            incident: Some(EventIncident {
                id: incident.id,
                opened_at: incident.opened_at,
                resolved_at: incident.resolved_at,
                duration_secs: incident.duration_secs(now),
                acknowledged: incident.acknowledged_at.is_some(),
            }),
            website: Some(website),
            check,
        }
    }

    /// The `flapping` event of a site: one per flapping spell, keyed by when it began.
    pub fn flapping(
        website: EventWebsite,
        check: Option<EventCheck>,
        since: OffsetDateTime,
    ) -> Self {
        Self {
            version: Self::VERSION,
            event: EventKind::Flapping,
            dedup_key: format!("website-{}-flapping-{}", website.id, since.unix_timestamp()),
            incident: None,
            website: Some(website),
            check,
        }
    }

    /// The `test` event sent by `POST /api/channels/{id}/test`.
    pub fn test(channel: ChannelId, now: OffsetDateTime) -> Self {
        Self {
            version: Self::VERSION,
            event: EventKind::Test,
            dedup_key: format!("test-{channel}-{}", now.unix_timestamp_nanos()),
            incident: None,
            website: None,
            check: None,
        }
    }

    /// A sample firing event, for rendering a template when it is saved.
    pub fn sample(now: OffsetDateTime) -> Self {
        Self {
            version: Self::VERSION,
            event: EventKind::Firing,
            dedup_key: "incident-1-firing".to_owned(),
            incident: Some(EventIncident {
                id: IncidentId::MIN,
                opened_at: now,
                resolved_at: None,
                duration_secs: 0,
                acknowledged: false,
            }),
            website: Some(EventWebsite {
                id: WebsiteId::MIN,
                name: "Example".to_owned(),
                url: "https://example.com/".to_owned(),
            }),
            check: Some(EventCheck {
                timestamp: now,
                status_code: Some(503),
                response_time: 0.25,
                error_message: Some("HTTP 503".to_owned()),
                regions_down: Vec::new(),
            }),
        }
    }

    /// The event as sent at `sent_at`.
    pub fn sent_at(&self, sent_at: OffsetDateTime) -> SentEvent<'_> {
        SentEvent {
            version: self.version,
            event: self.event,
            dedup_key: &self.dedup_key,
            sent_at,
            incident: self.incident.as_ref(),
            website: self.website.as_ref(),
            check: self.check.as_ref(),
        }
    }
}

impl EventWebsite {
    pub fn new(id: WebsiteId, name: &WebsiteName, url: &WebsiteUrl) -> Self {
        Self { id, name: name.as_str().to_owned(), url: url.to_string() }
    }
}

impl From<&MonitorCheck> for EventCheck {
    fn from(check: &MonitorCheck) -> Self {
        Self {
            timestamp: check.timestamp,
            status_code: check.status_code,
            response_time: check.response_time,
            error_message: check.error_message.clone(),
            regions_down: Vec::new(),
        }
    }
}

impl EventCheck {
    /// `check`, as the regions in `regions_down` saw the site down.
    pub fn seen_from(check: &MonitorCheck, regions_down: &[crate::regions::RegionName]) -> Self {
        Self {
            regions_down: regions_down.iter().map(|r| r.as_str().to_owned()).collect(),
            ..Self::from(check)
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const T0: OffsetDateTime = datetime!(2026-11-30 03:00:00 UTC);

    fn incident() -> Incident {
        Incident {
            id: IncidentId::new(7).unwrap(),
            website_id: WebsiteId::new(3).unwrap(),
            opened_at: T0,
            resolved_at: None,
            acknowledged_at: None,
            reminders_sent: 0,
            escalations_done: 0,
        }
    }

    fn site() -> EventWebsite {
        EventWebsite {
            id: WebsiteId::new(3).unwrap(),
            name: "Shop".into(),
            url: "https://shop.example/".into(),
        }
    }

    #[test]
    fn dedup_keys_are_stable_per_incident_event_and_sequence() {
        let now = T0 + time::Duration::minutes(5);
        let firing = AlertEvent::for_incident(EventKind::Firing, 0, &incident(), site(), None, now);
        assert_eq!(firing.dedup_key, "incident-7-firing");
        let reminder =
            AlertEvent::for_incident(EventKind::Reminder, 2, &incident(), site(), None, now);
        assert_eq!(reminder.dedup_key, "incident-7-reminder-2");
        assert_eq!(reminder.incident.unwrap().duration_secs, 300);
    }

    #[test]
    fn the_sent_json_has_the_documented_shape() {
        let event = AlertEvent::for_incident(EventKind::Firing, 0, &incident(), site(), None, T0);
        let json = serde_json::to_value(event.sent_at(T0)).unwrap();
        assert_eq!(json["version"], 1);
        assert_eq!(json["event"], "firing");
        assert_eq!(json["dedup_key"], "incident-7-firing");
        assert_eq!(json["sent_at"], "2026-11-30T03:00:00Z");
        assert_eq!(json["incident"]["id"], 7);
        assert_eq!(json["incident"]["resolved_at"], serde_json::Value::Null);
        assert_eq!(json["incident"]["acknowledged"], false);
        assert_eq!(json["website"]["name"], "Shop");
        assert_eq!(json["check"], serde_json::Value::Null);
    }
}
