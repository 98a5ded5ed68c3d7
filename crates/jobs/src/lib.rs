//! lookout's scheduling adapter.
//!
//! Two schedules feed one worker. The embedded (single-node) schedule keeps every enabled
//! site's next due time in memory: [`ScheduleTable`] is the pure data structure,
//! [`LocalSchedule`] is the `Schedule` port the API changes go through, and [`ScheduleSource`]
//! turns the table into a stream of [`DueCheck`]s, each yielded when its time comes.
//! The shared schedule (PostgreSQL, many nodes) keeps the due times, leases and breakers in
//! the `check_schedule` table: [`SharedSchedule`] is its `Schedule` port,
//! [`SharedScheduleSource`] claims due sites (`FOR UPDATE SKIP LOCKED`) and hands them out with
//! a [`SlotLease`], and [`spawn_schedule_upkeep`] keeps the rows in step with the websites.
//! [`spawn_check_worker`] runs due checks through an apalis worker into the domain's
//! monitoring service. [`spawn_rollup_worker`] runs the roll-up and retention job on a cron
//! schedule (apalis-cron). [`spawn_periodic`] runs a [`PeriodicJob`] (e.g. [`MetricsUpkeep`])
//! every period.

mod check_worker;
mod due_check;
mod job_group;
mod lateness;
mod local_schedule;
mod metrics_upkeep;
mod node_heartbeat;
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

pub use check_worker::{CheckWorkerOptions, spawn_check_worker};
pub use due_check::{CheckJob, CheckSource, SlotReturns};
pub use job_group::JobGroup;
pub use lateness::LatenessStats;
pub use local_schedule::{
    LocalReturns, LocalSchedule, LocalTicket, ScheduleSource, ScheduleView, local_schedule,
};
pub use metrics_upkeep::MetricsUpkeep;
pub use node_heartbeat::{
    IdTakenOver, IdUse, NodeHeartbeat, RegisterError, RegisteredNode, register,
};
pub use partition_upkeep::PartitionUpkeep;
pub use periodic::{PeriodicJob, Tick, spawn_periodic};
pub use rollup_worker::{CronError, parse_cron, spawn_rollup_worker};
pub use schedule_table::{ScheduleTable, Taken};
pub use shared_returns::{SharedReturns, SharedTicket};
pub use shared_schedule::{SharedSchedule, SharedScheduleView, spawn_schedule_upkeep};
pub use shared_source::{SharedScheduleOptions, SharedScheduleSource};
pub use site_gauges::SiteGauges;
pub use token_refresh::TokenRefresh;
