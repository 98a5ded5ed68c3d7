//! Public status pages: a named (slug) list of sites shown without sign-in at `/status/{slug}`,
//! with the overall state, each site's state and 90 days of daily uptime, ongoing downtime and
//! maintenance. Defined through the API; the view is read from kept verdicts and roll-ups.

mod badge;
mod errors;
mod page;
mod ports;
mod service;
mod view;

pub use badge::{BadgeColour, BadgeFacts};
pub use errors::{
    CreateStatusPageError, DeleteStatusPageError, StatusPageError, UpdateStatusPageError,
};
pub use page::{
    MAX_PAGE_SITES, StatusPage, StatusPageDraft, StatusPageFieldError, StatusPagePatch,
    StatusPageSlug, StatusPageSpec,
};
#[cfg(any(test, feature = "mocks"))]
pub use ports::MockStatusPageRepository;
pub use ports::{StatusPageRepository, StatusPageWriteError};
pub use service::StatusPages;
pub use view::{Overall, PublicSite, PublicStatus};
