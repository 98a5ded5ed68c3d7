//! Ports the website use cases need: where websites are kept, and the schedule that must
//! hear about every change.

use std::future::Future;

use time::OffsetDateTime;

use super::{
    CreateWebsiteError, DeleteWebsiteError, FileGuard, GetWebsiteError, HealthError,
    ListWebsitesError, NewWebsite, UpdateWebsiteError, UpdatedWebsite, Website, WebsiteId,
    WebsitePatch,
};

/// Storage of websites.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait WebsiteRepository: Send + Sync + 'static {
    /// Stores a new website; its url must be unique.
    fn create_website(
        &self,
        new: &NewWebsite,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<Website, CreateWebsiteError>> + Send;

    /// Every website, ordered by id.
    fn list_websites(&self)
    -> impl Future<Output = Result<Vec<Website>, ListWebsitesError>> + Send;

    /// Up to `limit` enabled websites with ids above `after`, ordered by id (for loading the
    /// schedule page by page).
    fn list_enabled_websites(
        &self,
        after: Option<WebsiteId>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Website>, ListWebsitesError>> + Send;

    /// One website by id.
    fn get_website(
        &self,
        id: WebsiteId,
    ) -> impl Future<Output = Result<Website, GetWebsiteError>> + Send;

    /// Applies `patch` and sets `updated_at = now` in one transaction, returning the website as it
    /// was and as it is; with [`FileGuard::Respect`], a site a document manages is left as it is
    /// (`ManagedByFile`).
    fn update_website(
        &self,
        id: WebsiteId,
        patch: &WebsitePatch,
        now: OffsetDateTime,
        guard: FileGuard,
    ) -> impl Future<Output = Result<UpdatedWebsite, UpdateWebsiteError>> + Send;

    /// Deletes a website together with its checks and downtime windows (with
    /// [`FileGuard::Respect`], not one a document manages: `ManagedByFile`).
    fn delete_website(
        &self,
        id: WebsiteId,
        guard: FileGuard,
    ) -> impl Future<Output = Result<(), DeleteWebsiteError>> + Send;

    /// Answers when the database does.
    fn ping(&self) -> impl Future<Output = Result<(), HealthError>> + Send;
}

/// The schedule that decides when each enabled website is checked next.
///
/// Changes take effect at once. They cannot fail: a schedule that has stopped has nothing
/// left to run, so a change sent to it is moot.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait Schedule: Send + Sync + 'static {
    /// Starts checking `website` (or re-reads it when it is already scheduled).
    fn add(&self, website: &Website) -> impl Future<Output = ()> + Send;

    /// Stops checking the website.
    fn remove(&self, id: WebsiteId) -> impl Future<Output = ()> + Send;

    /// Re-times the website after its interval changed.
    fn reschedule(&self, website: &Website) -> impl Future<Output = ()> + Send;
}
