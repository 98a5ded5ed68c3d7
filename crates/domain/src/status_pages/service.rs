//! The `StatusPages` use cases on `WebsiteService`: managing pages, and a page as the public
//! sees it.

use std::collections::HashMap;
use std::future::Future;

use time::Duration;

use super::BadgeFacts;
use super::{
    CreateStatusPageError, DeleteStatusPageError, Overall, PublicSite, PublicStatus, StatusPage,
    StatusPageError, StatusPagePatch, StatusPageRepository, StatusPageSlug, StatusPageSpec,
    StatusPageWriteError, UpdateStatusPageError,
};
use crate::dashboard::{ChartWindow, DashboardReader, daily_bars, uptime_from_windows};
use crate::history::CheckAggregate;
use crate::history::{CheckHistory, Grain};
use crate::maintenance::{MaintenanceRepository, MaintenanceView};
use crate::website::{FileGuard, Guarded, Schedule, WebsiteRepository, WebsiteService};
use crate::{Clock, SiteState, WebsiteId};

/// Days of history on a status page.
const PAGE_DAYS: u16 = 90;

/// Status pages, as the inbound adapters see them.
pub trait StatusPages: Send + Sync + 'static {
    fn create_status_page(
        &self,
        spec: StatusPageSpec,
    ) -> impl Future<Output = Result<StatusPage, CreateStatusPageError>> + Send;

    fn list_status_pages(
        &self,
    ) -> impl Future<Output = Result<Vec<StatusPage>, StatusPageError>> + Send;

    fn get_status_page(
        &self,
        slug: StatusPageSlug,
    ) -> impl Future<Output = Result<StatusPage, StatusPageError>> + Send;

    /// Refused for a page a document manages unless `guard` is [`FileGuard::Force`].
    fn update_status_page(
        &self,
        slug: StatusPageSlug,
        patch: StatusPagePatch,
        guard: FileGuard,
    ) -> impl Future<Output = Result<StatusPage, UpdateStatusPageError>> + Send;

    /// Refused for a page a document manages unless `guard` is [`FileGuard::Force`].
    fn delete_status_page(
        &self,
        slug: StatusPageSlug,
        guard: FileGuard,
    ) -> impl Future<Output = Result<(), DeleteStatusPageError>> + Send;

    /// The page as the public sees it now.
    fn public_status(
        &self,
        slug: StatusPageSlug,
    ) -> impl Future<Output = Result<PublicStatus, StatusPageError>> + Send;

    /// A public site's badge figures over `window`; `None` when the site does not exist or its
    /// badges are not public.
    fn badge(
        &self,
        id: WebsiteId,
        window: ChartWindow,
    ) -> impl Future<Output = Result<Option<BadgeFacts>, StatusPageError>> + Send;
}

