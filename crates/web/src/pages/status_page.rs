//! `GET /status/{slug}`: a public status page. No sign-in and no cookie: the overall state, each
//! site's state and 90 days of daily uptime, ongoing downtime and maintenance. An `ETag` and a
//! short `Cache-Control` let browsers and proxies keep it, so a busy page costs little.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use lookout_domain::status_pages::{Overall, PublicStatus, StatusPageError, StatusPageSlug};
use maud::{Markup, html};

use super::PageError;
use crate::etag::{etag, still_fresh};
use crate::layout::public_page;
use crate::state::{WebState, WebUseCases};
use crate::{charts, format};

/// Seconds a status page may be kept by a browser or a proxy.
const MAX_AGE_SECS: u32 = 30;

fn overall(overall: Overall) -> (&'static str, &'static str) {
    match overall {
        Overall::Operational => ("All systems operational", "up"),
        Overall::Degraded => ("Degraded performance", "degraded"),
        Overall::PartialOutage => ("Partial outage", "down"),
        Overall::MajorOutage => ("Major outage", "down"),
        Overall::Maintenance => ("Under maintenance", "maintenance"),
        Overall::NoData => ("No data yet", "unknown"),
    }
}

fn body(status: &PublicStatus) -> Markup {
    let (headline, class) = overall(status.overall);
    html! {
        h1 { (status.page.title) }
        @if let Some(description) = &status.page.description { p.muted { (description) } }
        p.overall.(class) role="status" { span.state.(class) { (headline) } }
        @if !status.ongoing.is_empty() {
            h2 { "Ongoing incidents" }
            div.panel { ul {
                @for (name, window) in &status.ongoing {
                    li { strong { (name) } " has been down since " (format::when(window.start_time))
                        " (" (format::duration(window.duration(status.at))) ")." }
                }
            } }
        }
        @if !status.maintenance.is_empty() {
            h2 { "Maintenance" }
            div.panel { ul {
                @for (name, span) in &status.maintenance {
                    li { strong { (name) } ": " (format::when(span.start)) " – " (format::when(span.end)) }
                }
            } }
        }
        h2 { "Sites" }
        @if status.sites.is_empty() { p.muted { "This page lists no sites yet." } }
        @for site in &status.sites {
            @let (word, class) = format::state(site.state);
            section.panel.public-site {
                div.public-site-head {
                    h3 { (site.name) }
                    span.state.(class) { (word) }
                    span.muted.uptime { (format::percent(site.uptime_90d)) " over 90 days" }
                }
                (charts::day_bars(&site.days))
            }
        }
        p.muted { "Updated " (format::when(status.at)) "." }
    }
}

pub(crate) async fn handle<W: WebUseCases>(
    state: web::Data<WebState<W>>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let slug = StatusPageSlug::parse(&path).map_err(|_| PageError::NotFound)?;
    let status = match state.websites.public_status(slug).await {
        Ok(status) => status,
        Err(StatusPageError::NotFound(_)) => return Err(PageError::NotFound),
        Err(StatusPageError::Unavailable(e)) => return Err(PageError::unavailable(e.as_ref())),
        Err(StatusPageError::Unknown(e)) => return Err(PageError::unexpected(e.as_ref())),
    };
    let html = public_page(&status.page.title, body(&status)).into_string();
    let tag = etag(html.as_bytes());
    let fresh = still_fresh(&request, &tag);
    let mut response = if fresh { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    response
        .insert_header((header::ETAG, tag))
        .insert_header((header::CACHE_CONTROL, format!("public, max-age={MAX_AGE_SECS}")));
    Ok(if fresh {
        response.finish()
    } else {
        response.content_type("text/html; charset=utf-8").body(html)
    })
}
