//! Email channels' messages: subject (`[lookout] DOWN: Shop`), text and HTML parts, and the
//! threading headers. Every incident mail's `Message-ID` is derived from its dedup key
//! (`<incident-7-firing@lookout>`, `<incident-7-reminder-2@lookout>`), and resolved, reminder
//! and escalated mails carry `In-Reply-To` and `References` = the firing mail's id, so mail
//! clients thread the whole incident under its first mail.

use std::time::SystemTime;

use lettre::Message;
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lookout_domain::alerting::{AlertEvent, EmailAddress, EventKind};
use time::OffsetDateTime;

use crate::email_body;
use crate::summary::{GroupCount, Headline};
use crate::webhook::group_key;

/// The right-hand side of lookout's message ids.
const ID_DOMAIN: &str = "lookout";

/// `[lookout] DOWN: Shop`, `[lookout] TEST`, `[lookout] 3 sites down, 1 resolved`.
pub(crate) fn subject(events: &[AlertEvent]) -> String {
    match events {
        [event] => format!("[lookout] {}", Headline::of(event).title()),
        _ => format!("[lookout] {}", GroupCount::of(events).text("resolved")),
    }
}

/// A message's id and the id it answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Threading {
    pub(crate) message_id: String,
    pub(crate) in_reply_to: Option<String>,
}

impl Threading {
    pub(crate) fn of(events: &[AlertEvent]) -> Self {
        match events {
            [event] => {
                let parent = match (event.event, &event.incident) {
                    (
                        EventKind::Resolved | EventKind::Reminder | EventKind::Escalated,
                        Some(incident),
                    ) => Some(format!("<incident-{}-firing@{ID_DOMAIN}>", incident.id)),
                    _ => None,
                };
                Self {
                    message_id: format!("<{}@{ID_DOMAIN}>", event.dedup_key),
                    in_reply_to: parent,
                }
            }
            _ => Self {
                message_id: format!("<{}@{ID_DOMAIN}>", group_key(events)),
                in_reply_to: None,
            },
        }
    }
}

/// `Auto-Submitted: auto-generated` (RFC 3834): out-of-office replies leave alerts alone.
#[derive(Debug, Clone, Copy)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_owned())
    }
}

/// `X-Lookout-Event: firing` (`group` for several), for mail filters.
#[derive(Debug, Clone)]
struct LookoutEvent(&'static str);

impl Header for LookoutEvent {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("X-Lookout-Event")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self("group"))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.to_owned())
    }
}

fn event_names(events: &[AlertEvent]) -> &'static str {
    match events {
        [event] => event.event.as_str(),
        _ => "group",
    }
}

/// The mail for `events` from `from` to `to`.
pub(crate) fn message(
    from: &Mailbox,
    to: &[EmailAddress],
    events: &[AlertEvent],
    now: OffsetDateTime,
) -> Result<Message, String> {
    let threading = Threading::of(events);
    let mut builder = Message::builder()
        .from(from.clone())
        .subject(subject(events))
        .date(SystemTime::from(now))
        .message_id(Some(threading.message_id))
        .header(AutoSubmitted)
        .header(LookoutEvent(event_names(events)));
    for address in to {
        let mailbox: Mailbox = address
            .as_str()
            .parse()
            .map_err(|_| format!("{} is not an address the mailer accepts", address.as_str()))?;
        builder = builder.to(mailbox);
    }
    if let Some(parent) = threading.in_reply_to {
        builder = builder.in_reply_to(parent.clone()).references(parent);
    }
    let (text, html) = email_body::render(events, now);
    builder
        .multipart(MultiPart::alternative_plain_html(text, html))
        .map_err(|e| format!("the mail cannot be built: {e}"))
}

#[cfg(test)]
mod tests {
    use lookout_domain::WebsiteId;
    use lookout_domain::alerting::{EventWebsite, Incident, IncidentId};
    use time::macros::datetime;

    use super::*;

    const T0: OffsetDateTime = datetime!(2026-11-30 03:00:00 UTC);

    fn event(kind: EventKind, sequence: u32) -> AlertEvent {
        let incident = Incident {
            id: IncidentId::new(7).unwrap(),
            website_id: WebsiteId::new(3).unwrap(),
            opened_at: T0,
            resolved_at: None,
            acknowledged_at: None,
            reminders_sent: 0,
            escalations_done: 0,
        };
        let website = EventWebsite {
            id: WebsiteId::new(3).unwrap(),
            name: "Shop".into(),
            url: "https://shop.example/".into(),
        };
        AlertEvent::for_incident(kind, sequence, &incident, website, None, T0)
    }

    #[test]
    fn subjects_say_what_happened() {
        assert_eq!(subject(&[event(EventKind::Firing, 0)]), "[lookout] DOWN: Shop");
        assert_eq!(subject(&[event(EventKind::Resolved, 0)]), "[lookout] RESOLVED: Shop");
        assert_eq!(subject(&[event(EventKind::Reminder, 1)]), "[lookout] STILL DOWN: Shop");
        assert_eq!(subject(&[event(EventKind::Escalated, 1)]), "[lookout] ESCALATED: Shop");
        assert_eq!(
            subject(&[AlertEvent::test(lookout_domain::alerting::ChannelId::MIN, T0)]),
            "[lookout] TEST"
        );
        let group = [
            event(EventKind::Firing, 0),
            event(EventKind::Firing, 0),
            event(EventKind::Reminder, 1),
            event(EventKind::Resolved, 0),
        ];
        assert_eq!(subject(&group), "[lookout] 3 sites down, 1 resolved");
    }

    #[test]
    fn the_incident_threads_under_its_firing_mail() {
        let firing = Threading::of(&[event(EventKind::Firing, 0)]);
        assert_eq!(firing.message_id, "<incident-7-firing@lookout>");
        assert_eq!(firing.in_reply_to, None);
        let resolved = Threading::of(&[event(EventKind::Resolved, 0)]);
        assert_eq!(resolved.message_id, "<incident-7-resolved@lookout>");
        assert_eq!(resolved.in_reply_to.as_deref(), Some("<incident-7-firing@lookout>"));
        let reminder = Threading::of(&[event(EventKind::Reminder, 2)]);
        assert_eq!(reminder.message_id, "<incident-7-reminder-2@lookout>");
        assert_eq!(reminder.in_reply_to.as_deref(), Some("<incident-7-firing@lookout>"));
    }
}
