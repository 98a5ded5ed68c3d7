//! Monitoring: the outcome of one check (and why a check failed), the availability rule,
//! downtime windows and the transition rule that opens and closes them, the `Prober`,
//! `CheckRecorder` and `SharedScheduleStore` ports, and the recorder's write health.

mod breaker;
mod certificate_memo;
mod check;
mod downtime;
mod due;
mod failure;
mod phases;
mod prober;
mod recorder;
mod service;
mod shared_schedule;
mod slot_hold;
mod status;
mod target;
mod write_health;

pub use breaker::{BreakerDecision, BreakerEvent, BreakerPolicy, CircuitBreaker};

pub use certificate_memo::CERTIFICATE_REFRESH;
pub use check::{CheckOutcome, MonitorCheck, is_available_status};
pub use downtime::{DowntimeTransition, DowntimeWindow};
pub use due::{CheckResult, DueCheck};
pub use failure::{
    ConnectFailure, DnsFailure, HttpFailure, ProbeFailure, RedirectFailure, TlsFailure,
};
pub use phases::Phases;
#[cfg(any(test, feature = "mocks"))]
pub use prober::MockProber;
pub use prober::Prober;
#[cfg(any(test, feature = "mocks"))]
pub use recorder::MockCheckRecorder;
pub use recorder::{AppliedTransition, CheckRecorder, RecordCheckError, RecordedCheck};
pub use service::{CheckLogPolicy, CheckRun, MonitoringService};
#[cfg(any(test, feature = "mocks"))]
pub use shared_schedule::MockSharedScheduleStore;
pub use shared_schedule::{
    Claimed, LeasedSlot, ScheduleEntry, SharedScheduleError, SharedScheduleStore,
};
pub use slot_hold::{SlotHold, SlotRelease};
#[cfg(any(test, feature = "mocks"))]
pub use status::MockEngineState;
pub use status::{EngineState, SiteState, SiteStatus};
pub use target::CheckTarget;
pub use write_health::{HealthReport, WriteFault, WriteHealth, WriterState};
