//! `WebState`: what every page can reach — the domain's use cases, the token checker, the
//! session key and the interval bounds.

use std::sync::Arc;

use lookout_domain::IntervalBounds;
use lookout_domain::auth::AccessControl;
use lookout_domain::dashboard::Dashboard;
use lookout_domain::status_pages::StatusPages;
use lookout_domain::website::{WebsiteHistory, WebsiteManagement};

use crate::SessionKey;

/// Every use case the pages call (the domain's `WebsiteService` is one).
pub trait WebUseCases: Dashboard + WebsiteManagement + WebsiteHistory + StatusPages {}

impl<T: Dashboard + WebsiteManagement + WebsiteHistory + StatusPages> WebUseCases for T {}

/// What every page can reach.
pub struct WebState<W> {
    pub websites: W,
    /// Decides whether the pages are open (no token exists) and checks the token a person
    /// signs in with.
    pub access: Arc<dyn AccessControl>,
    /// Signs session cookies and form tokens.
    pub session_key: SessionKey,
    /// Bounds for `check_interval`, from configuration.
    pub interval_bounds: IntervalBounds,
    /// The API's OpenAPI document (JSON), for `/docs`.
    pub api_document: Arc<str>,
}

impl<W: std::fmt::Debug> std::fmt::Debug for WebState<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebState")
            .field("websites", &self.websites)
            .field("interval_bounds", &self.interval_bounds)
            .finish_non_exhaustive()
    }
}
