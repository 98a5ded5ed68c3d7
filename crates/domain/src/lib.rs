//! lookout's pure core.
//!
//! Entities ([`Website`], [`MonitorCheck`], [`DowntimeWindow`]), values that are parsed once
//! ([`WebsiteId`], [`WebsiteUrl`], [`WebsiteName`], [`CheckInterval`]), the rules that decide
//! availability and downtime transitions, the ports the adapters implement, and the use-case
//! services built on those ports. Nothing here performs I/O: time is always passed in.

pub mod alerting;
pub mod auth;
pub mod checks;
pub mod clock;
pub mod dashboard;
mod error_chain;
pub mod history;
pub mod maintenance;
pub mod manifest;
#[cfg(test)]
mod mock_store;
pub mod monitoring;
pub mod node;
pub mod regions;
pub mod status_pages;
pub mod website;

#[cfg(any(test, feature = "mocks"))]
pub use clock::MockClock;
pub use clock::{Clock, SystemClock};
pub use error_chain::ErrorChain;
pub use monitoring::{
    AppliedTransition, BreakerPolicy, CheckLogPolicy, CheckOutcome, CheckRecorder, CheckResult,
    CheckRun, CheckTarget, CircuitBreaker, DowntimeTransition, DowntimeWindow, DueCheck,
    EngineState, HealthReport, MonitorCheck, MonitoringService, ProbeFailure, Prober,
    RecordCheckError, RecordedCheck, SiteState, SiteStatus, WriteFault, WriteHealth, WriterState,
    is_available_status,
};
pub use website::{
    CheckInterval, CheckIntervalError, IntervalBounds, NewWebsite, Website, WebsiteId,
    WebsiteIdError, WebsiteName, WebsiteNameError, WebsitePatch, WebsiteUrl, WebsiteUrlError,
};
