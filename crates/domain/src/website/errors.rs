//! One error enum per website operation.

use super::{WebsiteId, WebsiteUrl};

/// A failure the domain cannot interpret (storage down, a bug): carried, never inspected.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug, thiserror::Error)]
pub enum CreateWebsiteError {
    #[error("a website with url {0} already exists")]
    DuplicateUrl(WebsiteUrl),
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
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum DeleteWebsiteError {
    #[error("website {0} not found")]
    NotFound(WebsiteId),
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

/// The database does not answer.
#[derive(Debug, thiserror::Error)]
#[error("database is unavailable")]
pub struct HealthError(#[source] pub BoxError);
