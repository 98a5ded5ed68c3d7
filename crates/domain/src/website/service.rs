//! Website management: CRUD that keeps the schedule in step with every change.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use crate::node::{ListNodesError, NodeDirectory, NodeInfo, NodeRegistry};
use crate::{Clock, EngineState, HealthReport, WriterState};

use super::{
    AddressPolicy, CreateWebsiteError, DeleteWebsiteError, FileGuard, GetWebsiteError, HealthError,
    ListWebsitesError, NewWebsite, Schedule, ScheduleChange, UpdateWebsiteError, Website,
    WebsiteId, WebsitePatch, WebsiteRepository, WebsiteUrl,
};

/// The website use cases, as the inbound adapters (HTTP) see them.
pub trait WebsiteManagement: Send + Sync + 'static {
    fn create_website(
        &self,
        new: NewWebsite,
    ) -> impl Future<Output = Result<Website, CreateWebsiteError>> + Send;

    fn list_websites(&self)
    -> impl Future<Output = Result<Vec<Website>, ListWebsitesError>> + Send;

    fn get_website(
        &self,
        id: WebsiteId,
    ) -> impl Future<Output = Result<Website, GetWebsiteError>> + Send;

    /// Refused for a site a document manages unless `guard` is [`FileGuard::Force`].
    fn update_website(
        &self,
        id: WebsiteId,
        patch: WebsitePatch,
        guard: FileGuard,
    ) -> impl Future<Output = Result<Website, UpdateWebsiteError>> + Send;

    /// Refused for a site a document manages unless `guard` is [`FileGuard::Force`].
    fn delete_website(
        &self,
        id: WebsiteId,
        guard: FileGuard,
    ) -> impl Future<Output = Result<(), DeleteWebsiteError>> + Send;

    /// The database answers (else `HealthError`), and whether check results are stored.
    fn check_health(&self) -> impl Future<Output = Result<HealthReport, HealthError>> + Send;
}

/// The use cases the inbound adapters call — [`WebsiteManagement`], [`WebsiteHistory`]
/// (with the status of a site), [`WebsiteStats`] and [`NodeDirectory`] — over a repository, a
/// schedule, a clock and, while checks run, the engine's state.
///
/// [`WebsiteHistory`]: super::WebsiteHistory
/// [`WebsiteStats`]: super::WebsiteStats
#[derive(Clone)]
pub struct WebsiteService<R, S, C> {
    pub(crate) repository: R,
    pub(crate) schedule: S,
    pub(crate) clock: C,
    addresses: AddressPolicy,
    /// The breakers and next due times of the running engine; `None` when no checks run here.
    pub(super) engine: Option<Arc<dyn EngineState>>,
    /// The check recorder's writes, for the health report; `None` when no recorder runs.
    writer: Option<Arc<dyn WriterState>>,
    /// The document this server owns, for the health report; `None` when it owns none.
    config_file: Option<Arc<dyn crate::manifest::FileHealthSource>>,
    /// Told when a document's apply changed maintenance windows (the engine lays them out
    /// again); `None` when nothing listens.
    maintenance_changed: Option<Arc<dyn Fn() + Send + Sync>>,
    /// How much longer than two intervals a region's failed verdict counts (the breaker's
    /// cool-down).
    pub(super) failed_held_for: std::time::Duration,
}

impl<R: fmt::Debug, S: fmt::Debug, C: fmt::Debug> fmt::Debug for WebsiteService<R, S, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebsiteService")
            .field("repository", &self.repository)
            .field("schedule", &self.schedule)
            .field("clock", &self.clock)
            .field("addresses", &self.addresses)
            .field("engine", &self.engine.is_some())
            .field("writer", &self.writer.is_some())
            .field("config_file", &self.config_file.is_some())
            .field("maintenance_changed", &self.maintenance_changed.is_some())
            .finish()
    }
}

