//! `GET /`: the overview. Counts by state, then the sites (down first), each with its state,
//! last check, 24 h uptime and a 24 h response-time sparkline; search, state filter, sort and
//! pages of 100, all on the server. The live part (counts, table, pager) is also answered alone
//! (`?fragment=1`), which the page fetches every 15 s.

use actix_web::{HttpRequest, HttpResponse, web};
use lookout_domain::dashboard::{
    OVERVIEW_PAGE_SIZE, Overview, OverviewQuery, OverviewSort, PageNumber, SearchText, StateFilter,
};
use maud::{Markup, html};
use serde::Deserialize;

use super::{PageError, html_response, require_read};
use crate::layout::{Nav, page};
use crate::session::Viewer;
use crate::state::{WebState, WebUseCases};
use crate::{charts, format};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct OverviewParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    page: Option<String>,
    #[serde(default)]
    fragment: Option<String>,
}

fn parse(params: &OverviewParams) -> Result<OverviewQuery, PageError> {
    let page = match params.page.as_deref().filter(|p| !p.is_empty()) {
        None => PageNumber::FIRST,
        Some(raw) => {
            raw.parse::<i64>().ok().and_then(|n| PageNumber::new(n).ok()).ok_or_else(|| {
                PageError::bad_input(
                    "page",
                    format!("page must be a whole number from 1, got {raw:?}"),
                )
            })?
        }
    };
    Ok(OverviewQuery {
        search: SearchText::parse(&params.q)
            .map_err(|e| PageError::bad_input("q", e.to_string()))?,
        state: StateFilter::parse(&params.state)
            .map_err(|e| PageError::bad_input("state", e.to_string()))?,
        sort: OverviewSort::parse(&params.sort).ok_or_else(|| {
            PageError::bad_input(
                "sort",
                format!("sort must be state, name or created, got {:?}", params.sort),
            )
        })?,
        page,
    })
}

/// `/?…` for `query` with some parts changed.
fn link(query: &OverviewQuery, state: Option<StateFilter>, page: u32, fragment: bool) -> String {
    let mut parts = Vec::new();
    if let Some(search) = &query.search {
        parts.push(format!("q={}", encode(search.as_str())));
    }
    if let Some(state) = state {
        parts.push(format!("state={}", state.as_str()));
    }
    if query.sort != OverviewSort::State {
        parts.push(format!("sort={}", query.sort.as_str()));
    }
    if page > 1 {
        parts.push(format!("page={page}"));
    }
    if fragment {
        parts.push("fragment=1".to_owned());
    }
    if parts.is_empty() { "/".to_owned() } else { format!("/?{}", parts.join("&")) }
}

/// Percent-encodes a query value.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

pub(crate) async fn handle<W: WebUseCases>(
    state: web::Data<WebState<W>>,
    viewer: web::ReqData<Viewer>,
    request: HttpRequest,
    params: web::Query<OverviewParams>,
) -> Result<HttpResponse, PageError> {
    let viewer = viewer.into_inner();
    require_read(&viewer, &request)?;
    let query = parse(&params)?;
    let overview = state.websites.overview(query).await?;
    let live = live_region(&overview, viewer.can_write());
    if params.fragment.is_some() {
        return Ok(html_response(live));
    }
    let body = html! {
        h1 { "Overview" }
        form.filters method="get" action="/" role="search" {
            label { "Search name or URL"
                input type="search" name="q" value=(overview.query.search.as_ref().map_or("", |s| s.as_str()))
                    placeholder="shop, example.com…" maxlength="200";
            }
            label { "State"
                select name="state" data-autosubmit {
                    option value="" selected[overview.query.state.is_none()] { "All states" }
                    @for filter in StateFilter::ALL {
                        option value=(filter.as_str()) selected[overview.query.state == Some(filter)] {
                            (format::state(filter.state()).0)
                        }
                    }
                }
            }
            label { "Sort"
                select name="sort" data-autosubmit {
                    @for (sort, label) in [(OverviewSort::State, "State (down first)"), (OverviewSort::Name, "Name"), (OverviewSort::Created, "Newest")] {
                        option value=(sort.as_str()) selected[overview.query.sort == sort] { (label) }
                    }
                }
            }
            button type="submit" { "Apply" }
        }
        div #live data-refresh=(link(&overview.query, overview.query.state, overview.query.page.get(), true)) aria-live="polite" {
            (live)
        }
    };
    Ok(html_response(page("Overview", Nav::Overview, Some(&viewer), body)))
}

