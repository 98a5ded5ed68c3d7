//! `GET /sites/{id}?chart=24h|7d|30d`: one site. Its state and breaker, uptime over 24 h, 7 d,
//! 30 d and 90 d, a 90-day bar of daily uptime, the response-time chart (p50 and p95), recent
//! checks with their errors, downtime windows and the certificate; and, for those who may
//! write, edit, pause or resume, and delete.

use actix_web::{HttpRequest, HttpResponse, web};
use lookout_domain::dashboard::{ChartWindow, SiteReport, Verdict};
use lookout_domain::regions::Quorum;
use lookout_domain::{CircuitBreaker, WebsiteId};
use maud::{Markup, html};
use serde::Deserialize;

use super::{PageError, html_response, require_read};
use crate::layout::{Nav, page};
use crate::session::Viewer;
use crate::state::{WebState, WebUseCases};
use crate::{charts, format};

#[derive(Debug, Deserialize)]
pub(crate) struct SiteParams {
    #[serde(default)]
    chart: String,
}

/// A site id from the path; anything else is a page that does not exist.
pub(crate) fn site_id(raw: &str) -> Result<WebsiteId, PageError> {
    raw.parse::<i64>().ok().and_then(|id| WebsiteId::new(id).ok()).ok_or(PageError::NotFound)
}

pub(crate) async fn handle<W: WebUseCases>(
    state: web::Data<WebState<W>>,
    viewer: web::ReqData<Viewer>,
    request: HttpRequest,
    path: web::Path<String>,
    params: web::Query<SiteParams>,
) -> Result<HttpResponse, PageError> {
    let viewer = viewer.into_inner();
    require_read(&viewer, &request)?;
    let id = site_id(&path)?;
    let chart = if params.chart.is_empty() {
        ChartWindow::default()
    } else {
        ChartWindow::parse(&params.chart).ok_or_else(|| {
            PageError::bad_input(
                "chart",
                format!("chart must be 24h, 7d or 30d, got {:?}", params.chart),
            )
        })?
    };
    let report = state.websites.site_report(id, chart).await?;
    let title = report.website.name.as_str().to_owned();
    Ok(html_response(page(&title, Nav::None, Some(&viewer), body(&report, &viewer))))
}

fn breaker(breaker: CircuitBreaker) -> String {
    match breaker {
        CircuitBreaker::Closed { failures: 0 } => "Closed".to_owned(),
        CircuitBreaker::Closed { failures } => format!("Closed, {failures} failure(s) in a row"),
        CircuitBreaker::Open { until } => format!("Open until {}", format::when(until)),
        CircuitBreaker::HalfOpen => "Half open: a trial check is running".to_owned(),
    }
}

/// The regions the site chose: what each last saw, and whether it counts in the vote.
fn regions(report: &SiteReport) -> Markup {
    let choice = &report.website.regions;
    let quorum = match choice.quorum() {
        Quorum::Majority => "a majority".to_owned(),
        Quorum::All => "all".to_owned(),
        Quorum::Any => "any one".to_owned(),
        Quorum::AtLeast(n) => n.to_string(),
    };
    html! {
        h2 { "Regions" }
        div.panel {
            p.muted { "Down when " (quorum) " of the regions with a fresh check see it down." }
            table.list {
                thead { tr { th { "Region" } th { "State" } th { "Last check" } th { "In the vote" } } }
                tbody {
                    @for standing in &report.status.regions {
                        @let (word, class) = match standing.seen {
                            None => ("No nodes", "unknown"),
                            Some(None) => ("Unknown", "unknown"),
                            Some(Some(Verdict::Up)) => ("Up", "up"),
                            Some(Some(Verdict::Degraded)) => ("Degraded", "degraded"),
                            Some(Some(Verdict::Failed)) => ("Down", "down"),
                        };
                        tr {
                            td { (standing.region.as_str()) }
                            td { span.state.(class) { (word) } }
                            td { (standing.last_check.map_or_else(|| "—".to_owned(), |at| format::ago(at, report.at))) }
                            td { (if standing.fresh { "yes" } else { "no (stale)" }) }
                        }
                    }
                }
            }
        }
    }
}