impl<R, S, C> WebsiteService<R, S, C>
where
    R: WebsiteRepository,
    S: Schedule,
    C: Clock,
{
    /// A service that refuses URLs whose host is a private address literal (the default policy).
    pub fn new(repository: R, schedule: S, clock: C) -> Self {
        Self {
            repository,
            schedule,
            clock,
            addresses: AddressPolicy::default(),
            engine: None,
            writer: None,
            config_file: None,
            maintenance_changed: None,
            failed_held_for: crate::BreakerPolicy::default().open_for,
        }
    }

    /// Regions' failed verdicts count `policy`'s cool-down longer (a region's breaker stops
    /// checking a failing site meanwhile), as the check writer counts them.
    pub fn with_breaker_policy(mut self, policy: crate::BreakerPolicy) -> Self {
        self.failed_held_for = policy.open_for;
        self
    }

    /// Reads breakers and next due times from `engine` (`None`: no checks run on this node,
    /// so every breaker reads closed and no check is due).
    pub fn with_engine_state(mut self, engine: Option<Arc<dyn EngineState>>) -> Self {
        self.engine = engine;
        self
    }

    /// Reports `writer`'s state in [`WebsiteManagement::check_health`].
    pub fn with_writer_state(mut self, writer: Arc<dyn WriterState>) -> Self {
        self.writer = Some(writer);
        self
    }

    /// Tells `changed` when a document's apply changed maintenance windows.
    pub fn on_maintenance_change(mut self, changed: Arc<dyn Fn() + Send + Sync>) -> Self {
        self.maintenance_changed = Some(changed);
        self
    }

    /// Tells whoever listens that maintenance windows changed.
    pub(crate) fn maintenance_changed(&self) {
        if let Some(changed) = &self.maintenance_changed {
            changed();
        }
    }

    /// Reports `source`'s document in [`WebsiteManagement::check_health`].
    pub fn with_config_file(mut self, source: Arc<dyn crate::manifest::FileHealthSource>) -> Self {
        self.config_file = Some(source);
        self
    }

    /// Uses `policy` for the address literals of new and changed URLs.
    pub fn with_address_policy(mut self, policy: AddressPolicy) -> Self {
        self.addresses = policy;
        self
    }

    /// The literal IP of `url` when the policy refuses it.
    pub(crate) fn blocked(&self, url: &WebsiteUrl) -> Option<std::net::IpAddr> {
        url.literal_ip().filter(|ip| !self.addresses.permits(*ip))
    }

    /// The field and literal IP of the first URL of a channel the address policy refuses.
    pub(crate) fn blocked_channel(
        &self,
        config: &crate::alerting::ChannelConfig,
    ) -> Option<(&'static str, std::net::IpAddr)> {
        config.blocked_by(&self.addresses)
    }
}

impl<R, S, C> WebsiteManagement for WebsiteService<R, S, C>
where
    R: WebsiteRepository,
    S: Schedule,
    C: Clock,
{
    async fn create_website(&self, new: NewWebsite) -> Result<Website, CreateWebsiteError> {
        if let Some(ip) = self.blocked(&new.url) {
            return Err(CreateWebsiteError::BlockedAddress(ip));
        }
        let website = self.repository.create_website(&new, self.clock.now()).await?;
        if website.enabled {
            self.schedule.add(&website).await;
        }
        tracing::info!(id = %website.id, url = %website.url, "Website created");
        Ok(website)
    }

    async fn list_websites(&self) -> Result<Vec<Website>, ListWebsitesError> {
        self.repository.list_websites().await
    }

    async fn get_website(&self, id: WebsiteId) -> Result<Website, GetWebsiteError> {
        self.repository.get_website(id).await
    }

    async fn update_website(
        &self,
        id: WebsiteId,
        patch: WebsitePatch,
        guard: FileGuard,
    ) -> Result<Website, UpdateWebsiteError> {
        if let Some(ip) = patch.url.as_ref().and_then(|url| self.blocked(url)) {
            return Err(UpdateWebsiteError::BlockedAddress(ip));
        }
        let updated = self.repository.update_website(id, &patch, self.clock.now(), guard).await?;
        match updated.schedule_change() {
            ScheduleChange::Add => self.schedule.add(&updated.after).await,
            ScheduleChange::Remove => self.schedule.remove(id).await,
            ScheduleChange::Reschedule => self.schedule.reschedule(&updated.after).await,
            ScheduleChange::Nothing => {}
        }
        tracing::info!(id = %id, "Website updated");
        Ok(updated.after)
    }

    async fn delete_website(
        &self,
        id: WebsiteId,
        guard: FileGuard,
    ) -> Result<(), DeleteWebsiteError> {
        self.repository.delete_website(id, guard).await?;
        self.schedule.remove(id).await;
        tracing::info!(id = %id, "Website deleted");
        Ok(())
    }

    async fn check_health(&self) -> Result<HealthReport, HealthError> {
        self.repository.ping().await?;
        let writes = self.writer.as_ref().map(|w| w.write_health()).unwrap_or_default();
        let config_file = self.config_file.as_ref().map(|source| source.file_health());
        Ok(HealthReport { writes, config_file })
    }
}

/// Listing nodes reads the registry; registering (the heartbeat) is the app's, not a use case.
impl<R, S, C> NodeDirectory for WebsiteService<R, S, C>
where
    R: WebsiteRepository + NodeRegistry,
    S: Schedule,
    C: Clock,
{
    fn list_nodes(&self) -> impl Future<Output = Result<Vec<NodeInfo>, ListNodesError>> + Send {
        self.repository.list_nodes()
    }
}

#[cfg(test)]
#[path = "service_tests.rs"]
mod tests;
