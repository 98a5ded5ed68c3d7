//! The `ManifestRepository` port: writes a plan's steps in one transaction.

use std::future::Future;

use time::OffsetDateTime;

use super::Managed;
use crate::alerting::ChannelId;
use crate::website::{BoxError, UpdatedWebsite};
use crate::{NewWebsite, Website, WebsiteId, WebsitePatch};

/// One write of a plan. Updates and deletes name the `updated_at` the plan read: a site that
/// changed since fails the whole write as [`ManifestWriteError::Stale`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiteWrite {
    Create { site: NewWebsite, managed: Managed },
    Update { id: WebsiteId, read_at: OffsetDateTime, patch: WebsitePatch, managed: Managed },
    Delete { id: WebsiteId, read_at: OffsetDateTime },
}

/// What one write did, in the order of the writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiteWritten {
    Created(Box<Website>),
    Updated(Box<UpdatedWebsite>),
    Deleted(WebsiteId),
}

/// Why the writes were rolled back (`at` is the position of the write that failed).
#[derive(Debug, thiserror::Error)]
pub enum ManifestWriteError {
    #[error("a site changed or went away since it was read")]
    Stale,
    #[error("url already used by another site")]
    DuplicateUrl { at: usize },
    #[error("unknown channels")]
    UnknownChannels { at: usize, ids: Vec<ChannelId> },
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait ManifestRepository: Send + Sync + 'static {
    /// Writes every step in one transaction, all or nothing.
    fn write_sites(
        &self,
        writes: &[SiteWrite],
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<Vec<SiteWritten>, ManifestWriteError>> + Send;
}
