//! Channels, events and notifiers for the tests.

use std::time::Duration;

use lookout_domain::alerting::{
    AlertEvent, Channel, ChannelConfig, ChannelId, ChannelName, EventCheck, EventKind,
    EventWebsite, Header, Incident, IncidentId, Secret, TemplateMethod, parse_header,
};
use lookout_domain::website::AddressPolicy;
use lookout_domain::{WebsiteId, WebsiteUrl};
use lookout_notify::{ChannelNotifier, NotifyOptions};
use time::OffsetDateTime;
use time::macros::datetime;

/// When the incidents of the tests opened.
pub const OPENED: OffsetDateTime = datetime!(2026-11-30 03:00:00 UTC);
/// When the tests send.
pub const NOW: OffsetDateTime = datetime!(2026-11-30 03:04:12 UTC);
/// A generous bound for waiting on a condition.
pub const WITHIN: Duration = Duration::from_secs(10);

/// A notifier that may reach loopback (the farm) with a 2 s timeout.
pub fn notifier() -> ChannelNotifier {
    notifier_with(NotifyOptions {
        timeout: Duration::from_secs(2),
        addresses: AddressPolicy::allow_all(),
        ..NotifyOptions::default()
    })
}

pub fn notifier_with(options: NotifyOptions) -> ChannelNotifier {
    ChannelNotifier::new(options).unwrap()
}

pub fn channel(config: ChannelConfig) -> Channel {
    Channel {
        id: ChannelId::new(5).unwrap(),
        name: ChannelName::parse("ops").unwrap(),
        config,
        is_default: false,
        managed: None,
        created_at: OPENED,
        updated_at: OPENED,
    }
}

pub fn webhook(url: &str, secret: Option<&str>, headers: Vec<Header>) -> Channel {
    channel(ChannelConfig::Webhook {
        url: WebsiteUrl::parse(url).unwrap(),
        secret: secret.map(Secret::new),
        headers,
    })
}

pub fn slack(url: &str) -> Channel {
    channel(ChannelConfig::Slack { webhook_url: Secret::new(url) })
}

pub fn template(url: &str, method: TemplateMethod, content_type: &str, body: &str) -> Channel {
    channel(ChannelConfig::Template {
        url: WebsiteUrl::parse(url).unwrap(),
        method,
        headers: vec![parse_header("Authorization", "Bearer tpl-token-123").unwrap()],
        content_type: content_type.to_owned(),
        body_template: body.to_owned(),
    })
}

pub fn header(name: &str, value: &str) -> Header {
    parse_header(name, value).unwrap()
}

/// Incident `id` of site `site` ("Shop <id>"), opened at [`OPENED`].
pub fn incident(id: i64, resolved: bool) -> Incident {
    Incident {
        id: IncidentId::new(id).unwrap(),
        website_id: WebsiteId::new(id + 100).unwrap(),
        opened_at: OPENED,
        resolved_at: resolved.then_some(NOW),
        acknowledged_at: None,
        reminders_sent: 0,
        escalations_done: 0,
    }
}

/// The `kind` event of incident `id` (the site is "Shop" for 7, "Site <id>" otherwise).
pub fn event(kind: EventKind, id: i64) -> AlertEvent {
    let incident = incident(id, kind == EventKind::Resolved);
    let name = if id == 7 { "Shop".to_owned() } else { format!("Site {id}") };
    let website =
        EventWebsite { id: incident.website_id, name, url: format!("https://site{id}.example/") };
    let check = EventCheck {
        timestamp: OPENED,
        status_code: Some(503),
        response_time: 0.2,
        error_message: None,
        regions_down: Vec::new(),
    };
    let sequence = u32::from(matches!(kind, EventKind::Reminder | EventKind::Escalated));
    AlertEvent::for_incident(kind, sequence, &incident, website, Some(check), NOW)
}
