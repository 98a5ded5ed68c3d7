//! Uptime statistics and the SLA report as the inbound adapters see them: the site's view
//! (uptime from the downtime windows, which the regions' quorum decides; every region's checks)
//! or one region's (`region`: that region's checks only, uptime from them).

use std::future::Future;

use time::OffsetDateTime;

use super::{Schedule, WebsiteId, WebsiteRepository, WebsiteService};
use crate::Clock;
use crate::history::{
    CheckHistory, HistoryError, PageLimit, SlaEntry, SlaTarget, StatsPage, TimeRange, UptimeBasis,
    UptimeStats,
};
use crate::maintenance::{MaintenanceCalendar, MaintenanceRepository};
use crate::regions::RegionName;

/// Uptime statistics, as the inbound adapters see them. With `region`, every figure that comes
/// from checks (counts, response times) is that region's, and the uptime is worked out from
/// its checks ([`UptimeBasis::Checks`]); incidents, downtime, MTTR and the longest outage stay
/// the quorum's (windows are not per region). A region no node reported from has no checks:
/// zero counts and no uptime figure, not an error.
pub trait WebsiteStats: Send + Sync + 'static {
    /// The SLA report of every site for `[from, to)` as of now.
    fn sla_report(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
        target: SlaTarget,
        region: Option<RegionName>,
    ) -> impl Future<Output = Result<Vec<SlaEntry>, HistoryError>> + Send;

    /// Statistics of a page of websites (by id, after `after`) for `[from, to)` as of now.
    fn all_stats(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
        after: Option<WebsiteId>,
        limit: PageLimit,
        region: Option<RegionName>,
    ) -> impl Future<Output = Result<StatsPage, HistoryError>> + Send;

    /// Statistics for `[from, to)` as of now.
    fn website_stats(
        &self,
        id: WebsiteId,
        from: OffsetDateTime,
        to: OffsetDateTime,
        region: Option<RegionName>,
    ) -> impl Future<Output = Result<UptimeStats, HistoryError>> + Send;
}

/// The basis a request's uptime is worked out on.
fn basis(region: Option<&RegionName>) -> UptimeBasis {
    if region.is_some() { UptimeBasis::Checks } else { UptimeBasis::Windows }
}

/// `[from, to)` with `from <= to` (the caller's to guarantee, as a `TimeRange` was parsed;
/// clamped anyway).
fn range(from: OffsetDateTime, to: OffsetDateTime) -> (OffsetDateTime, TimeRange) {
    let from = from.min(to);
    (from, TimeRange::new(Some(from), Some(to)).unwrap_or_default())
}

impl<R, S, C> WebsiteService<R, S, C>
where
    R: MaintenanceRepository,
{
    /// The maintenance windows' occurrences over `[from, to)`.
    pub(crate) async fn maintenance(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<MaintenanceCalendar, HistoryError> {
        let windows = self.repository.list_maintenance().await?;
        Ok(MaintenanceCalendar::build(&windows, from, to))
    }
}

impl<R, S, C> WebsiteStats for WebsiteService<R, S, C>
where
    R: WebsiteRepository + CheckHistory + MaintenanceRepository,
    S: Schedule,
    C: Clock,
{
    async fn sla_report(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
        target: SlaTarget,
        region: Option<RegionName>,
    ) -> Result<Vec<SlaEntry>, HistoryError> {
        let (from, range) = range(from, to);
        let basis = basis(region.as_ref());
        let now = self.clock.now();
        let sites = self.repository.sla_input(range, region).await?;
        let calendar = self.maintenance(from, to).await?;
        Ok(sites
            .into_iter()
            .map(|(website, mut input)| {
                input.maintenance = calendar.spans_of(website.id, from, to);
                SlaEntry::compute(website, &input, basis, from, to, now, target)
            })
            .collect())
    }

    async fn all_stats(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
        after: Option<WebsiteId>,
        limit: PageLimit,
        region: Option<RegionName>,
    ) -> Result<StatsPage, HistoryError> {
        let (from, range) = range(from, to);
        let basis = basis(region.as_ref());
        let now = self.clock.now();
        let inputs = self.repository.stats_inputs(range, after, limit, region).await?;
        let next =
            (inputs.len() == limit.get()).then(|| inputs.last().map(|(w, _)| w.id)).flatten();
        let calendar = self.maintenance(from, to).await?;
        let items = inputs
            .into_iter()
            .map(|(website, mut input)| {
                input.maintenance = calendar.spans_of(website.id, from, to);
                let stats = UptimeStats::compute_on(basis, from, to, now, &input);
                (website, stats)
            })
            .collect();
        Ok(StatsPage { items, next })
    }

    async fn website_stats(
        &self,
        id: WebsiteId,
        from: OffsetDateTime,
        to: OffsetDateTime,
        region: Option<RegionName>,
    ) -> Result<UptimeStats, HistoryError> {
        let (from, range) = range(from, to);
        let basis = basis(region.as_ref());
        let mut input = self.repository.stats_input(id, range, region).await?;
        let calendar = self.maintenance(from, to).await?;
        input.maintenance = calendar.spans_of(id, from, to);
        Ok(UptimeStats::compute_on(basis, from, to, self.clock.now(), &input))
    }
}

#[cfg(test)]
#[path = "stats_service_tests.rs"]
mod tests;