/// Counts, the table and the pager: what refreshes.
fn live_region(overview: &Overview, can_write: bool) -> Markup {
    let counts = &overview.counts;
    let query = &overview.query;
    let tiles = [
        (None, "All", counts.enabled + counts.disabled, "all"),
        (Some(StateFilter::Down), "Down", counts.down, "down"),
        (Some(StateFilter::Degraded), "Degraded", counts.degraded, "degraded"),
        (Some(StateFilter::Up), "Up", counts.up, "up"),
        (Some(StateFilter::Unknown), "Unknown", counts.unknown, "unknown"),
        (Some(StateFilter::Paused), "Paused", counts.disabled, "paused"),
    ];
    let pages = overview.total.div_ceil(OVERVIEW_PAGE_SIZE as u64).max(1);
    let current = u64::from(query.page.get());
    let first = (current - 1) * OVERVIEW_PAGE_SIZE as u64 + 1;
    let last = first + overview.rows.len() as u64 - 1;
    html! {
        div.counts {
            @for (filter, label, n, class) in tiles {
                a.count.(class) .selected[query.state == filter] href=(link(query, filter, 1, false)) {
                    span.n { (n) } (label)
                }
            }
        }
        @if overview.rows.is_empty() {
            div.panel {
                @if overview.total == 0 && query.search.is_none() && query.state.is_none() {
                    p { "No sites yet."
                        @if can_write { " " a href="/sites/new" { "Add the first one" } "." } }
                } @else {
                    p { "No site matches. " a href="/" { "Show all sites" } "." }
                }
            }
        } @else {
            p.muted { "Sites " (first) "–" (last) " of " (overview.total) ", updated " (format::when(overview.at)) }
            table.sites {
                thead { tr { th scope="col" { "Site" } th scope="col" { "State" } th scope="col" { "Last check" }
                    th scope="col" { "Uptime 24 h" } th scope="col" { "Response time 24 h" } } }
                tbody {
                    @for row in &overview.rows {
                        @let (word, class) = format::state(row.state);
                        tr {
                            td { a.site-name href=(format!("/sites/{}", row.website.id.get())) { (row.website.name.as_str()) }
                                span.site-url { (row.website.url.given()) } }
                            td data-label="State" { span.state.(class) { (word) } }
                            td.num data-label="Last check" {
                                @match &row.last_check {
                                    Some(last) => {
                                        (format::ago(last.check.timestamp, overview.at))
                                        @if let Some(code) = last.check.status_code { " · " (code) }
                                        @if last.check.status_code.is_some() { " · " (format::seconds(last.check.response_time)) }
                                    }
                                    None => span.muted { "never" },
                                }
                            }
                            td.num data-label="Uptime 24 h" { (format::percent(row.uptime_24h)) }
                            td { (charts::sparkline(&row.sparkline)) }
                        }
                    }
                }
            }
        }
        @if pages > 1 {
            nav.pager aria-label="Pages" {
                @if current > 1 { a.button.quiet href=(link(query, query.state, query.page.get() - 1, false)) rel="prev" { "← Previous" } }
                span { "Page " (current) " of " (pages) }
                @if current < pages { a.button.quiet href=(link(query, query.state, query.page.get() + 1, false)) rel="next" { "Next →" } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_search_and_sort_and_encode_text() {
        let query = OverviewQuery {
            search: SearchText::parse("a&b c").unwrap(),
            sort: OverviewSort::Name,
            ..OverviewQuery::default()
        };
        assert_eq!(
            link(&query, Some(StateFilter::Down), 2, true),
            "/?q=a%26b%20c&state=down&sort=name&page=2&fragment=1"
        );
        assert_eq!(link(&OverviewQuery::default(), None, 1, false), "/");
    }

    #[test]
    fn bad_parameters_name_their_field() {
        let params = |state: &str, page: Option<&str>| OverviewParams {
            state: state.into(),
            page: page.map(str::to_owned),
            ..OverviewParams::default()
        };
        assert_eq!(parse(&params("sideways", None)).unwrap_err().field(), Some("state"));
        assert_eq!(parse(&params("", Some("0"))).unwrap_err().field(), Some("page"));
        assert!(parse(&params("down", Some("3"))).is_ok());
    }
}
