//! The `metrics-upkeep` job: folds the histogram samples recorded since the last run into the
//! exported histograms, whether or not anyone scrapes `/metrics`.
//!
//! The Prometheus recorder keeps every histogram sample in a buffer until something drains
//! it; a scrape does, and so does this job. Without it a node nobody scrapes grows by every
//! sample it records (about 20 MiB a minute at 10,000 checks/s). lookout's histograms all have
//! buckets (cumulative counts, a sum and a count), so draining them loses nothing: a scrape
//! after any number of runs sees every sample. The period bounds what is held between runs
//! (5 s of samples: about 3.6 MB at 10,000 checks/s).

use std::time::Duration;

use crate::PeriodicJob;

/// Drains the recorder's buffered histogram samples every [`MetricsUpkeep::EVERY`].
pub struct MetricsUpkeep {
    upkeep: Box<dyn Fn() + Send + Sync>,
}

impl std::fmt::Debug for MetricsUpkeep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetricsUpkeep").finish_non_exhaustive()
    }
}

impl MetricsUpkeep {
    /// The period (the Prometheus exporter's own upkeep period, had it its own listener).
    pub const EVERY: Duration = Duration::from_secs(5);

    /// `upkeep` drains the recorder (`PrometheusHandle::run_upkeep`).
    pub fn new(upkeep: impl Fn() + Send + Sync + 'static) -> Self {
        Self { upkeep: Box::new(upkeep) }
    }
}

impl PeriodicJob for MetricsUpkeep {
    fn name(&self) -> &'static str {
        "metrics-upkeep"
    }

    fn period(&self) -> Duration {
        Self::EVERY
    }

    async fn run(&self) {
        (self.upkeep)();
    }
}
