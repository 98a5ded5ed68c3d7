//! Websites: the sites lookout watches, their parse-once values, the repository and
//! schedule ports, and `WebsiteService`, which implements the use cases the inbound adapters
//! call: management (keeping repository and schedule in step), history and status, statistics,
//! and the node directory.

mod address;
mod counts;
mod entity;
mod errors;
mod file_guard;
mod history_service;
mod id;
mod interval;
mod name;
mod ports;
mod service;
mod stats_service;
mod url;

pub use address::{AddressPolicy, Cidr, CidrError, is_private_address};
#[cfg(any(test, feature = "mocks"))]
pub use counts::MockSiteCounter;
pub use counts::{SiteCounter, SiteCounts, SiteCountsError};
pub use entity::{NewWebsite, ScheduleChange, UpdatedWebsite, Website, WebsitePatch};
pub use errors::{
    BoxError, CreateWebsiteError, DeleteWebsiteError, GetWebsiteError, HealthError,
    ListWebsitesError, UpdateWebsiteError, WebsiteStatusError,
};
pub use file_guard::{FileGuard, Guarded};
pub use history_service::WebsiteHistory;
pub use id::{WebsiteId, WebsiteIdError};
pub use interval::{
    CheckInterval, CheckIntervalError, DEFAULT_INTERVAL_SECS, IntervalBounds, IntervalBoundsError,
};
pub use name::{MAX_NAME_CHARS, WebsiteName, WebsiteNameError};
#[cfg(any(test, feature = "mocks"))]
pub use ports::{MockSchedule, MockWebsiteRepository};
pub use ports::{Schedule, WebsiteRepository};
pub use service::{WebsiteManagement, WebsiteService};
pub use stats_service::WebsiteStats;
pub use url::{MAX_URL_LEN, WebsiteUrl, WebsiteUrlError};
