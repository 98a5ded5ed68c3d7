//! The apalis worker that runs due checks: the schedule's stream is its backend; the layers
//! give tracing, a concurrency limit and a per-check timeout; the handler calls the domain's
//! monitoring service. The stream is pulled only when a slot is free, so a burst of due checks
//! waits in the schedule rather than in a queue.

use std::convert::Infallible;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use apalis::prelude::{Data, Event, Monitor, WorkerBuilder, WorkerBuilderExt};
use futures::stream::BoxStream;
use futures::{Stream, StreamExt};
use lookout_domain::{CheckRecorder, CheckRun, CircuitBreaker, Clock, MonitoringService, Prober};
use time::OffsetDateTime;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::DueCheck;
use crate::lateness::LatenessStats;

/// Worker settings.
#[derive(Debug, Clone, Copy)]
pub struct CheckWorkerOptions {
    /// Checks running at once.
    pub concurrency: usize,
    /// A check still running after this long is abandoned (the probe's own timeout should
    /// end it first; this is the backstop).
    pub check_timeout: Duration,
    /// After the stop signal, in-flight checks get this long to finish.
    pub drain_timeout: Duration,
    /// Label `lookout_checks_total` with the website id (high cardinality: off by default).
    pub per_site_labels: bool,
}

/// What the worker shares with its handlers.
#[derive(Debug)]
struct WorkerContext<P, R, C> {
    service: Arc<MonitoringService<P, R, C>>,
    lateness: LatenessStats,
    per_site_labels: bool,
    metrics: WorkerMetrics,
}

/// Metric handles looked up once, not per check.
#[derive(Debug)]
struct WorkerMetrics {
    lateness: metrics::Histogram,
    duration: metrics::Histogram,
    in_flight: metrics::Gauge,
    results: [(&'static str, metrics::Counter); 7],
}

const RESULTS: [&str; 7] =
    ["up", "down", "error", "skipped", "site_gone", "not_stored", "buffered"];

impl WorkerMetrics {
    fn new() -> Self {
        Self {
            lateness: metrics::histogram!("lookout_schedule_lateness_seconds"),
            duration: metrics::histogram!("lookout_check_duration_seconds"),
            in_flight: metrics::gauge!("lookout_checks_in_flight"),
            results: RESULTS.map(|r| (r, metrics::counter!("lookout_checks_total", "result" => r))),
        }
    }

    fn count(&self, result: &'static str) {
        if let Some((_, counter)) = self.results.iter().find(|(r, _)| *r == result) {
            counter.increment(1);
        }
    }
}

type DueChecks = BoxStream<'static, Result<DueCheck, Infallible>>;

/// Runs the worker until `stop` turns true, then lets in-flight checks finish (bounded by
/// `drain_timeout`). The service — and with it the recorder — is dropped when the worker ends.
pub fn spawn_check_worker<P, R, C>(
    due: impl Stream<Item = DueCheck> + Send + 'static,
    service: Arc<MonitoringService<P, R, C>>,
    options: CheckWorkerOptions,
    stop: watch::Receiver<bool>,
) -> JoinHandle<()>
where
    P: Prober,
    R: CheckRecorder,
    C: Clock,
{
    // `Monitor::register` takes a worker factory; the one-shot stream is handed over once.
    let backend: Mutex<Option<DueChecks>> = Mutex::new(Some(due.map(Ok).boxed()));
    let context = Arc::new(WorkerContext {
        service,
        lateness: LatenessStats::default(),
        per_site_labels: options.per_site_labels,
        metrics: WorkerMetrics::new(),
    });
    let stats = Arc::clone(&context);
    let monitor = Monitor::new()
        .register(move |_restarts| {
            let due = backend
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take()
                .unwrap_or_else(|| futures::stream::empty().boxed());
            WorkerBuilder::new("due-checks")
                .backend(due)
                .concurrency(options.concurrency.max(1))
                .timeout(options.check_timeout)
                .enable_tracing()
                .data(Arc::clone(&context))
                .build(run_due_check::<P, R, C>)
        })
        .on_event(|_worker, event| {
            // The handler never fails: an error here is the timeout layer abandoning a check.
            if let Event::Error(error) = event {
                tracing::error!(%error, "Check abandoned by the worker");
            }
        })
        .shutdown_timeout(options.drain_timeout);
    tokio::spawn(async move {
        let signal = crate::stop_signal::stopped(stop);
        if let Err(error) = monitor.run_with_signal(signal).await {
            tracing::error!(%error, "Check worker failed");
        }
        let lateness = &stats.lateness;
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        tracing::info!(
            checks = lateness.count(),
            lateness_p50_ms = ms(lateness.quantile(0.5)),
            lateness_p99_ms = ms(lateness.quantile(0.99)),
            lateness_max_ms = ms(lateness.max()),
            "Check worker stopped"
        );
    })
}

/// Aborts the task when dropped.
struct AbortOnDrop<T>(JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The apalis handler: one due check.
async fn run_due_check<P, R, C>(
    job: DueCheck,
    context: Data<Arc<WorkerContext<P, R, C>>>,
) -> Result<(), Infallible>
where
    P: Prober,
    R: CheckRecorder,
    C: Clock,
{
    let lateness = OffsetDateTime::now_utc() - job.due_at;
    let lateness = Duration::try_from(lateness).unwrap_or(Duration::ZERO);
    context.lateness.record(lateness);
    context.metrics.lateness.record(lateness.as_secs_f64());
    tracing::debug!(
        website = %job.target.id,
        due_at = %job.due_at,
        lateness_ms = lateness.as_millis(),
        "Running due check"
    );
    context.metrics.in_flight.increment(1.0);
    // apalis polls every job of a worker inside one task; the check itself runs as a task of its
    // own so that checks spread over all the runtime's threads. Dropping this handler (the
    // timeout layer, the drain bound at shutdown) aborts it.
    let service = Arc::clone(&context.service);
    let target = Arc::clone(&job.target);
    let lease = job.lease.clone();
    let mut task = AbortOnDrop(tokio::spawn(async move {
        // A shared slot runs under the shared breaker and hands back what the check left.
        let Some(lease) = lease else { return service.run_check(&target).await };
        service.restore_breaker(target.id, lease.start());
        let run = service.run_check(&target).await;
        lease.finish(service.breaker(target.id));
        service.restore_breaker(target.id, CircuitBreaker::default());
        run
    }));
    let run = (&mut task.0).await;
    context.metrics.in_flight.decrement(1.0);
    let Ok(run) = run else {
        tracing::error!(website = %job.target.id, "Check task failed");
        return Ok(());
    };
    let result = match &run {
        CheckRun::Recorded { outcome, .. }
        | CheckRun::NotStored { outcome }
        | CheckRun::Buffered { outcome } => {
            context.metrics.duration.record(outcome.response_time.as_secs_f64());
            match (&run, outcome.is_available(), &outcome.error) {
                (CheckRun::NotStored { .. }, _, _) => "not_stored",
                (CheckRun::Buffered { .. }, _, _) => "buffered",
                (_, true, _) => "up",
                (_, false, Some(_)) => "error",
                (_, false, None) => "down",
            }
        }
        CheckRun::Skipped { .. } => "skipped",
        CheckRun::SiteGone => "site_gone",
    };
    if context.per_site_labels {
        let site = job.target.id.to_string();
        metrics::counter!("lookout_checks_total", "result" => result, "website_id" => site)
            .increment(1);
    } else {
        context.metrics.count(result);
    }
    Ok(())
}
