//! Periodic jobs: work that runs on a fixed period (metrics upkeep, gauges, heartbeat, partition
//! upkeep, token refresh). Each is an apalis worker named after its job, whose backend is a
//! stream of ticks; one run at a time, a tick that comes while a run is still going waits for
//! it (missed ticks are not made up). Every run is counted in
//! `lookout_job_runs_total{job="<name>"}`.

use std::convert::Infallible;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use apalis::prelude::{Data, Monitor, WorkerBuilder, WorkerBuilderExt};
use futures::StreamExt;
use futures::stream::BoxStream;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};

/// A job run every [`PeriodicJob::period`].
pub trait PeriodicJob: Send + Sync + 'static {
    /// The job's name: the worker's, in logs and in `lookout_job_runs_total{job}`.
    fn name(&self) -> &'static str;

    /// From the start of one run to the start of the next.
    fn period(&self) -> Duration;

    /// Whether the first run is at start-up (else one period later).
    fn runs_at_start(&self) -> bool {
        false
    }

    /// A signal that brings the next run forward (e.g. "deliveries were queued"): a run starts
    /// as soon as the previous one is done instead of at the next tick.
    fn wake(&self) -> Option<Arc<Notify>> {
        None
    }

    /// One run. A run reports its own failures (the job knows what they mean); the next run
    /// comes on time whatever this one did.
    fn run(&self) -> impl Future<Output = ()> + Send;
}

/// One tick of a periodic job's clock: the `n`th run since start-up.
#[derive(Debug, Clone, Copy)]
pub struct Tick(pub u64);

/// The ticks of `job`: every period from start-up (or from one period on), and whenever its
/// wake signal fires.
fn ticks(
    period: Duration,
    at_start: bool,
    wake: Option<Arc<Notify>>,
) -> BoxStream<'static, Result<Tick, Infallible>> {
    let period = period.max(Duration::from_millis(1));
    let first = if at_start { Instant::now() } else { Instant::now() + period };
    let mut clock = tokio::time::interval_at(first, period);
    clock.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let clock = futures::stream::unfold(clock, |mut clock| async move {
        clock.tick().await;
        Some(((), clock))
    });
    let ticks = match wake {
        None => clock.boxed(),
        Some(wake) => {
            let woken = futures::stream::unfold(wake, |wake| async move {
                wake.notified().await;
                Some(((), wake))
            });
            futures::stream::select(clock, woken).boxed()
        }
    };
    ticks.enumerate().map(|(n, ())| Ok(Tick(n as u64))).boxed()
}

/// Runs `job` every period until `stop` turns true; a run in progress then gets
/// `drain_timeout` to finish.
pub fn spawn_periodic<J: PeriodicJob>(
    job: J,
    drain_timeout: Duration,
    stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    let name = job.name();
    // `Monitor::register` takes a worker factory; the one-shot tick stream is handed over once.
    let backend = Mutex::new(Some(ticks(job.period(), job.runs_at_start(), job.wake())));
    let job = Arc::new(job);
    let monitor = Monitor::new()
        .register(move |_restarts| {
            let ticks = backend
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take()
                .unwrap_or_else(|| futures::stream::empty().boxed());
            WorkerBuilder::new(name)
                .backend(ticks)
                .concurrency(1)
                .enable_tracing()
                .data(Arc::clone(&job))
                .build(run_tick::<J>)
        })
        .shutdown_timeout(drain_timeout);
    tokio::spawn(async move {
        let signal = crate::stop_signal::stopped(stop);
        if let Err(error) = monitor.run_with_signal(signal).await {
            tracing::error!(job = name, %error, "Periodic job failed");
        }
    })
}

/// The apalis handler: one run of the job.
async fn run_tick<J: PeriodicJob>(tick: Tick, job: Data<Arc<J>>) -> Result<(), Infallible> {
    let started = Instant::now();
    job.run().await;
    metrics::counter!("lookout_job_runs_total", "job" => job.name()).increment(1);
    tracing::debug!(
        job = job.name(),
        run = tick.0,
        elapsed_ms = started.elapsed().as_millis(),
        "Periodic job ran"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::*;

    struct Counting {
        runs: Arc<AtomicU64>,
        at_start: bool,
    }

    impl PeriodicJob for Counting {
        fn name(&self) -> &'static str {
            "counting"
        }

        fn period(&self) -> Duration {
            Duration::from_secs(10)
        }

        fn runs_at_start(&self) -> bool {
            self.at_start
        }

        async fn run(&self) {
            self.runs.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Lets the paused clock move until `runs` reaches `want` (or a minute of job time passes).
    async fn wait_for(runs: &AtomicU64, want: u64) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while runs.load(Ordering::SeqCst) < want && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    #[tokio::test(start_paused = true)]
    async fn runs_once_per_period_and_stops_on_the_signal() {
        let runs = Arc::new(AtomicU64::new(0));
        let (stop, stopped) = watch::channel(false);
        let start = Instant::now();
        let task = spawn_periodic(
            Counting { runs: Arc::clone(&runs), at_start: false },
            Duration::from_secs(1),
            stopped,
        );
        wait_for(&runs, 1).await;
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert!(Instant::now() - start >= Duration::from_secs(10), "not before one period");
        wait_for(&runs, 3).await;
        assert_eq!(runs.load(Ordering::SeqCst), 3);
        assert!(Instant::now() - start < Duration::from_secs(31), "one run per period");
        stop.send(true).unwrap();
        task.await.unwrap();
        let after = runs.load(Ordering::SeqCst);
        tokio::time::sleep(Duration::from_secs(60)).await;
        assert_eq!(runs.load(Ordering::SeqCst), after, "no run after the stop");
    }

    #[tokio::test(start_paused = true)]
    async fn a_job_that_runs_at_start_runs_at_once() {
        let runs = Arc::new(AtomicU64::new(0));
        let (_stop, stopped) = watch::channel(false);
        let start = Instant::now();
        let _task = spawn_periodic(
            Counting { runs: Arc::clone(&runs), at_start: true },
            Duration::from_secs(1),
            stopped,
        );
        wait_for(&runs, 1).await;
        assert!(Instant::now() - start < Duration::from_secs(10));
    }
}