impl<R, S, C> StatusPages for WebsiteService<R, S, C>
where
    R: WebsiteRepository
        + CheckHistory
        + MaintenanceRepository
        + DashboardReader
        + StatusPageRepository,
    S: Schedule,
    C: Clock,
{
    async fn create_status_page(
        &self,
        spec: StatusPageSpec,
    ) -> Result<StatusPage, CreateStatusPageError> {
        match self.repository.create_status_page(&spec, self.clock.now()).await {
            Ok(page) => Ok(page),
            Err(StatusPageWriteError::DuplicateSlug) => {
                Err(CreateStatusPageError::DuplicateSlug(spec.slug))
            }
            Err(StatusPageWriteError::UnknownWebsites(ids)) => {
                Err(CreateStatusPageError::UnknownWebsites(ids))
            }
            Err(StatusPageWriteError::Unavailable(e)) => Err(CreateStatusPageError::Unavailable(e)),
            Err(StatusPageWriteError::Unknown(e)) => Err(CreateStatusPageError::Unknown(e)),
        }
    }

    async fn list_status_pages(&self) -> Result<Vec<StatusPage>, StatusPageError> {
        Ok(self.repository.list_status_pages().await?)
    }

    async fn get_status_page(&self, slug: StatusPageSlug) -> Result<StatusPage, StatusPageError> {
        self.repository.get_status_page(&slug).await?.ok_or(StatusPageError::NotFound(slug))
    }

    async fn update_status_page(
        &self,
        slug: StatusPageSlug,
        patch: StatusPagePatch,
        guard: FileGuard,
    ) -> Result<StatusPage, UpdateStatusPageError> {
        match self.repository.update_status_page(&slug, &patch, self.clock.now(), guard).await {
            Ok(Guarded::Done(page)) => Ok(page),
            Ok(Guarded::NotFound) => Err(UpdateStatusPageError::NotFound(slug)),
            Ok(Guarded::ManagedByFile(owner)) => Err(UpdateStatusPageError::ManagedByFile(owner)),
            Err(StatusPageWriteError::DuplicateSlug) => {
                Err(UpdateStatusPageError::DuplicateSlug(patch.slug.unwrap_or(slug)))
            }
            Err(StatusPageWriteError::UnknownWebsites(ids)) => {
                Err(UpdateStatusPageError::UnknownWebsites(ids))
            }
            Err(StatusPageWriteError::Unavailable(e)) => Err(UpdateStatusPageError::Unavailable(e)),
            Err(StatusPageWriteError::Unknown(e)) => Err(UpdateStatusPageError::Unknown(e)),
        }
    }

    async fn delete_status_page(
        &self,
        slug: StatusPageSlug,
        guard: FileGuard,
    ) -> Result<(), DeleteStatusPageError> {
        match self.repository.delete_status_page(&slug, guard).await? {
            Guarded::Done(()) => Ok(()),
            Guarded::NotFound => Err(DeleteStatusPageError::NotFound(slug)),
            Guarded::ManagedByFile(owner) => Err(DeleteStatusPageError::ManagedByFile(owner)),
        }
    }

    async fn public_status(&self, slug: StatusPageSlug) -> Result<PublicStatus, StatusPageError> {
        let now = self.clock.now();
        let page =
            self.repository.get_status_page(&slug).await?.ok_or(StatusPageError::NotFound(slug))?;
        let ids = page.websites.clone();
        let first_day = Grain::Day.floor(now) - Duration::days(i64::from(PAGE_DAYS) - 1);
        let mut listed: HashMap<_, _> = self
            .repository
            .listed_sites(&ids)
            .await?
            .into_iter()
            .map(|s| (s.website.id, s))
            .collect();
        let mut daily = self.repository.series(&ids, first_day, now, Grain::Day).await?;
        let mut windows = self.repository.windows_of(&ids, first_day, now).await?;
        let calendar = self.maintenance(first_day, now + Duration::days(7)).await?;
        let mut sites = Vec::new();
        let mut ongoing = Vec::new();
        let mut maintenance = Vec::new();
        for id in ids {
            // A site deleted since the page was read is left out.
            let Some(site) = listed.remove(&id) else { continue };
            let site_windows = windows.remove(&id).unwrap_or_default();
            let spans = calendar.spans_of(id, first_day, now);
            let in_maintenance = site.website.enabled && calendar.mode_at(id, now).is_some();
            let state = if in_maintenance { SiteState::Maintenance } else { site.state };
            let name = site.website.name.as_str().to_owned();
            ongoing.extend(
                site_windows.iter().filter(|w| w.is_open()).map(|w| (name.clone(), w.clone())),
            );
            if let Some(next) =
                calendar.spans_of(id, now, now + Duration::days(7)).into_iter().next()
            {
                maintenance.push((name.clone(), next));
            }
            let days = daily_bars(
                site.website.created_at,
                &site_windows,
                &spans,
                &daily.remove(&id).unwrap_or_default(),
                PAGE_DAYS,
                now,
            );
            let uptime_90d =
                uptime_from_windows(site.website.created_at, &site_windows, spans, first_day, now);
            sites.push(PublicSite { id, name, state, uptime_90d, days });
        }
        maintenance.sort_by_key(|(_, span)| span.start);
        let states: Vec<SiteState> = sites.iter().map(|s| s.state).collect();
        Ok(PublicStatus {
            page,
            overall: Overall::of(&states),
            sites,
            ongoing,
            maintenance,
            at: now,
        })
    }

    async fn badge(
        &self,
        id: WebsiteId,
        window: ChartWindow,
    ) -> Result<Option<BadgeFacts>, StatusPageError> {
        if !self.repository.is_public(id).await? {
            return Ok(None);
        }
        let Some(site) = self.repository.listed_sites(&[id]).await?.pop() else { return Ok(None) };
        let now = self.clock.now();
        let from = now - window.length();
        let windows =
            self.repository.windows_of(&[id], from, now).await?.remove(&id).unwrap_or_default();
        let calendar = self.maintenance(from, now).await?;
        let uptime = uptime_from_windows(
            site.website.created_at,
            &windows,
            calendar.spans_of(id, from, now),
            from,
            now,
        );
        let mut sums = CheckAggregate::default();
        for bucket in self
            .repository
            .series(&[id], from, now, window.grain())
            .await?
            .remove(&id)
            .unwrap_or_default()
        {
            sums.merge(&bucket.sums);
        }
        let in_maintenance = site.website.enabled && calendar.mode_at(id, now).is_some();
        Ok(Some(BadgeFacts {
            name: site.website.name.as_str().to_owned(),
            state: if in_maintenance { SiteState::Maintenance } else { site.state },
            window,
            uptime,
            response_p50: sums.response_times().map(|times| times.p50),
        }))
    }
}

#[cfg(test)]
#[path = "service_tests.rs"]
mod tests;
