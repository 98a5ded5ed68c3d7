//! The text and HTML parts of an alert mail: calm and readable — what happened, to which site
//! (a link), since when, for how long, the last error, the incident. A group lists every site.

use std::fmt::Write;

use lookout_domain::alerting::{AlertEvent, EventKind};
use time::OffsetDateTime;

use crate::summary::{GroupCount, Headline, failure, human_duration, human_time};

/// The text part and the HTML part.
pub(crate) fn render(events: &[AlertEvent], now: OffsetDateTime) -> (String, String) {
    match events {
        [event] => single(event, now),
        _ => group(events, now),
    }
}

/// Label and value rows describing one event.
fn rows(event: &AlertEvent, now: OffsetDateTime) -> Vec<(&'static str, String)> {
    let headline = Headline::of(event);
    let mut rows = Vec::new();
    if let Some(website) = &event.website {
        rows.push(("Site", website.name.clone()));
        rows.push(("URL", website.url.clone()));
    }
    rows.push(("Status", headline.verb.to_owned()));
    if event.event == EventKind::Flapping {
        rows.push(("Note", headline.detail.clone()));
    }
    if let Some(incident) = &event.incident {
        rows.push(("Down since", human_time(incident.opened_at)));
        match incident.resolved_at {
            Some(resolved) => {
                rows.push(("Back up at", human_time(resolved)));
                rows.push(("Down for", human_duration(incident.duration_secs)));
            }
            None => {
                rows.push(("Down for", human_duration((now - incident.opened_at).whole_seconds())))
            }
        }
    }
    if let Some(error) = failure(event) {
        let label = if event.event.is_trouble() { "Last error" } else { "Error before" };
        rows.push((label, error));
    }
    if let Some(incident) = &event.incident {
        let acknowledged = if incident.acknowledged { " (acknowledged)" } else { "" };
        rows.push(("Incident", format!("#{}{acknowledged}", incident.id)));
    }
    rows
}

fn single(event: &AlertEvent, now: OffsetDateTime) -> (String, String) {
    let headline = Headline::of(event);
    let title = match event.event {
        EventKind::Test => "Test from lookout".to_owned(),
        _ => headline.title(),
    };
    let rows = if event.event == EventKind::Test {
        vec![("Status", "This channel works: alerts will arrive here.".to_owned())]
    } else {
        rows(event, now)
    };
    let width = rows.iter().map(|(label, _)| label.len()).max().unwrap_or(0) + 2;
    let mut text = format!("{title}\n\n");
    for (label, value) in &rows {
        let _ = writeln!(text, "{:<width$}{value}", format!("{label}:"));
    }
    let _ = write!(text, "\nSent by lookout at {}.\n", human_time(now));

    let mut table = String::new();
    for (label, value) in &rows {
        let value = if *label == "URL" { link(value, value) } else { escape(value) };
        let _ = write!(
            table,
            "<tr><td style=\"padding:4px 16px 4px 0;color:#59636e;vertical-align:top;white-space:nowrap\">{label}</td><td style=\"padding:4px 0\">{value}</td></tr>"
        );
    }
    let html = page(&title, colour(event.event), &table, now);
    (text, html)
}

fn group(events: &[AlertEvent], now: OffsetDateTime) -> (String, String) {
    let title = GroupCount::of(events).text("resolved");
    let mut text = format!("{title}\n\n");
    let mut table = String::new();
    for event in events {
        let headline = Headline::of(event);
        let site = event.website.as_ref();
        let name = site.map_or("lookout", |w| w.name.as_str());
        let since = event
            .incident
            .as_ref()
            .filter(|i| i.resolved_at.is_none())
            .map(|i| format!(" (since {})", human_time(i.opened_at)))
            .unwrap_or_default();
        let _ = writeln!(text, "{} {name} — {}{since}", headline.verb, headline.detail);
        if let Some(site) = site {
            let _ = writeln!(text, "    {}", site.url);
        }
        let site_html = site.map_or_else(|| escape(name), |w| link(&w.url, &w.name));
        let _ = write!(
            table,
            "<tr><td style=\"padding:4px 12px 4px 0;color:{};font-weight:600;white-space:nowrap;vertical-align:top\">{}</td><td style=\"padding:4px 12px 4px 0;vertical-align:top\">{site_html}</td><td style=\"padding:4px 0;color:#59636e\">{}{}</td></tr>",
            colour(event.event),
            escape(headline.verb),
            escape(&headline.detail),
            escape(&since)
        );
    }
    let _ = write!(text, "\nSent by lookout at {}.\n", human_time(now));
    let html = page(&title, if GroupCount::of(events).down > 0 { RED } else { GREEN }, &table, now);
    (text, html)
}

const RED: &str = "#b42318";
const GREEN: &str = "#067647";
const INK: &str = "#1f2328";

fn colour(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Resolved => GREEN,
        EventKind::Test => INK,
        _ if kind.is_trouble() => RED,
        _ => INK,
    }
}

fn page(title: &str, colour: &str, rows: &str, now: OffsetDateTime) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
<body style=\"margin:0;padding:24px;background:#f6f8fa;font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:{INK};font-size:14px;line-height:1.5\">\
<div style=\"max-width:600px;margin:0 auto;background:#ffffff;border:1px solid #d1d9e0;border-radius:8px;padding:24px\">\
<p style=\"margin:0 0 4px;color:#59636e;font-size:12px;letter-spacing:0.04em;text-transform:uppercase\">lookout</p>\
<h1 style=\"margin:0 0 16px;font-size:20px;font-weight:600;color:{colour}\">{heading}</h1>\
<table style=\"border-collapse:collapse\">{rows}</table>\
<p style=\"margin:20px 0 0;color:#59636e;font-size:12px\">Sent by lookout at {sent}.</p>\
</div></body></html>",
        title = escape(title),
        heading = escape(title),
        sent = escape(&human_time(now)),
    )
}

/// A link to `url` (http and https only) labelled `label`.
fn link(url: &str, label: &str) -> String {
    if url.starts_with("http://") || url.starts_with("https://") {
        format!("<a href=\"{}\" style=\"color:#0969da\">{}</a>", escape(url), escape(label))
    } else {
        escape(label)
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const NOW: OffsetDateTime = datetime!(2026-11-30 03:04:12 UTC);

    #[test]
    fn a_firing_mail_names_the_site_the_error_and_the_time() {
        let mut event = AlertEvent::sample(datetime!(2026-11-30 03:00:00 UTC));
        event.website.as_mut().unwrap().name = "<b>Shop</b>".into();
        let (text, html) = render(&[event], NOW);
        assert!(text.starts_with("DOWN: <b>Shop</b>\n"), "{text}");
        assert!(text.contains("Down for:   4m 12s"), "{text}");
        assert!(text.contains("Last error: HTTP 503"), "{text}");
        assert!(html.contains("&lt;b&gt;Shop&lt;/b&gt;"));
        assert!(!html.contains("<b>Shop"));
        assert!(html.contains("<a href=\"https://example.com/\""));
    }

    #[test]
    fn a_group_lists_every_site() {
        let events: Vec<AlertEvent> = (0..3).map(|_| AlertEvent::sample(NOW)).collect();
        let (text, html) = render(&events, NOW);
        assert!(text.starts_with("3 sites down\n"));
        assert_eq!(text.matches("DOWN Example").count(), 3);
        assert_eq!(html.matches("<tr>").count(), 3);
    }

    #[test]
    fn only_web_links_are_links() {
        assert_eq!(link("javascript:alert(1)", "x"), "x");
    }
}
