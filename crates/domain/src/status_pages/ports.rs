//! The `StatusPageRepository` port: status pages kept in storage.

use std::future::Future;

use time::OffsetDateTime;

use super::{StatusPage, StatusPagePatch, StatusPageSlug, StatusPageSpec};
use crate::WebsiteId;
use crate::alerting::AlertStoreError;
use crate::website::{BoxError, FileGuard, Guarded};

/// Why a page could not be written.
#[derive(Debug, thiserror::Error)]
pub enum StatusPageWriteError {
    #[error("the slug is taken")]
    DuplicateSlug,
    #[error("unknown websites")]
    UnknownWebsites(Vec<WebsiteId>),
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait StatusPageRepository: Send + Sync + 'static {
    fn create_status_page(
        &self,
        spec: &StatusPageSpec,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<StatusPage, StatusPageWriteError>> + Send;

    /// Every page, by slug.
    fn list_status_pages(
        &self,
    ) -> impl Future<Output = Result<Vec<StatusPage>, AlertStoreError>> + Send;

    fn get_status_page(
        &self,
        slug: &StatusPageSlug,
    ) -> impl Future<Output = Result<Option<StatusPage>, AlertStoreError>> + Send;

    /// Applies the patch, unless `guard` refuses it (checked in the same transaction).
    fn update_status_page(
        &self,
        slug: &StatusPageSlug,
        patch: &StatusPagePatch,
        now: OffsetDateTime,
        guard: FileGuard,
    ) -> impl Future<Output = Result<Guarded<StatusPage>, StatusPageWriteError>> + Send;

    /// Whether the site's badges are public: it is marked `public` or is on a status page
    /// (`false` for a site that does not exist).
    fn is_public(
        &self,
        id: WebsiteId,
    ) -> impl Future<Output = Result<bool, AlertStoreError>> + Send;

    /// Deletes the page, unless `guard` refuses it (checked in the same transaction).
    fn delete_status_page(
        &self,
        slug: &StatusPageSlug,
        guard: FileGuard,
    ) -> impl Future<Output = Result<Guarded<()>, AlertStoreError>> + Send;
}
