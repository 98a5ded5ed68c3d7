//! The `Dashboard` use cases on `WebsiteService`: the overview and a site's report.

use std::collections::HashMap;
use std::future::Future;

use time::{Duration, OffsetDateTime};

use super::{
    ChartWindow, DashboardReader, Overview, OverviewQuery, OverviewRow, SiteReport, chart_points,
    daily_bars,
};
use crate::alerting::{IncidentFilter, IncidentStore};
use crate::checks::SiteCertificate;
use crate::history::{
    CheckAggregate, CheckHistory, Grain, HistoryError, PageLimit, StatsInput, TimeRange,
    UptimeStats,
};
use crate::maintenance::{MaintenanceRepository, Span};
use crate::website::{
    Schedule, SiteCounter, WebsiteHistory, WebsiteRepository, WebsiteService, WebsiteStatusError,
};
use crate::{Clock, DowntimeWindow, WebsiteId};

/// Checks listed on a site's page.
const RECENT_CHECKS: i64 = 20;
/// Downtime windows listed on a site's page.
const RECENT_DOWNTIMES: usize = 20;
/// Days in a site's daily bar.
const BAR_DAYS: u16 = 90;
/// Alert incidents listed on a site's page.
const RECENT_INCIDENTS: u32 = 10;

/// What the web pages show, as the inbound adapters see it.
pub trait Dashboard: Send + Sync + 'static {
    /// The overview: counts by state, and the page of sites `query` asks for.
    fn overview(
        &self,
        query: OverviewQuery,
    ) -> impl Future<Output = Result<Overview, HistoryError>> + Send;

    /// One site's report, its response-time chart over `chart`.
    fn site_report(
        &self,
        id: WebsiteId,
        chart: ChartWindow,
    ) -> impl Future<Output = Result<SiteReport, WebsiteStatusError>> + Send;
}

/// Uptime of `[from, now)` from the windows alone (as `UptimeStats` computes it).
pub fn uptime_from_windows(
    created_at: OffsetDateTime,
    windows: &[DowntimeWindow],
    maintenance: Vec<Span>,
    from: OffsetDateTime,
    now: OffsetDateTime,
) -> Option<f64> {
    let input = StatsInput {
        created_at,
        checks: CheckAggregate::default(),
        windows: windows.to_vec(),
        maintenance,
    };
    UptimeStats::compute(from, now, now, &input).uptime_percent
}

impl<R, S, C> Dashboard for WebsiteService<R, S, C>
where
    R: WebsiteRepository
        + CheckHistory
        + MaintenanceRepository
        + crate::node::NodeRegistry
        + DashboardReader
        + SiteCounter
        + IncidentStore,
    S: Schedule,
    C: Clock,
{
    async fn overview(&self, query: OverviewQuery) -> Result<Overview, HistoryError> {
        let now = self.clock.now();
        let counts = self.repository.site_counts().await?;
        let page = self.repository.site_page(&query).await?;
        let ids: Vec<WebsiteId> = page.sites.iter().map(|s| s.website.id).collect();
        let day_ago = now - Duration::DAY;
        let first_hour = Grain::Hour.floor(now) - Duration::hours(23);
        let mut series = self.repository.series(&ids, first_hour, now, Grain::Hour).await?;
        let windows = self.repository.windows_of(&ids, day_ago, now).await?;
        let calendar = self.maintenance(day_ago, now).await?;
        let rows = page
            .sites
            .into_iter()
            .map(|site| {
                let id = site.website.id;
                let hourly: HashMap<OffsetDateTime, f64> = series
                    .remove(&id)
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|b| Some((b.start, b.sums.response_times()?.avg)))
                    .collect();
                let sparkline = (0..24)
                    .map(|h| hourly.get(&(first_hour + Duration::hours(h))).copied())
                    .collect();
                let site_windows = windows.get(&id).map(Vec::as_slice).unwrap_or_default();
                let maintenance = calendar.spans_of(id, day_ago, now);
                OverviewRow {
                    uptime_24h: uptime_from_windows(
                        site.website.created_at,
                        site_windows,
                        maintenance,
                        day_ago,
                        now,
                    ),
                    state: site.state,
                    last_check: site.last_check,
                    sparkline,
                    website: site.website,
                }
            })
            .collect();
        Ok(Overview { counts, total: page.total, query, rows, at: now })
    }

    async fn site_report(
        &self,
        id: WebsiteId,
        chart_window: ChartWindow,
    ) -> Result<SiteReport, WebsiteStatusError> {
        let now = self.clock.now();
        let website = self.repository.get_website(id).await?;
        let status = self.website_status(id, now).await?;
        let first_day = Grain::Day.floor(now) - Duration::days(i64::from(BAR_DAYS) - 1);
        let range = TimeRange::new(Some(first_day), None).unwrap_or_default();
        let windows = self.repository.list_downtimes(id, range).await?;
        let calendar = self.maintenance(first_day, now).await?;
        let uptime = [
            ("24 h", Duration::DAY),
            ("7 d", Duration::days(7)),
            ("30 d", Duration::days(30)),
            ("90 d", Duration::days(90)),
        ]
        .into_iter()
        .map(|(label, length)| {
            let from = now - length;
            let spans = calendar.spans_of(id, from, now);
            (label, uptime_from_windows(website.created_at, &windows, spans, from, now))
        })
        .collect();
        let mut daily = self.repository.series(&[id], first_day, now, Grain::Day).await?;
        let days = daily_bars(
            website.created_at,
            &windows,
            &calendar.spans_of(id, first_day, now),
            &daily.remove(&id).unwrap_or_default(),
            BAR_DAYS,
            now,
        );
        let chart_from = now - chart_window.length();
        let mut series =
            self.repository.series(&[id], chart_from, now, chart_window.grain()).await?;
        let chart = chart_points(&series.remove(&id).unwrap_or_default());
        let limit = PageLimit::new(RECENT_CHECKS).unwrap_or(PageLimit::MIN);
        let recent_checks =
            self.repository.list_checks(id, TimeRange::default(), limit, None, None).await?.checks;
        let mut downtimes = windows;
        downtimes.reverse();
        downtimes.truncate(RECENT_DOWNTIMES);
        let certificate: Option<SiteCertificate> = self.repository.certificate(id).await?;
        let filter = IncidentFilter { open: None, website_id: Some(id), limit: RECENT_INCIDENTS };
        let incidents =
            self.repository.list_incidents(filter).await?.into_iter().map(|d| d.incident).collect();
        Ok(SiteReport {
            website,
            status,
            uptime,
            days,
            chart_window,
            chart,
            recent_checks,
            downtimes,
            certificate,
            incidents,
            at: now,
        })
    }
}

#[cfg(test)]
#[path = "service_tests.rs"]
mod tests;
