//! What was seen of a website — its checks, its downtime windows — and its status now, as the
//! inbound adapters see them.

use std::collections::HashSet;
use std::future::Future;

use time::OffsetDateTime;

use super::{Schedule, WebsiteId, WebsiteRepository, WebsiteService, WebsiteStatusError};
use crate::checks::SiteCertificate;
use crate::history::{CheckCursor, CheckHistory, CheckPage, HistoryError, PageLimit, TimeRange};
use crate::maintenance::{MaintenanceCalendar, MaintenanceRepository, MaintenanceView};
use crate::node::{ListNodesError, NodeRegistry};
use crate::regions::{Freshness, RegionName};
use crate::{CircuitBreaker, Clock, DowntimeWindow, SiteStatus};

/// History and status of one website.
pub trait WebsiteHistory: Send + Sync + 'static {
    /// Checks of `id` with `timestamp` in `range` (made from `region` when one is given),
    /// newest first, strictly after `cursor` in that order, at most `limit`.
    fn list_checks(
        &self,
        id: WebsiteId,
        range: TimeRange,
        limit: PageLimit,
        cursor: Option<CheckCursor>,
        region: Option<RegionName>,
    ) -> impl Future<Output = Result<CheckPage, HistoryError>> + Send;

    /// Downtime windows of `id` that overlap `range` (open ones included), oldest first.
    fn list_downtimes(
        &self,
        id: WebsiteId,
        range: TimeRange,
    ) -> impl Future<Output = Result<Vec<DowntimeWindow>, HistoryError>> + Send;

    /// The site's status at `now`: its state (`SiteStatus::derive`), last check, open window,
    /// breaker and next check.
    fn website_status(
        &self,
        id: WebsiteId,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<SiteStatus, WebsiteStatusError>> + Send;

    /// The certificate a check last read from the site (`None`: none yet, or not HTTPS).
    fn website_certificate(
        &self,
        id: WebsiteId,
    ) -> impl Future<Output = Result<Option<SiteCertificate>, HistoryError>> + Send;
}

impl<R, S, C> WebsiteHistory for WebsiteService<R, S, C>
where
    R: WebsiteRepository + CheckHistory + MaintenanceRepository + NodeRegistry,
    S: Schedule,
    C: Clock,
{
    fn list_checks(
        &self,
        id: WebsiteId,
        range: TimeRange,
        limit: PageLimit,
        cursor: Option<CheckCursor>,
        region: Option<RegionName>,
    ) -> impl Future<Output = Result<CheckPage, HistoryError>> + Send {
        self.repository.list_checks(id, range, limit, cursor, region)
    }

    fn list_downtimes(
        &self,
        id: WebsiteId,
        range: TimeRange,
    ) -> impl Future<Output = Result<Vec<DowntimeWindow>, HistoryError>> + Send {
        self.repository.list_downtimes(id, range)
    }

    fn website_certificate(
        &self,
        id: WebsiteId,
    ) -> impl Future<Output = Result<Option<SiteCertificate>, HistoryError>> + Send {
        self.repository.certificate(id)
    }

    async fn website_status(
        &self,
        id: WebsiteId,
        now: OffsetDateTime,
    ) -> Result<SiteStatus, WebsiteStatusError> {
        let website = self.repository.get_website(id).await?;
        let last = self
            .repository
            .list_checks(id, TimeRange::default(), PageLimit::MIN, None, None)
            .await?;
        let ongoing = TimeRange::new(Some(now), None).unwrap_or_default();
        let open = self
            .repository
            .list_downtimes(id, ongoing)
            .await?
            .into_iter()
            .find(DowntimeWindow::is_open);
        let (breaker, next_due) = match &self.engine {
            Some(engine) => (engine.breaker(id), engine.next_due(id)),
            None => (CircuitBreaker::default(), None),
        };
        let windows = self.repository.list_maintenance().await?;
        let calendar = MaintenanceCalendar::build(&windows, now, now + time::Duration::SECOND);
        let maintenance = calendar.mode_at(id, now);
        let last = last.checks.into_iter().next();
        let status = SiteStatus::derive(&website, last, open, breaker, next_due, maintenance);
        if website.regions.is_any() {
            return Ok(status);
        }
        let verdicts = self.repository.region_verdicts(id).await?;
        let live: HashSet<RegionName> = self
            .repository
            .list_nodes()
            .await
            .map_err(|e| match e {
                ListNodesError::Unavailable(e) => WebsiteStatusError::Unavailable(e),
                ListNodesError::Unknown(e) => WebsiteStatusError::Unknown(e),
            })?
            .into_iter()
            .filter(|node| node.is_alive(now))
            .filter_map(|node| RegionName::parse(&node.region).ok())
            .collect();
        let freshness = Freshness {
            interval: website.check_interval.as_duration(),
            failed_held_for: self.failed_held_for,
        };
        let vote = website.regions.vote(&verdicts, freshness, now);
        let standings = website.regions.standings(&verdicts, &live, freshness, now);
        Ok(status.with_regions(vote.as_ref(), standings))
    }
}

#[cfg(test)]
#[path = "history_service_tests.rs"]
mod tests;
