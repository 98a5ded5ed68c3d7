//! Periodic jobs that stop together: one stop signal (which other workers may share, e.g. the
//! check worker) and one wait for all of them.

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::{JoinError, JoinHandle};

use crate::{PeriodicJob, spawn_periodic};

/// Periodic jobs started with one stop signal.
#[derive(Debug)]
pub struct JobGroup {
    stop: watch::Sender<bool>,
    drain_timeout: Duration,
    running: Vec<JoinHandle<()>>,
}

impl JobGroup {
    /// At the stop, a run in progress gets `drain_timeout` to finish.
    pub fn new(drain_timeout: Duration) -> Self {
        Self { stop: watch::channel(false).0, drain_timeout, running: Vec::new() }
    }

    /// Runs `job` every period until the group stops.
    pub fn start<J: PeriodicJob>(&mut self, job: J) {
        self.running.push(spawn_periodic(job, self.drain_timeout, self.stop.subscribe()));
    }

    /// The group's stop signal, for workers that stop with its jobs.
    pub fn stop_signal(&self) -> watch::Receiver<bool> {
        self.stop.subscribe()
    }

    /// Tells the jobs (and whoever shares the signal) to stop, without waiting for them.
    pub fn signal_stop(&self) {
        self.stop.send_replace(true);
    }

    /// Stops the jobs and waits for them.
    pub async fn stop(self) -> Result<(), JoinError> {
        self.signal_stop();
        for job in self.running {
            job.await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::*;

    struct Counting(Arc<AtomicU64>);

    impl PeriodicJob for Counting {
        fn name(&self) -> &'static str {
            "counting"
        }

        fn period(&self) -> Duration {
            Duration::from_secs(1)
        }

        fn runs_at_start(&self) -> bool {
            true
        }

        async fn run(&self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_jobs_and_the_shared_signal_stop_together() {
        let runs = Arc::new(AtomicU64::new(0));
        let mut group = JobGroup::new(Duration::from_secs(1));
        group.start(Counting(Arc::clone(&runs)));
        group.start(Counting(Arc::clone(&runs)));
        let mut shared = group.stop_signal();
        tokio::time::sleep(Duration::from_millis(2500)).await;
        assert!(runs.load(Ordering::SeqCst) >= 4, "both ran");
        assert!(!*shared.borrow());
        group.stop().await.unwrap();
        assert!(*shared.borrow_and_update(), "the shared signal turned too");
        let after = runs.load(Ordering::SeqCst);
        tokio::time::sleep(Duration::from_secs(10)).await;
        assert_eq!(runs.load(Ordering::SeqCst), after, "no run after the stop");
    }
}
