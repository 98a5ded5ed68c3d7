//! The `ManifestRepository` port: reads what a plan is made against, and writes a plan's
//! steps in one transaction.

use std::future::Future;

use time::OffsetDateTime;

use super::{DeclaredMaintenance, DeclaredSite, DeclaredStatusPage, ItemKey, Managed, Owner};
use crate::alerting::{Channel, ChannelId, MaintenanceId, NewChannel};
use crate::maintenance::MaintenanceWindow;
use crate::status_pages::StatusPage;
use crate::website::{BoxError, UpdatedWebsite};
use crate::{Website, WebsiteId};

/// Everything a document may declare, as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredItems {
    pub websites: Vec<Website>,
    pub channels: Vec<Channel>,
    pub maintenance: Vec<MaintenanceWindow>,
    pub status_pages: Vec<StatusPage>,
}

impl StoredItems {
    /// Only the items the document `owner` manages.
    pub fn managed_by(self, owner: &Owner) -> Self {
        let ours = |managed: &Option<Managed>| managed.as_ref().is_some_and(|m| &m.by == owner);
        Self {
            websites: self.websites.into_iter().filter(|s| ours(&s.managed)).collect(),
            channels: self.channels.into_iter().filter(|c| ours(&c.managed)).collect(),
            maintenance: self.maintenance.into_iter().filter(|w| ours(&w.managed)).collect(),
            status_pages: self.status_pages.into_iter().filter(|p| ours(&p.managed)).collect(),
        }
    }
}

/// One write of a site. Updates and deletes name the `updated_at` the plan read: a site that
/// changed since fails the whole write as [`ManifestWriteError::Stale`]. Channels named by
/// key are this file's channels of that key, found after the channels are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiteWrite {
    Create { site: DeclaredSite, managed: Managed },
    Update { id: WebsiteId, read_at: OffsetDateTime, site: DeclaredSite, managed: Managed },
    Delete { id: WebsiteId, read_at: OffsetDateTime },
}

/// One write of a channel, a maintenance window or a status page (with the same staleness
/// rule as sites; sites named by key are this file's sites of that key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemWrite<T, I> {
    Create { item: T, managed: Managed },
    Update { id: I, read_at: OffsetDateTime, item: T, managed: Managed },
    Delete { id: I, read_at: OffsetDateTime },
}

pub type ChannelWrite = ItemWrite<NewChannel, ChannelId>;
pub type MaintenanceWrite = ItemWrite<DeclaredMaintenance, MaintenanceId>;
pub type StatusPageWrite = ItemWrite<DeclaredStatusPage, i64>;

/// A plan's writes, made in one transaction in this order: channels made and changed, then
/// sites (deleted, changed, made), then channels deleted (once no site names them), then
/// maintenance windows and status pages (which name sites).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestWrites {
    pub owner: Owner,
    pub channels: Vec<ChannelWrite>,
    pub sites: Vec<SiteWrite>,
    pub maintenance: Vec<MaintenanceWrite>,
    pub status_pages: Vec<StatusPageWrite>,
}

/// What one site write did, in the order of the writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiteWritten {
    Created(Box<Website>),
    Updated(Box<UpdatedWebsite>),
    Deleted(WebsiteId),
}

/// Why the writes were rolled back (`at` is the position of the site write that failed).
#[derive(Debug, thiserror::Error)]
pub enum ManifestWriteError {
    #[error("an item changed or went away since it was read")]
    Stale,
    #[error("url already used by another site")]
    DuplicateUrl { at: usize },
    #[error("unknown channels")]
    UnknownChannels { at: usize, ids: Vec<ChannelId> },
    /// A site names a channel key this file has no channel of.
    #[error("no channel of key {key}")]
    UnknownChannelKey { at: usize, key: ItemKey },
    /// A maintenance window or a status page names a site key this file has no site of.
    #[error("no site of key {key}")]
    UnknownSiteKey { key: ItemKey },
    /// A status page's slug taken under the plan.
    #[error("slug already used by another status page")]
    DuplicateSlug,
    /// A channel to delete is still named by these sites' alerts.
    #[error("channel {id} is still in use")]
    ChannelInUse { id: ChannelId, websites: Vec<WebsiteId> },
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

/// Why the stored items could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ManifestReadError {
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait ManifestRepository: Send + Sync + 'static {
    /// Every item a document may declare, as stored.
    fn stored_items(&self) -> impl Future<Output = Result<StoredItems, ManifestReadError>> + Send;

    /// Writes every step in one transaction, all or nothing; answers what the site writes did.
    fn write(
        &self,
        writes: &ManifestWrites,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<Vec<SiteWritten>, ManifestWriteError>> + Send;
}
