//! lookout's scheduling adapter.
//!
//! The embedded (single-node) schedule keeps every enabled site's next due time in memory:
//! [`ScheduleTable`] is the pure data structure, [`LocalSchedule`] is the `Schedule` port the
//! API changes go through, and [`ScheduleSource`] turns the table into a stream of
//! [`DueCheck`]s, each yielded when its time comes. [`spawn_check_worker`] runs them through an
//! apalis worker into the domain's monitoring service. [`spawn_rollup_worker`] runs the
//! roll-up and retention job on a cron schedule (apalis-cron).

mod check_worker;
mod due_check;
mod lateness;
mod local_schedule;
mod rollup_worker;
mod schedule_table;
mod stop_signal;

pub use check_worker::{CheckWorkerOptions, spawn_check_worker};
pub use due_check::DueCheck;
pub use lateness::LatenessStats;
pub use local_schedule::{LocalSchedule, ScheduleSource, ScheduleView, local_schedule};
pub use rollup_worker::{CronError, parse_cron, spawn_rollup_worker};
pub use schedule_table::ScheduleTable;
