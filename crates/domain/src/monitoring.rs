//! Monitoring: the outcome of one check, the availability rule, downtime windows and the
//! transition rule that opens and closes them, and the `Prober` port.

mod check;
mod downtime;
mod prober;

pub use check::{CheckOutcome, MonitorCheck, is_available_status};
pub use downtime::{DowntimeTransition, DowntimeWindow};
#[cfg(any(test, feature = "mocks"))]
pub use prober::MockProber;
pub use prober::Prober;
