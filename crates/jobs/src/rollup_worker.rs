//! The roll-up and retention job, run by an apalis worker on a cron schedule (apalis-cron):
//! one run at a time, each run a pass of the domain's `RollupService`.

use std::sync::Arc;
use std::time::Duration;

use apalis::prelude::{BoxDynError, Data, Monitor, WorkerBuilder, WorkerBuilderExt};
use apalis_cron::jiff::JiffSchedule;
use apalis_cron::{CronScheduler, Tick};
use jiff::tz::TimeZone;
use lookout_domain::Clock;
use lookout_domain::history::{RollupError, RollupService, RollupStore};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// A cron expression (with seconds: `sec min hour day month weekday`) that did not parse.
#[derive(Debug, thiserror::Error)]
#[error("invalid cron expression {expression:?}: {reason}")]
pub struct CronError {
    expression: String,
    reason: String,
}

/// Parses a cron schedule, evaluated in UTC.
pub fn parse_cron(expression: &str) -> Result<JiffSchedule, CronError> {
    expression
        .parse::<JiffSchedule>()
        .map_err(|e| CronError { expression: expression.to_owned(), reason: e.to_string() })
}

/// Runs the roll-up job on `schedule` until `stop` turns true; a run in progress when it does
/// gets `drain_timeout` to finish (an abandoned run is repeated by the next one).
pub fn spawn_rollup_worker<S: RollupStore, C: Clock>(
    service: Arc<RollupService<S, C>>,
    schedule: JiffSchedule,
    drain_timeout: Duration,
    stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    let ticks = CronScheduler::new(schedule).with_timezone(TimeZone::UTC);
    let monitor = Monitor::new()
        .register(move |_restarts| {
            WorkerBuilder::new("rollup")
                .backend(ticks.clone())
                .concurrency(1)
                .enable_tracing()
                .data(Arc::clone(&service))
                .build(run_rollup::<S, C>)
        })
        .shutdown_timeout(drain_timeout);
    tokio::spawn(async move {
        let signal = crate::stop_signal::stopped(stop);
        if let Err(error) = monitor.run_with_signal(signal).await {
            tracing::error!(%error, "Roll-up worker failed");
        }
    })
}

/// The apalis handler: one pass of the job.
async fn run_rollup<S: RollupStore, C: Clock>(
    tick: Tick<TimeZone>,
    service: Data<Arc<RollupService<S, C>>>,
) -> Result<(), BoxDynError> {
    tracing::debug!(tick = tick.get_timestamp(), "Roll-up run");
    match service.run().await {
        Ok(report) if report.is_empty() => Ok(()),
        Ok(report) => {
            tracing::info!(
                hours = report.hours_rolled_up,
                days = report.days_rolled_up,
                backlog = report.backlog,
                raw_checks_deleted = report.raw_checks_deleted,
                hourly_rollups_deleted = report.hourly_rollups_deleted,
                "Roll-up and retention pass done"
            );
            Ok(())
        }
        Err(RollupError::Unavailable(error)) => {
            let error = lookout_domain::ErrorChain(&*error);
            tracing::warn!(%error, "Roll-up skipped: the database is unavailable or cannot write; the next run retries");
            Ok(())
        }
        Err(error) => {
            tracing::error!(error = %lookout_domain::ErrorChain(&error), "Roll-up failed");
            Err(error.into())
        }
    }
}
