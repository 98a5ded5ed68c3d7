//! One error enum per maintenance operation.

use super::MaintenanceFieldError;
use super::ports::MaintenanceWriteError;
use crate::WebsiteId;
use crate::alerting::{AlertStoreError, MaintenanceId};
use crate::website::BoxError;

fn ids(websites: &[WebsiteId]) -> String {
    websites.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

macro_rules! from_store {
    ($name:ident) => {
        impl From<AlertStoreError> for $name {
            fn from(error: AlertStoreError) -> Self {
                match error {
                    AlertStoreError::Unavailable(e) => Self::Unavailable(e),
                    AlertStoreError::Unknown(e) => Self::Unknown(e),
                }
            }
        }
    };
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
from_store!(CreateMaintenanceError);
from_write!(CreateMaintenanceError);

#[derive(Debug, thiserror::Error)]
pub enum ListMaintenanceError {
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}
from_store!(ListMaintenanceError);

#[derive(Debug, thiserror::Error)]
pub enum GetMaintenanceError {
    #[error("maintenance window {0} not found")]
    NotFound(MaintenanceId),
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}
from_store!(GetMaintenanceError);

#[derive(Debug, thiserror::Error)]
pub enum UpdateMaintenanceError {
    #[error("maintenance window {0} not found")]
    NotFound(MaintenanceId),
    #[error(transparent)]
    Invalid(MaintenanceFieldError),
    #[error("unknown website ids: {}", ids(.0))]
    UnknownWebsites(Vec<WebsiteId>),
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}
from_store!(UpdateMaintenanceError);
from_write!(UpdateMaintenanceError);

#[derive(Debug, thiserror::Error)]
pub enum DeleteMaintenanceError {
    #[error("maintenance window {0} not found")]
    NotFound(MaintenanceId),
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}
from_store!(DeleteMaintenanceError);
