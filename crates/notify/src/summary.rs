//! The words of a message, shared by Slack and email: what happened to which site in one line
//! (`🔴 DOWN: Shop — HTTP 503`), human durations (`4m 12s`), times, and the count of a group
//! (`3 sites down, 1 recovered`).

use lookout_domain::alerting::{AlertEvent, EventKind};
use time::OffsetDateTime;
use time::macros::format_description;

/// An event in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Headline {
    pub(crate) emoji: &'static str,
    /// `DOWN`, `RESOLVED`, `STILL DOWN`, `ESCALATED`, `FLAPPING`, `TEST`.
    pub(crate) verb: &'static str,
    /// The site's name (empty for a test).
    pub(crate) site: String,
    /// What is wrong or how it ended: `HTTP 503`, `down for 4m 12s`.
    pub(crate) detail: String,
}

impl Headline {
    pub(crate) fn of(event: &AlertEvent) -> Self {
        let site = event.website.as_ref().map(|w| w.name.clone()).unwrap_or_default();
        let failure = failure(event);
        let down_for = event.incident.as_ref().map(|i| human_duration(i.duration_secs));
        let (emoji, verb, detail) = match event.event {
            EventKind::Firing => ("🔴", "DOWN", failure.unwrap_or_else(|| "down".to_owned())),
            EventKind::Resolved => (
                "✅",
                "RESOLVED",
                down_for.map_or_else(|| "back up".to_owned(), |d| format!("down for {d}")),
            ),
            EventKind::Reminder => ("🔁", "STILL DOWN", still_down(down_for, failure)),
            EventKind::Escalated => ("⏫", "ESCALATED", still_down(down_for, failure)),
            EventKind::Flapping => (
                "〰️",
                "FLAPPING",
                "going up and down; further alerts held until it is stable".to_owned(),
            ),
            EventKind::Test => ("🧪", "TEST", "this channel works".to_owned()),
        };
        Self { emoji, verb, site, detail }
    }

    /// `🔴 DOWN: Shop — HTTP 503`, or `🧪 Test from lookout`.
    pub(crate) fn line(&self) -> String {
        if self.verb == "TEST" {
            return format!("{} Test from lookout", self.emoji);
        }
        format!("{} {}: {} — {}", self.emoji, self.verb, self.site, self.detail)
    }

    /// `DOWN: Shop` (the email subject's words).
    pub(crate) fn title(&self) -> String {
        if self.site.is_empty() {
            return self.verb.to_owned();
        }
        format!("{}: {}", self.verb, self.site)
    }
}

fn still_down(down_for: Option<String>, failure: Option<String>) -> String {
    match (down_for, failure) {
        (Some(d), Some(f)) => format!("down for {d} ({f})"),
        (Some(d), None) => format!("down for {d}"),
        (None, Some(f)) => f,
        (None, None) => "still down".to_owned(),
    }
}

/// The check's failure: its error text, else its status (`HTTP 503`), and the regions that saw
/// it down when regions voted (`HTTP 503 (down from eu-west, us-east)`).
pub(crate) fn failure(event: &AlertEvent) -> Option<String> {
    let check = event.check.as_ref()?;
    let what = match (&check.error_message, check.status_code) {
        (Some(message), _) => Some(message.clone()),
        (None, Some(code)) => Some(format!("HTTP {code}")),
        (None, None) => None,
    };
    if check.regions_down.is_empty() {
        return what;
    }
    let from = format!("down from {}", check.regions_down.join(", "));
    Some(match what {
        Some(what) => format!("{what} ({from})"),
        None => from,
    })
}

/// `42s`, `4m 12s`, `2h 5m`, `3d 4h`.
pub(crate) fn human_duration(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {}s", s / 60, s % 60),
        3600..86400 => format!("{}h {}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d {}h", s / 86400, s % 86400 / 3600),
    }
}

/// `2026-11-30 03:00:00 UTC`.
pub(crate) fn human_time(at: OffsetDateTime) -> String {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    at.to_offset(time::UtcOffset::UTC).format(&format).unwrap_or_else(|_| at.to_string())
}

/// How many events of a group are of each sort.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct GroupCount {
    pub(crate) down: usize,
    pub(crate) resolved: usize,
    pub(crate) flapping: usize,
    pub(crate) tests: usize,
}

