//! Websites: the sites lookout watches, their parse-once values, the repository and
//! schedule ports, and the management service that keeps both in step.

mod address;
mod counts;
mod entity;
mod errors;
mod id;
mod interval;
mod name;
mod ports;
mod service;
mod url;

pub use address::{AddressPolicy, Cidr, CidrError, is_private_address};
#[cfg(any(test, feature = "mocks"))]
pub use counts::MockSiteCounter;
pub use counts::{SiteCounter, SiteCounts, SiteCountsError};
pub use entity::{NewWebsite, ScheduleChange, UpdatedWebsite, Website, WebsitePatch};
pub use errors::{
    BoxError, CreateWebsiteError, DeleteWebsiteError, GetWebsiteError, HealthError,
    ListWebsitesError, UpdateWebsiteError,
};
pub use id::{WebsiteId, WebsiteIdError};
pub use interval::{
    CheckInterval, CheckIntervalError, DEFAULT_INTERVAL_SECS, IntervalBounds, IntervalBoundsError,
};
pub use name::{MAX_NAME_CHARS, WebsiteName, WebsiteNameError};
#[cfg(any(test, feature = "mocks"))]
pub use ports::{MockSchedule, MockWebsiteRepository};
pub use ports::{Schedule, WebsiteRepository};
pub use service::{WebsiteManagement, WebsiteService, WebsiteStats};
pub use url::{MAX_URL_LEN, WebsiteUrl, WebsiteUrlError};
