//! The maintenance windows' storage port.

use std::future::Future;

use time::OffsetDateTime;

use super::window::{MaintenanceSpec, MaintenanceWindow};
use crate::WebsiteId;
use crate::alerting::{AlertStoreError, MaintenanceId};
use crate::website::{FileGuard, Guarded};

/// Why a window could not be written.
#[derive(Debug, thiserror::Error)]
pub enum MaintenanceWriteError {
    /// The window names sites that do not exist.
    #[error("unknown websites")]
    UnknownWebsites(Vec<WebsiteId>),
    #[error(transparent)]
    Store(#[from] AlertStoreError),
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait MaintenanceRepository: Send + Sync + 'static {
    /// Every window, by id.
    fn list_maintenance(
        &self,
    ) -> impl Future<Output = Result<Vec<MaintenanceWindow>, AlertStoreError>> + Send;

    fn get_maintenance(
        &self,
        id: MaintenanceId,
    ) -> impl Future<Output = Result<Option<MaintenanceWindow>, AlertStoreError>> + Send;

    fn create_maintenance(
        &self,
        spec: &MaintenanceSpec,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<MaintenanceWindow, MaintenanceWriteError>> + Send;

    /// Replaces the window's spec, unless `guard` refuses it (checked in the same
    /// transaction).
    fn update_maintenance(
        &self,
        id: MaintenanceId,
        spec: &MaintenanceSpec,
        now: OffsetDateTime,
        guard: FileGuard,
    ) -> impl Future<Output = Result<Guarded<MaintenanceWindow>, MaintenanceWriteError>> + Send;

    /// Deletes the window, unless `guard` refuses it (checked in the same transaction).
    fn delete_maintenance(
        &self,
        id: MaintenanceId,
        guard: FileGuard,
    ) -> impl Future<Output = Result<Guarded<()>, AlertStoreError>> + Send;
}
