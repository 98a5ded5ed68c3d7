//! Slack channels: an incoming-webhook message (`text` for notifications, `blocks` for the
//! channel) that a tired on-call engineer reads at a glance: what, which site (a link), since
//! when, for how long, the last error, the incident. A group lists one line per site.

use lookout_domain::alerting::{AlertEvent, EventKind, Secret};
use reqwest::Method;
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::http_send::{self, Outgoing};
use crate::summary::{GroupCount, Headline, failure, human_duration, human_time};

/// Most sites listed in a grouped message; the rest are counted.
pub(crate) const MAX_GROUP_LINES: usize = 20;
/// Slack's limit on a header block's text.
const MAX_HEADER_CHARS: usize = 150;
/// Longest error text shown (Slack truncates long blocks badly).
const MAX_DETAIL_CHARS: usize = 300;

/// The request of a Slack channel (its URL is a secret: it never shows in an error).
pub(crate) fn request<'a>(
    webhook_url: &'a Secret,
    events: &[AlertEvent],
    now: OffsetDateTime,
) -> Result<Outgoing<'a>, String> {
    let body = serde_json::to_vec(&message(events, now))
        .map_err(|e| format!("the message cannot be written as JSON: {e}"))?;
    let headers = http_send::headers("application/json", None, &[])?;
    let url = webhook_url.expose();
    Ok(Outgoing { method: Method::POST, url, headers, body, secrets: vec![url] })
}

/// The message for `events` (one, or a group).
pub(crate) fn message(events: &[AlertEvent], now: OffsetDateTime) -> Value {
    match events {
        [event] => single(event, now),
        _ => group(events, now),
    }
}

fn single(event: &AlertEvent, now: OffsetDateTime) -> Value {
    let headline = Headline::of(event);
    let text = headline.line();
    let title = match event.event {
        EventKind::Test => text.clone(),
        _ => format!("{} {}", headline.emoji, headline.title()),
    };
    let mut blocks = vec![json!({
        "type": "header",
        "text": {"type": "plain_text", "text": truncate(&title, MAX_HEADER_CHARS), "emoji": true}
    })];
    if let Some(website) = &event.website {
        let link = format!("<{}|{}>", escape(&website.url), escape(&website.url));
        let line = format!("{link}\n{}", escape(&truncate(&headline.detail, MAX_DETAIL_CHARS)));
        blocks.push(json!({"type": "section", "text": {"type": "mrkdwn", "text": line}}));
    } else {
        let line = "A test message: alerts sent to this channel will look like this.";
        blocks.push(json!({"type": "section", "text": {"type": "mrkdwn", "text": line}}));
    }
    let fields = fields(event, now);
    if !fields.is_empty() {
        blocks.push(json!({"type": "section", "fields": fields}));
    }
    blocks.push(json!({
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": format!(
            "lookout · {} · sent {}", escape(&event.dedup_key), human_time(now)
        )}]
    }));
    json!({"text": escape(&text), "blocks": blocks})
}

/// `*Down since*` / `*Down for*` / `*Last error*` / `*Incident*` fields.
fn fields(event: &AlertEvent, now: OffsetDateTime) -> Vec<Value> {
    let field = |label: &str, value: String| json!({"type": "mrkdwn", "text": format!("*{label}*\n{}", escape(&value))});
    let mut fields = Vec::new();
    if let Some(incident) = &event.incident {
        fields.push(field("Down since", human_time(incident.opened_at)));
        match incident.resolved_at {
            Some(resolved) => {
                fields.push(field("Back up at", human_time(resolved)));
                fields.push(field("Down for", human_duration(incident.duration_secs)));
            }
            None => {
                let so_far = (now - incident.opened_at).whole_seconds();
                fields.push(field("Down for", human_duration(so_far)));
            }
        }
    }
    if let Some(error) = failure(event).filter(|_| event.event.is_trouble()) {
        fields.push(field("Last error", truncate(&error, MAX_DETAIL_CHARS)));
    }
    if let Some(incident) = &event.incident {
        let acknowledged = if incident.acknowledged { " (acknowledged)" } else { "" };
        fields.push(field("Incident", format!("#{}{acknowledged}", incident.id)));
    }
    fields
}

