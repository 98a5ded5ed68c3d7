//! The dashboard: what the web pages show. The overview (sites by state, searched, filtered,
//! sorted and paged on the server, each with its 24 h uptime and response-time sparkline) and
//! one site's report (uptime over four windows, 90 daily bars, a response-time chart, recent
//! checks and downtime windows). Read from the roll-ups and the sites' kept verdicts, never from
//! raw history at scale.

mod overview_query;
mod ports;
mod report;
mod series;
mod service;
mod verdict;

pub use overview_query::{
    OVERVIEW_PAGE_SIZE, OverviewQuery, OverviewSort, PageNumber, PageNumberError, SearchText,
    SearchTextError, StateFilter, StateFilterError,
};
#[cfg(any(test, feature = "mocks"))]
pub use ports::MockDashboardReader;
pub use ports::{DashboardReader, ListedSite, SitePage};
pub use report::{ChartWindow, Overview, OverviewRow, SiteReport};
pub use series::{Bucket, ChartPoint, DayBar, SeriesSources, chart_points, daily_bars};
pub use service::{Dashboard, uptime_from_windows};
pub use verdict::Verdict;
