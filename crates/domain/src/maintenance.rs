//! Maintenance windows: stretches of time, one-off or recurring (cron in a time zone), during
//! which some sites or all are silenced (checked, no alerts, left out of uptime) or paused (not
//! checked). The rules are pure: the calendar lays the windows' occurrences over a range and
//! answers what mode a site is in and how much of a range was maintenance.

mod calendar;
mod cron;
mod errors;
mod ports;
mod service;
mod spec;
mod window;

pub use crate::alerting::MaintenanceId;
#[cfg(any(test, feature = "mocks"))]
pub use calendar::MockMaintenanceView;
pub use calendar::{MaintenanceCalendar, MaintenanceView, NoMaintenance, merge, overlap};
pub use cron::{CronError, CronSchedule, MAX_CRON_CHARS};
pub use errors::{
    CreateMaintenanceError, DeleteMaintenanceError, GetMaintenanceError, ListMaintenanceError,
    UpdateMaintenanceError,
};
#[cfg(any(test, feature = "mocks"))]
pub use ports::MockMaintenanceRepository;
pub use ports::{MaintenanceRepository, MaintenanceWriteError};
pub use service::{MaintenanceChanged, MaintenanceManagement, MaintenanceService};
pub use spec::{
    MAX_MAINTENANCE_DURATION, MAX_MAINTENANCE_NAME_CHARS, MAX_MAINTENANCE_WEBSITES,
    MaintenanceDraft, MaintenanceFieldError,
};
pub use window::{
    MAX_OCCURRENCES, MaintenanceMode, MaintenanceScope, MaintenanceSpec, MaintenanceTiming,
    MaintenanceWindow, Outlook, Recurrence, Span, Zone,
};
