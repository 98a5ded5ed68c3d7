//! Badges of a public site (marked `public`, or on a status page; 404 otherwise):
//! `/badge/{id}/status.svg`, `/badge/{id}/uptime.svg?window=24h|7d|30d`,
//! `/badge/{id}/response-time.svg?window=…` (the median), and `/badge/{id}/shields.json`
//! (shields.io's endpoint format, `?metric=status|uptime|response-time&window=…`). Plain SVG
//! drawn here, cached for a minute.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use lookout_domain::WebsiteId;
use lookout_domain::dashboard::ChartWindow;
use lookout_domain::status_pages::{BadgeColour, BadgeFacts, StatusPageError};
use serde::Deserialize;

use crate::format;
use crate::state::{WebState, WebUseCases};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct BadgeParams {
    #[serde(default)]
    window: String,
    #[serde(default)]
    metric: String,
}

/// Which figure a badge shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Metric {
    Status,
    Uptime,
    ResponseTime,
}

/// A JSON 4xx naming the parameter (as the API answers).
fn refused(status: StatusCode, field: Option<&str>, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(serde_json::json!({
        "code": if status == StatusCode::NOT_FOUND { "not_found" } else { "validation_failed" },
        "message": message,
        "field": field,
    }))
}

/// The label, message and colour of `metric`.
fn reading(facts: &BadgeFacts, metric: Metric) -> (String, String, BadgeColour) {
    let window = facts.window.as_str();
    match metric {
        Metric::Status => (
            "status".into(),
            format::state(facts.state).0.to_lowercase(),
            BadgeColour::of_state(facts.state),
        ),
        Metric::Uptime => (
            format!("uptime {window}"),
            format::percent(facts.uptime).replace(' ', ""),
            BadgeColour::of_uptime(facts.uptime),
        ),
        Metric::ResponseTime => (
            format!("response time {window}"),
            facts.response_p50.map_or_else(|| "no data".to_owned(), format::seconds),
            BadgeColour::of_response(facts.response_p50),
        ),
    }
}

/// Roughly how wide `text` is in 11 px Verdana (what shields.io measures).
fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|c| {
            if c.is_ascii_uppercase() || c == 'm' || c == 'w' {
                9.0
            } else if c == ' ' || c == '.' || c == 'i' || c == 'l' {
                4.0
            } else {
                7.0
            }
        })
        .sum()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A flat two-part badge.
pub(crate) fn svg(label: &str, message: &str, colour: BadgeColour) -> String {
    let left = text_width(label) + 12.0;
    let right = text_width(message) + 12.0;
    let total = left + right;
    let (label, message) = (escape(label), escape(message));
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{total:.0}" height="20" role="img" aria-label="{label}: {message}"><title>{label}: {message}</title><linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient><clipPath id="r"><rect width="{total:.0}" height="20" rx="3" fill="#fff"/></clipPath><g clip-path="url(#r)"><rect width="{left:.0}" height="20" fill="#555"/><rect x="{left:.0}" width="{right:.0}" height="20" fill="{hex}"/><rect width="{total:.0}" height="20" fill="url(#s)"/></g><g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11"><text x="{lx:.1}" y="15" fill="#010101" fill-opacity=".3">{label}</text><text x="{lx:.1}" y="14">{label}</text><text x="{rx:.1}" y="15" fill="#010101" fill-opacity=".3">{message}</text><text x="{rx:.1}" y="14">{message}</text></g></svg>"##,
        hex = colour.hex(),
        lx = left / 2.0,
        rx = left + right / 2.0,
    )
}

async fn facts<W: WebUseCases>(
    state: &WebState<W>,
    raw_id: &str,
    params: &BadgeParams,
) -> Result<BadgeFacts, HttpResponse> {
    let window = match params.window.as_str() {
        "" => ChartWindow::Day,
        raw => ChartWindow::parse(raw).ok_or_else(|| {
            refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("window"),
                &format!("window must be 24h, 7d or 30d, got {raw:?}"),
            )
        })?,
    };
    let not_found = || refused(StatusCode::NOT_FOUND, None, &format!("no public website {raw_id}"));
    let id =
        raw_id.parse::<i64>().ok().and_then(|id| WebsiteId::new(id).ok()).ok_or_else(not_found)?;
    match state.websites.badge(id, window).await {
        Ok(Some(facts)) => Ok(facts),
        Ok(None) => Err(not_found()),
        Err(StatusPageError::Unavailable(e)) => {
            tracing::warn!(error = %e, "A badge could not read storage");
            Err(refused(
                StatusCode::SERVICE_UNAVAILABLE,
                None,
                "the database is unavailable; try again shortly",
            ))
        }
        Err(error) => {
            tracing::error!(%error, "A badge failed");
            Err(refused(StatusCode::INTERNAL_SERVER_ERROR, None, "internal server error"))
        }
    }
}

fn cached(mut response: actix_web::HttpResponseBuilder) -> actix_web::HttpResponseBuilder {
    response.insert_header((header::CACHE_CONTROL, "public, max-age=60"));
    response
}

async fn badge<W: WebUseCases>(
    state: web::Data<WebState<W>>,
    path: web::Path<String>,
    params: web::Query<BadgeParams>,
    metric: Metric,
) -> HttpResponse {
    match facts(&state, &path, &params).await {
        Ok(facts) => {
            let (label, message, colour) = reading(&facts, metric);
            cached(HttpResponse::Ok())
                .content_type("image/svg+xml")
                .body(svg(&label, &message, colour))
        }
        Err(refusal) => refusal,
    }
}

pub(crate) async fn status<W: WebUseCases>(
    state: web::Data<WebState<W>>,
    path: web::Path<String>,
    params: web::Query<BadgeParams>,
) -> HttpResponse {
    badge(state, path, params, Metric::Status).await
}

pub(crate) async fn uptime<W: WebUseCases>(
    state: web::Data<WebState<W>>,
    path: web::Path<String>,
    params: web::Query<BadgeParams>,
) -> HttpResponse {
    badge(state, path, params, Metric::Uptime).await
}

pub(crate) async fn response_time<W: WebUseCases>(
    state: web::Data<WebState<W>>,
    path: web::Path<String>,
    params: web::Query<BadgeParams>,
) -> HttpResponse {
    badge(state, path, params, Metric::ResponseTime).await
}

pub(crate) async fn shields<W: WebUseCases>(
    state: web::Data<WebState<W>>,
    path: web::Path<String>,
    params: web::Query<BadgeParams>,
) -> HttpResponse {
    let metric = match params.metric.as_str() {
        "" | "status" => Metric::Status,
        "uptime" => Metric::Uptime,
        "response-time" => Metric::ResponseTime,
        other => {
            return refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("metric"),
                &format!("metric must be status, uptime or response-time, got {other:?}"),
            );
        }
    };
    match facts(&state, &path, &params).await {
        Ok(facts) => {
            let (label, message, colour) = reading(&facts, metric);
            cached(HttpResponse::Ok()).json(serde_json::json!({
                "schemaVersion": 1,
                "label": label,
                "message": message,
                "color": colour.name(),
            }))
        }
        Err(refusal) => refusal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_badge_is_svg_with_its_reading_escaped() {
        let drawn = svg("status", "up & <ok>", BadgeColour::BrightGreen);
        assert!(drawn.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(drawn.contains("aria-label=\"status: up &amp; &lt;ok&gt;\""));
        assert!(drawn.contains("fill=\"#4c1\""));
        assert!(!drawn.contains("<ok>"));
    }
}
