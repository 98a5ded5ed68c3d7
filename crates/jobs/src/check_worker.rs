//! The apalis worker that runs due checks: the schedule's stream is its backend; the layers
//! give tracing and a concurrency limit; the handler runs the check through the domain's
//! monitoring service (bounded by the check timeout) and hands the result back to the
//! schedule. The stream is pulled only when a slot is free, so a burst of due checks waits in
//! the schedule rather than in a queue.

use std::convert::Infallible;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use apalis::prelude::{Data, Monitor, WorkerBuilder, WorkerBuilderExt};
use futures::StreamExt;
use futures::stream::BoxStream;
use lookout_domain::{CheckRecorder, CheckResult, CheckRun, Clock, MonitoringService, Prober};
use time::OffsetDateTime;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::due_check::{CheckJob, CheckSource, SlotReturns, TicketOf, due_stream};
use crate::lateness::LatenessStats;

/// Worker settings.
#[derive(Debug, Clone)]
pub struct CheckWorkerOptions {
    /// Checks running at once.
    pub concurrency: usize,
    /// A check still running after this long is abandoned: its slot goes back to the schedule
    /// as it was (the probe's own timeout should end it first; this is the backstop).
    pub check_timeout: Duration,
    /// After the stop signal, in-flight checks get this long to finish.
    pub drain_timeout: Duration,
    /// Label `lookout_checks_total` with the website id (high cardinality: off by default).
    pub per_site_labels: bool,
    /// This node's region: check counts and durations are labelled `region` with it (no label
    /// when the node has none).
    pub region: Option<String>,
}

