//! One error enum per website operation.

use super::{WebsiteId, WebsiteUrl};
use crate::alerting::ChannelId;
use crate::history::HistoryError;
use crate::manifest::Owner;

/// A failure the domain cannot interpret (storage down, a bug): carried, never inspected.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug, thiserror::Error)]
pub enum CreateWebsiteError {
    #[error("a website with url {0} already exists")]
    DuplicateUrl(WebsiteUrl),
    #[error("alerts: no channel with id {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))]
    UnknownChannels(Vec<ChannelId>),

    #[error(
        "url points at a private address ({0}); allow it with probe.allow_private or probe.allowed_cidrs"
    )]
    BlockedAddress(std::net::IpAddr),
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum ListWebsitesError {
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum GetWebsiteError {
    #[error("website {0} not found")]
    NotFound(WebsiteId),
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum UpdateWebsiteError {
    #[error("website {0} not found")]
    NotFound(WebsiteId),
    #[error(
        "url points at a private address ({0}); allow it with probe.allow_private or probe.allowed_cidrs"
    )]
    BlockedAddress(std::net::IpAddr),
    #[error("a website with url {0} already exists")]
    DuplicateUrl(WebsiteUrl),
    #[error("alerts: no channel with id {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))]
    UnknownChannels(Vec<ChannelId>),
    /// The patch's regions or quorum do not fit with what the site has.
    #[error(transparent)]
    Regions(crate::regions::RegionsError),
    #[error("website is managed by {0}")]
    ManagedByFile(Owner),
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum DeleteWebsiteError {
    #[error("website {0} not found")]
    NotFound(WebsiteId),
    #[error("website is managed by {0}")]
    ManagedByFile(Owner),
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum WebsiteStatusError {
    #[error("website {0} not found")]
    NotFound(WebsiteId),
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

impl From<GetWebsiteError> for WebsiteStatusError {
    fn from(error: GetWebsiteError) -> Self {
        match error {
            GetWebsiteError::NotFound(id) => Self::NotFound(id),
            GetWebsiteError::Unavailable(e) => Self::Unavailable(e),
            GetWebsiteError::Unknown(e) => Self::Unknown(e),
        }
    }
}

impl From<HistoryError> for WebsiteStatusError {
    fn from(error: HistoryError) -> Self {
        match error {
            HistoryError::NotFound(id) => Self::NotFound(id),
            HistoryError::Unavailable(e) => Self::Unavailable(e),
            HistoryError::Unknown(e) => Self::Unknown(e),
        }
    }
}

/// The database does not answer.
#[derive(Debug, thiserror::Error)]
#[error("database is unavailable")]
pub struct HealthError(#[source] pub BoxError);

impl From<crate::alerting::AlertStoreError> for WebsiteStatusError {
    fn from(error: crate::alerting::AlertStoreError) -> Self {
        match error {
            crate::alerting::AlertStoreError::Unavailable(e) => Self::Unavailable(e),
            crate::alerting::AlertStoreError::Unknown(e) => Self::Unknown(e),
        }
    }
}