fn body(report: &SiteReport, viewer: &Viewer) -> Markup {
    let site = &report.website;
    let id = site.id.get();
    let (word, class) = format::state(report.status.state);
    let chart_from = report.at - report.chart_window.length();
    html! {
        p { a href="/" { "← Overview" } }
        h1 { (site.name.as_str()) " " span.state.(class) { (word) } }
        p.muted { a href=(site.url.given()) rel="noopener noreferrer" { (site.url.given()) }
            " · every " (site.check_interval.secs()) " s" @if !site.enabled { " · paused" } }
        @if let Some(managed) = &site.managed {
            p.notice {
                "Managed by " strong { (managed.by.as_str().trim_start_matches("file:")) }
                " (as " code { (managed.key.as_str()) } "): change it in the file and apply it."
            }
        } @else if viewer.can_write() {
            div.actions {
                a.button.quiet href=(format!("/sites/{id}/edit")) { "Edit" }
                form method="post" action=(format!("/sites/{id}/{}", if site.enabled { "pause" } else { "resume" })) {
                    input type="hidden" name="csrf" value=(viewer.csrf);
                    button.quiet type="submit" { (if site.enabled { "Pause" } else { "Resume" }) }
                }
                form method="post" action=(format!("/sites/{id}/delete")) data-confirm=(format!("Delete {} and all its history?", site.name.as_str())) {
                    input type="hidden" name="csrf" value=(viewer.csrf);
                    button.danger type="submit" { "Delete" }
                }
            }
        }
        h2 { "Uptime" }
        div.panel {
            div.stats {
                @for (label, uptime) in &report.uptime {
                    div.stat { div.label { (label) } div.value { (format::percent(*uptime)) } }
                }
                div.stat { div.label { "Circuit breaker" } div.value style="font-size:1rem" { (breaker(report.status.breaker)) } }
                div.stat { div.label { "Next check" } div.value style="font-size:1rem" {
                    (report.status.next_due.map_or_else(|| "—".to_owned(), format::when)) } }
            }
            h2 { "Last 90 days" }
            (charts::day_bars(&report.days))
        }
        @if !report.status.regions.is_empty() { (regions(report)) }
        h2 #response-time { "Response time" }
        div.panel {
            nav.tabs aria-label="Chart period" {
                @for window in ChartWindow::ALL {
                    a href=(format!("/sites/{id}?chart={}#response-time", window.as_str()))
                        aria-current=[(window == report.chart_window).then_some("true")] { (window.as_str()) }
                }
            }
            (charts::response_chart(&report.chart, chart_from, report.at))
        }
        div.grid2 {
            section {
                h2 { "Recent checks" }
                div.panel {
                    @if report.recent_checks.is_empty() { p.muted { "Not checked yet." } } @else {
                        table.list {
                            thead { tr { th { "When" } th { "Result" } th { "Time" } } }
                            tbody {
                                @for stored in &report.recent_checks {
                                    @let check = &stored.check;
                                    tr {
                                        td { (format::ago(check.timestamp, report.at))
                                            @if let Some(region) = &stored.region { div.muted { (region.as_str()) } } }
                                        td {
                                            @if !check.is_available { span.state.down { "Failed" } }
                                            @else if check.degraded { span.state.degraded { "Degraded" } }
                                            @else { span.state.up { "OK" } }
                                            @if let Some(code) = check.status_code { " " (code) }
                                            @if let Some(error) = &check.error_message { div.muted { (error) } }
                                            @if let Some(failed) = &check.failed_assertion { div.muted { (failed) } }
                                        }
                                        td { @if check.status_code.is_some() { (format::seconds(check.response_time)) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section {
                h2 { "Downtime" }
                div.panel {
                    @if report.downtimes.is_empty() { p.muted { "No downtime in the last 90 days." } } @else {
                        table.list {
                            thead { tr { th { "Started" } th { "Lasted" } } }
                            tbody {
                                @for window in &report.downtimes {
                                    tr {
                                        td { (format::when(window.start_time)) }
                                        td { @if window.is_open() { span.state.down { "ongoing, " (format::duration(window.duration(report.at))) } }
                                             @else { (format::duration(window.duration(report.at))) } }
                                    }
                                }
                            }
                        }
                    }
                }
                @if !report.incidents.is_empty() {
                    h2 { "Incidents" }
                    div.panel {
                        table.list {
                            thead { tr { th { "Opened" } th { "State" } } }
                            tbody {
                                @for incident in &report.incidents {
                                    tr {
                                        td { (format::when(incident.opened_at)) }
                                        td {
                                            @match incident.resolved_at {
                                                Some(resolved) => { "Resolved after " (format::duration(std::time::Duration::try_from(resolved - incident.opened_at).unwrap_or_default())) }
                                                None => {
                                                    span.state.down { "Open" }
                                                    @if incident.acknowledged_at.is_some() { " · acknowledged" }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @if let Some(certificate) = &report.certificate {
                    h2 { "Certificate" }
                    div.panel {
                        @let days = certificate.certificate.days_left(report.at);
                        dl.facts {
                            dt { "Expires" } dd { (format::when(certificate.certificate.not_after)) " (" (days) " days)" }
                            dt { "Subject" } dd { (certificate.certificate.subject) }
                            dt { "Issuer" } dd { (certificate.certificate.issuer) }
                            dt { "Names" } dd { (certificate.certificate.sans.join(", ")) }
                            dt { "Read" } dd { (format::ago(certificate.checked_at, report.at)) }
                        }
                    }
                }
            }
        }
    }
}