/// What the worker shares with its handlers.
#[derive(Debug)]
struct WorkerContext<P, R, C, Q> {
    service: Arc<MonitoringService<P, R, C>>,
    /// Where results go back to the schedule.
    returns: Q,
    check_timeout: Duration,
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
    results: [(&'static str, metrics::Counter); RESULTS.len()],
}

const RESULTS: [&str; 10] = [
    "up",
    "degraded",
    "down",
    "error",
    "skipped",
    "paused",
    "site_gone",
    "not_stored",
    "buffered",
    "abandoned",
];

impl WorkerMetrics {
    fn new(region: Option<&str>) -> Self {
        let region: Vec<metrics::Label> =
            region.map(|r| metrics::Label::new("region", r.to_owned())).into_iter().collect();
        let with_result = |result: &'static str| {
            let mut labels = region.clone();
            labels.push(metrics::Label::new("result", result));
            labels
        };
        Self {
            lateness: metrics::histogram!("lookout_schedule_lateness_seconds"),
            duration: metrics::histogram!("lookout_check_duration_seconds", region.clone()),
            in_flight: metrics::gauge!("lookout_checks_in_flight"),
            results: RESULTS
                .map(|r| (r, metrics::counter!("lookout_checks_total", with_result(r)))),
        }
    }

    fn count(&self, result: &'static str) {
        if let Some((_, counter)) = self.results.iter().find(|(r, _)| *r == result) {
            counter.increment(1);
        }
    }
}

type DueChecks<T> = BoxStream<'static, Result<CheckJob<T>, Infallible>>;

/// Runs the worker on `source` until `stop` turns true, then lets in-flight checks finish
/// (bounded by `drain_timeout`). The service — and with it the recorder — and the source are
/// dropped when the worker ends.
pub fn spawn_check_worker<S, P, R, C>(
    source: S,
    service: Arc<MonitoringService<P, R, C>>,
    options: CheckWorkerOptions,
    stop: watch::Receiver<bool>,
) -> JoinHandle<()>
where
    S: CheckSource,
    P: Prober,
    R: CheckRecorder,
    C: Clock,
{
    let returns = source.returns();
    // `Monitor::register` takes a worker factory; the one-shot stream is handed over once.
    let backend: Mutex<Option<DueChecks<TicketOf<S>>>> =
        Mutex::new(Some(due_stream(source).map(Ok).boxed()));
    let context = Arc::new(WorkerContext {
        service,
        returns,
        check_timeout: options.check_timeout,
        lateness: LatenessStats::default(),
        per_site_labels: options.per_site_labels,
        metrics: WorkerMetrics::new(options.region.as_deref()),
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
                .enable_tracing()
                .data(Arc::clone(&context))
                .build(run_due_check::<S::Returns, P, R, C>)
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

/// The apalis handler: one due check, its result handed back to the schedule.
async fn run_due_check<Q, P, R, C>(
    job: CheckJob<Q::Ticket>,
    context: Data<Arc<WorkerContext<P, R, C, Q>>>,
) -> Result<(), Infallible>
where
    Q: SlotReturns,
    P: Prober,
    R: CheckRecorder,
    C: Clock,
{
    let CheckJob { due, ticket } = job;
    let lateness = OffsetDateTime::now_utc() - due.due_at;
    let lateness = Duration::try_from(lateness).unwrap_or(Duration::ZERO);
    context.lateness.record(lateness);
    context.metrics.lateness.record(lateness.as_secs_f64());
    tracing::debug!(
        website = %due.target.id,
        due_at = %due.due_at,
        lateness_ms = lateness.as_millis(),
        "Running due check"
    );
    context.metrics.in_flight.increment(1.0);
    // apalis polls every job of a worker inside one task; the check itself runs as a task of its
    // own so that checks spread over all the runtime's threads. Dropping this handler (the
    // drain bound at shutdown) aborts it.
    let service = Arc::clone(&context.service);
    let check = due.clone();
    let mut task = AbortOnDrop(tokio::spawn(async move { service.run_check(&check).await }));
    let result = match tokio::time::timeout(context.check_timeout, &mut task.0).await {
        Ok(Ok(result)) => result,
        Ok(Err(error)) => {
            tracing::error!(website = %due.target.id, %error, "Check task failed");
            due.abandoned(OffsetDateTime::now_utc())
        }
        Err(_) => {
            tracing::error!(
                website = %due.target.id,
                "Check abandoned after {} s: its slot moves on",
                context.check_timeout.as_secs()
            );
            due.abandoned(OffsetDateTime::now_utc())
        }
    };
    drop(task);
    context.metrics.in_flight.decrement(1.0);
    context.returns.complete(ticket, &due, &result);
    let label = result_label(&result);
    if context.per_site_labels {
        let site = due.target.id.to_string();
        if let CheckRun::Recorded { outcome, .. } = &result.run
            && let Some(certificate) = &outcome.certificate
        {
            metrics::gauge!("lookout_certificate_expiry_timestamp_seconds", "website_id" => site.clone())
                .set(certificate.not_after.unix_timestamp() as f64);
        }
        metrics::counter!("lookout_checks_total", "result" => label, "website_id" => site)
            .increment(1);
    } else {
        context.metrics.count(label);
    }
    if let CheckRun::Recorded { outcome, .. }
    | CheckRun::NotStored { outcome }
    | CheckRun::Buffered { outcome } = &result.run
    {
        context.metrics.duration.record(outcome.response_time.as_secs_f64());
    }
    Ok(())
}

/// The `result` label of `lookout_checks_total`.
fn result_label(result: &CheckResult) -> &'static str {
    match &result.run {
        CheckRun::NotStored { .. } => "not_stored",
        CheckRun::Buffered { .. } => "buffered",
        CheckRun::Recorded { outcome, .. } if outcome.is_degraded() => "degraded",
        CheckRun::Recorded { outcome, .. } if outcome.is_available() => "up",
        CheckRun::Recorded { outcome, .. } if outcome.error.is_some() => "error",
        CheckRun::Recorded { .. } => "down",
        CheckRun::Skipped { .. } => "skipped",
        CheckRun::Paused => "paused",
        CheckRun::SiteGone => "site_gone",
        CheckRun::Abandoned => "abandoned",
    }
}
