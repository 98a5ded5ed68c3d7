//! The maintenance use cases: windows created, listed, changed and deleted through the API.
//! Every change is announced to the engine's live calendar (on this node at once; other nodes
//! read the windows again within seconds).

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use super::errors::{
    CreateMaintenanceError, DeleteMaintenanceError, GetMaintenanceError, ListMaintenanceError,
    UpdateMaintenanceError,
};
use super::ports::MaintenanceRepository;
use super::spec::MaintenanceDraft;
use super::window::MaintenanceWindow;
use crate::Clock;
use crate::alerting::MaintenanceId;
use crate::website::{FileGuard, Guarded};

/// The maintenance use cases, as the inbound adapters (HTTP) see them.
pub trait MaintenanceManagement: Send + Sync + 'static {
    fn create_maintenance(
        &self,
        draft: MaintenanceDraft,
    ) -> impl Future<Output = Result<MaintenanceWindow, CreateMaintenanceError>> + Send;

    fn list_maintenance(
        &self,
    ) -> impl Future<Output = Result<Vec<MaintenanceWindow>, ListMaintenanceError>> + Send;

    fn get_maintenance(
        &self,
        id: MaintenanceId,
    ) -> impl Future<Output = Result<MaintenanceWindow, GetMaintenanceError>> + Send;

    /// Lays `patch` over the stored window (see [`MaintenanceDraft::over`]). Refused for a
    /// window a document manages unless `guard` is [`FileGuard::Force`].
    fn update_maintenance(
        &self,
        id: MaintenanceId,
        patch: MaintenanceDraft,
        guard: FileGuard,
    ) -> impl Future<Output = Result<MaintenanceWindow, UpdateMaintenanceError>> + Send;

    /// Refused for a window a document manages unless `guard` is [`FileGuard::Force`].
    fn delete_maintenance(
        &self,
        id: MaintenanceId,
        guard: FileGuard,
    ) -> impl Future<Output = Result<(), DeleteMaintenanceError>> + Send;
}

/// Told after every change, so that the live calendar reads the windows again.
pub type MaintenanceChanged = Arc<dyn Fn() + Send + Sync>;

/// [`MaintenanceManagement`] over a repository and a clock.
#[derive(Clone)]
pub struct MaintenanceService<R, C> {
    repository: R,
    clock: C,
    changed: Option<MaintenanceChanged>,
}

impl<R: fmt::Debug, C: fmt::Debug> fmt::Debug for MaintenanceService<R, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MaintenanceService")
            .field("repository", &self.repository)
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}

impl<R: MaintenanceRepository, C: Clock> MaintenanceService<R, C> {
    pub fn new(repository: R, clock: C) -> Self {
        Self { repository, clock, changed: None }
    }

    /// Calls `changed` after every change.
    pub fn on_change(mut self, changed: MaintenanceChanged) -> Self {
        self.changed = Some(changed);
        self
    }

    fn announce(&self) {
        if let Some(changed) = &self.changed {
            changed();
        }
    }
}

impl<R: MaintenanceRepository, C: Clock> MaintenanceManagement for MaintenanceService<R, C> {
    async fn create_maintenance(
        &self,
        draft: MaintenanceDraft,
    ) -> Result<MaintenanceWindow, CreateMaintenanceError> {
        let spec = draft.parse().map_err(CreateMaintenanceError::Invalid)?;
        let window = self.repository.create_maintenance(&spec, self.clock.now()).await?;
        self.announce();
        tracing::info!(id = %window.id, name = %window.spec.name, mode = window.spec.mode.as_str(), "Maintenance window created");
        Ok(window)
    }

    async fn list_maintenance(&self) -> Result<Vec<MaintenanceWindow>, ListMaintenanceError> {
        Ok(self.repository.list_maintenance().await?)
    }

    async fn get_maintenance(
        &self,
        id: MaintenanceId,
    ) -> Result<MaintenanceWindow, GetMaintenanceError> {
        self.repository.get_maintenance(id).await?.ok_or(GetMaintenanceError::NotFound(id))
    }

    async fn update_maintenance(
        &self,
        id: MaintenanceId,
        patch: MaintenanceDraft,
        guard: FileGuard,
    ) -> Result<MaintenanceWindow, UpdateMaintenanceError> {
        let stored = self
            .repository
            .get_maintenance(id)
            .await?
            .ok_or(UpdateMaintenanceError::NotFound(id))?;
        let spec = patch.over(&stored.spec).map_err(UpdateMaintenanceError::Invalid)?;
        let window =
            match self.repository.update_maintenance(id, &spec, self.clock.now(), guard).await? {
                Guarded::Done(window) => window,
                Guarded::NotFound => return Err(UpdateMaintenanceError::NotFound(id)),
                Guarded::ManagedByFile(owner) => {
                    return Err(UpdateMaintenanceError::ManagedByFile(owner));
                }
            };
        self.announce();
        tracing::info!(id = %id, "Maintenance window updated");
        Ok(window)
    }

    async fn delete_maintenance(
        &self,
        id: MaintenanceId,
        guard: FileGuard,
    ) -> Result<(), DeleteMaintenanceError> {
        match self.repository.delete_maintenance(id, guard).await? {
            Guarded::Done(()) => {}
            Guarded::NotFound => return Err(DeleteMaintenanceError::NotFound(id)),
            Guarded::ManagedByFile(owner) => {
                return Err(DeleteMaintenanceError::ManagedByFile(owner));
            }
        }
        self.announce();
        tracing::info!(id = %id, "Maintenance window deleted");
        Ok(())
    }
}

#[cfg(test)]
#[path = "service_tests.rs"]
mod tests;
