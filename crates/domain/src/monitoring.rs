//! Monitoring: the outcome of one check, the availability rule, downtime windows and the
//! transition rule that opens and closes them, the `Prober` and `CheckRecorder` ports, and the
//! recorder's write health.

mod breaker;
mod check;
mod downtime;
mod prober;
mod recorder;
mod service;
mod status;
mod target;
mod write_health;

pub use breaker::{BreakerDecision, BreakerEvent, BreakerPolicy, CircuitBreaker};

pub use check::{CheckOutcome, MonitorCheck, is_available_status};
pub use downtime::{DowntimeTransition, DowntimeWindow};
#[cfg(any(test, feature = "mocks"))]
pub use prober::MockProber;
pub use prober::Prober;
#[cfg(any(test, feature = "mocks"))]
pub use recorder::MockCheckRecorder;
pub use recorder::{AppliedTransition, CheckRecorder, RecordCheckError, RecordedCheck};
pub use service::{CheckLogPolicy, CheckRun, MonitoringService};
pub use status::{EngineState, SiteState, SiteStatus};
pub use target::CheckTarget;
pub use write_health::{HealthReport, WriteFault, WriteHealth, WriterState};