impl GroupCount {
    pub(crate) fn of(events: &[AlertEvent]) -> Self {
        let mut count = Self::default();
        for event in events {
            match event.event {
                EventKind::Firing | EventKind::Reminder | EventKind::Escalated => count.down += 1,
                EventKind::Resolved => count.resolved += 1,
                EventKind::Flapping => count.flapping += 1,
                EventKind::Test => count.tests += 1,
            }
        }
        count
    }

    /// `3 sites down, 1 recovered` (`resolved_word` names the resolved ones).
    pub(crate) fn text(&self, resolved_word: &str) -> String {
        let mut parts = Vec::new();
        if self.down > 0 {
            let sites = if self.down == 1 { "site" } else { "sites" };
            parts.push(format!("{} {sites} down", self.down));
        }
        if self.resolved > 0 {
            parts.push(format!("{} {resolved_word}", self.resolved));
        }
        if self.flapping > 0 {
            parts.push(format!("{} flapping", self.flapping));
        }
        if self.tests > 0 {
            let tests = if self.tests == 1 { "test" } else { "tests" };
            parts.push(format!("{} {tests}", self.tests));
        }
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use lookout_domain::WebsiteId;
    use lookout_domain::alerting::{EventCheck, EventIncident, EventWebsite, IncidentId};
    use time::macros::datetime;

    use super::*;

    const T0: OffsetDateTime = datetime!(2026-11-30 03:00:00 UTC);

    fn event(kind: EventKind, duration_secs: i64) -> AlertEvent {
        AlertEvent {
            version: 1,
            event: kind,
            dedup_key: format!("incident-7-{}", kind.as_str()),
            incident: Some(EventIncident {
                id: IncidentId::new(7).unwrap(),
                opened_at: T0,
                resolved_at: None,
                duration_secs,
                acknowledged: false,
            }),
            website: Some(EventWebsite {
                id: WebsiteId::new(3).unwrap(),
                name: "Shop".into(),
                url: "https://shop.example/".into(),
            }),
            check: Some(EventCheck {
                timestamp: T0,
                status_code: Some(503),
                response_time: 0.2,
                error_message: None,
                regions_down: Vec::new(),
            }),
        }
    }

    #[test]
    fn headlines_say_what_happened_at_a_glance() {
        assert_eq!(Headline::of(&event(EventKind::Firing, 0)).line(), "🔴 DOWN: Shop — HTTP 503");
        assert_eq!(
            Headline::of(&event(EventKind::Resolved, 252)).line(),
            "✅ RESOLVED: Shop — down for 4m 12s"
        );
        assert_eq!(
            Headline::of(&event(EventKind::Reminder, 7500)).line(),
            "🔁 STILL DOWN: Shop — down for 2h 5m (HTTP 503)"
        );
        assert!(
            Headline::of(&event(EventKind::Escalated, 60)).line().starts_with("⏫ ESCALATED: Shop")
        );
        assert!(
            Headline::of(&event(EventKind::Flapping, 0)).line().starts_with("〰️ FLAPPING: Shop")
        );
        let test = AlertEvent::test(lookout_domain::alerting::ChannelId::MIN, T0);
        assert_eq!(Headline::of(&test).line(), "🧪 Test from lookout");
        assert_eq!(Headline::of(&test).title(), "TEST");
    }

    #[test]
    fn a_regional_outage_names_the_regions_that_saw_it() {
        let mut firing = event(EventKind::Firing, 0);
        if let Some(check) = firing.check.as_mut() {
            check.regions_down = vec!["eu-west".into(), "us-east".into()];
        }
        assert_eq!(
            Headline::of(&firing).line(),
            "🔴 DOWN: Shop — HTTP 503 (down from eu-west, us-east)"
        );
    }

    #[test]
    fn durations_read_like_people_say_them() {
        assert_eq!(human_duration(-3), "0s");
        assert_eq!(human_duration(42), "42s");
        assert_eq!(human_duration(252), "4m 12s");
        assert_eq!(human_duration(7500), "2h 5m");
        assert_eq!(human_duration(3 * 86400 + 4 * 3600 + 5), "3d 4h");
        assert_eq!(human_time(T0), "2026-11-30 03:00:00 UTC");
    }

    #[test]
    fn groups_are_counted() {
        let events = [
            event(EventKind::Firing, 0),
            event(EventKind::Reminder, 0),
            event(EventKind::Escalated, 0),
            event(EventKind::Resolved, 10),
        ];
        assert_eq!(GroupCount::of(&events).text("recovered"), "3 sites down, 1 recovered");
        assert_eq!(GroupCount::of(&events[..1]).text("resolved"), "1 site down");
    }
}
