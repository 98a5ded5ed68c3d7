//! One error enum per status page operation.

use super::StatusPageSlug;
use crate::WebsiteId;
use crate::alerting::{AlertStoreError, storage_variants};
use crate::manifest::Owner;
use crate::website::BoxError;

#[derive(Debug, thiserror::Error)]
pub enum CreateStatusPageError {
    #[error("a status page with slug {} already exists", .0.as_str())]
    DuplicateSlug(StatusPageSlug),
    #[error("websites: no website with id {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))]
    UnknownWebsites(Vec<WebsiteId>),
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum UpdateStatusPageError {
    #[error("status page {} not found", .0.as_str())]
    NotFound(StatusPageSlug),
    #[error("a status page with slug {} already exists", .0.as_str())]
    DuplicateSlug(StatusPageSlug),
    #[error("websites: no website with id {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))]
    UnknownWebsites(Vec<WebsiteId>),
    #[error("status page is managed by {0}")]
    ManagedByFile(Owner),
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum DeleteStatusPageError {
    #[error("status page {} not found", .0.as_str())]
    NotFound(StatusPageSlug),
    #[error("status page is managed by {0}")]
    ManagedByFile(Owner),
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

/// Reading a page, or showing it.
#[derive(Debug, thiserror::Error)]
pub enum StatusPageError {
    #[error("status page {} not found", .0.as_str())]
    NotFound(StatusPageSlug),
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

impl From<crate::history::HistoryError> for StatusPageError {
    fn from(error: crate::history::HistoryError) -> Self {
        match error {
            crate::history::HistoryError::Unavailable(e) => Self::Unavailable(e),
            crate::history::HistoryError::NotFound(id) => {
                Self::Unknown(format!("website {id} vanished while its page was read").into())
            }
            crate::history::HistoryError::Unknown(e) => Self::Unknown(e),
        }
    }
}

storage_variants!(StatusPageError);
storage_variants!(DeleteStatusPageError);