fn group(events: &[AlertEvent], now: OffsetDateTime) -> Value {
    let count = GroupCount::of(events);
    let summary = count.text("recovered");
    let emoji = match count {
        GroupCount { down: 1.., .. } => "🔴",
        GroupCount { flapping: 1.., .. } => "〰️",
        GroupCount { resolved: 1.., .. } => "✅",
        _ => "🧪",
    };
    let mut blocks = vec![json!({
        "type": "header",
        "text": {"type": "plain_text", "text": truncate(&format!("{emoji} {summary}"), MAX_HEADER_CHARS), "emoji": true}
    })];
    for event in events.iter().take(MAX_GROUP_LINES) {
        blocks.push(
            json!({"type": "section", "text": {"type": "mrkdwn", "text": group_line(event)}}),
        );
    }
    if events.len() > MAX_GROUP_LINES {
        let more = format!("…and {} more", events.len() - MAX_GROUP_LINES);
        blocks.push(json!({"type": "section", "text": {"type": "mrkdwn", "text": more}}));
    }
    blocks.push(json!({
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": format!("lookout · sent {}", human_time(now))}]
    }));
    json!({"text": summary, "blocks": blocks})
}

/// `🔴 *<https://shop.example/|Shop>* — HTTP 503 · since 03:00:00 UTC · incident #7`.
fn group_line(event: &AlertEvent) -> String {
    let headline = Headline::of(event);
    let site = match &event.website {
        Some(website) => format!("*<{}|{}>*", escape(&website.url), escape(&website.name)),
        None => "*lookout*".to_owned(),
    };
    let mut line = format!(
        "{} {} {site} — {}",
        headline.emoji,
        headline.verb,
        escape(&truncate(&headline.detail, MAX_DETAIL_CHARS))
    );
    if let Some(incident) = &event.incident {
        if incident.resolved_at.is_none() {
            line.push_str(&format!(" · since {}", human_time(incident.opened_at)));
        }
        line.push_str(&format!(" · incident #{}", incident.id));
    }
    line
}

/// Slack's mrkdwn escaping (`&`, `<`, `>`), with `|` kept out of link labels.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('|', "¦")
}

fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const NOW: OffsetDateTime = datetime!(2026-11-30 03:04:12 UTC);

    #[test]
    fn one_event_reads_at_a_glance() {
        let mut event = AlertEvent::sample(datetime!(2026-11-30 03:00:00 UTC));
        event.website.as_mut().unwrap().name = "Shop <main> & co".into();
        let message = message(&[event], NOW);
        assert_eq!(message["text"], "🔴 DOWN: Shop &lt;main&gt; &amp; co — HTTP 503");
        let blocks = message["blocks"].as_array().unwrap();
        assert_eq!(blocks[0]["text"]["text"], "🔴 DOWN: Shop <main> & co");
        assert!(blocks[1]["text"]["text"].as_str().unwrap().starts_with("<https://example.com/|"));
        let fields = blocks[2]["fields"].to_string();
        assert!(fields.contains("Down for*\\n4m 12s"), "{fields}");
        assert!(fields.contains("#1"), "{fields}");
    }

    #[test]
    fn a_group_lists_at_most_twenty_sites() {
        let events: Vec<AlertEvent> = (0..23).map(|_| AlertEvent::sample(NOW)).collect();
        let message = message(&events, NOW);
        assert_eq!(message["text"], "23 sites down");
        let blocks = message["blocks"].as_array().unwrap();
        assert_eq!(blocks.len(), 1 + 20 + 1 + 1);
        assert_eq!(blocks[21]["text"]["text"], "…and 3 more");
        assert!(
            blocks[1]["text"]["text"]
                .as_str()
                .unwrap()
                .contains("*<https://example.com/|Example>*")
        );
    }
}
