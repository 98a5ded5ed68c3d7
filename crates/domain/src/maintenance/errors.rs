//! One error enum per maintenance operation.

use super::MaintenanceFieldError;
use super::ports::MaintenanceWriteError;
use crate::WebsiteId;
use crate::alerting::{AlertStoreError, MaintenanceId, storage_variants};
use crate::manifest::Owner;
use crate::website::BoxError;

fn ids(websites: &[WebsiteId]) -> String {
    websites.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

macro_rules! from_write {
    ($name:ident) => {
        impl From<MaintenanceWriteError> for $name {
            fn from(error: MaintenanceWriteError) -> Self {
                match error {
                    MaintenanceWriteError::UnknownWebsites(ids) => Self::UnknownWebsites(ids),
                    MaintenanceWriteError::Store(e) => e.into(),
                }
            }
        }
    };
}

#[derive(Debug, thiserror::Error)]
pub enum CreateMaintenanceError {
    #[error(transparent)]
    Invalid(MaintenanceFieldError),
    #[error("unknown website ids: {}", ids(.0))]
    UnknownWebsites(Vec<WebsiteId>),
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}
storage_variants!(CreateMaintenanceError);
from_write!(CreateMaintenanceError);

#[derive(Debug, thiserror::Error)]
pub enum ListMaintenanceError {
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}
storage_variants!(ListMaintenanceError);

#[derive(Debug, thiserror::Error)]
pub enum GetMaintenanceError {
    #[error("maintenance window {0} not found")]
    NotFound(MaintenanceId),
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}
storage_variants!(GetMaintenanceError);

#[derive(Debug, thiserror::Error)]
pub enum UpdateMaintenanceError {
    #[error("maintenance window {0} not found")]
    NotFound(MaintenanceId),
    #[error(transparent)]
    Invalid(MaintenanceFieldError),
    #[error("unknown website ids: {}", ids(.0))]
    UnknownWebsites(Vec<WebsiteId>),
    #[error("maintenance window is managed by {0}")]
    ManagedByFile(Owner),
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}
storage_variants!(UpdateMaintenanceError);
from_write!(UpdateMaintenanceError);

#[derive(Debug, thiserror::Error)]
pub enum DeleteMaintenanceError {
    #[error("maintenance window {0} not found")]
    NotFound(MaintenanceId),
    #[error("maintenance window is managed by {0}")]
    ManagedByFile(Owner),
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}
storage_variants!(DeleteMaintenanceError);
