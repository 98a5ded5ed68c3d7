//! lookout's scheduling adapter: which site is due when, the worker that runs due checks, and
//! every periodic job.
//!
//! One path for every check: a schedule hands out a [`CheckJob`] (the domain's `DueCheck`:
//! site, slot, interval, breaker; plus the schedule's ticket for the slot), the worker
//! ([`spawn_check_worker`]) runs it through the domain's monitoring service and hands the
//! `CheckResult` (breaker after it, next due time) back through the schedule's
//! [`SlotReturns`]. The two schedules differ only there:
//! - local (one node, in memory): [`ScheduleTable`] is the pure data structure,
//!   [`LocalSchedule`] the `Schedule` port the API's changes go through, [`ScheduleSource`]
//!   hands out each site when due and takes its result back into the table;
//! - shared (many nodes, PostgreSQL through the domain's `SharedScheduleStore` port):
//!   [`SharedSchedule`] is the `Schedule` port, [`SharedScheduleSource`] claims due slots under a
//!   lease (or elided: no lease, the row moved on at once) and hands them out when due, results
//!   go back as releases written in batches (none for an elided slot left as claimed), and
//!   [`spawn_schedule_upkeep`] keeps the rows in step with the websites and the read view fresh.
//!
//! [`spawn_rollup_worker`] runs the roll-up and retention job on a cron schedule (apalis-cron);
//! [`spawn_periodic`] runs a [`PeriodicJob`] (e.g. [`MetricsUpkeep`]) every period.

mod alert_upkeep;
mod check_worker;
mod config_file;
mod due_check;
mod job_group;
mod lateness;
mod local_schedule;
mod maintenance_refresh;
mod metrics_upkeep;
mod node_heartbeat;
mod outbox_dispatch;
mod partition_upkeep;
mod periodic;
mod rollup_worker;
mod schedule_table;
mod shared_claims;
mod shared_returns;
mod shared_schedule;
mod shared_source;
mod site_gauges;
mod stop_signal;
mod token_refresh;

pub use alert_upkeep::AlertUpkeep;
pub use check_worker::{CheckWorkerOptions, spawn_check_worker};
pub use config_file::{ConfigFile, ConfigFileWatch, DocumentSource, SourceDocument};
pub use due_check::{CheckJob, CheckSource, SlotReturns};
pub use job_group::JobGroup;
pub use lateness::LatenessStats;
pub use local_schedule::{
    LocalReturns, LocalSchedule, LocalTicket, ScheduleSource, ScheduleView, local_schedule,
};
pub use maintenance_refresh::{LiveMaintenance, MaintenanceRefresh};
pub use metrics_upkeep::MetricsUpkeep;
pub use node_heartbeat::{
    IdTakenOver, IdUse, NodeHeartbeat, RegisterError, RegisteredNode, register,
};
pub use outbox_dispatch::{OutboxDispatch, OutboxOptions};
pub use partition_upkeep::PartitionUpkeep;
pub use periodic::{PeriodicJob, Tick, spawn_periodic};
pub use rollup_worker::{CronError, parse_cron, spawn_rollup_worker};
pub use schedule_table::{ScheduleTable, Taken};
pub use shared_returns::{SharedReturns, SharedTicket};
pub use shared_schedule::{SharedSchedule, SharedScheduleView, spawn_schedule_upkeep};
pub use shared_source::{SharedScheduleOptions, SharedScheduleSource};
pub use site_gauges::SiteGauges;
pub use token_refresh::TokenRefresh;
