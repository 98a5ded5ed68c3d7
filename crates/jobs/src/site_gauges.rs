//! The `site-gauges` job: samples `lookout_sites{state=enabled|disabled|up|degraded|down|unknown}`
//! from storage and
//! `lookout_circuit_breakers_open` from the engine every 5 s, from start-up on.

use std::sync::Arc;
use std::time::Duration;

use lookout_domain::EngineState;
use lookout_domain::website::SiteCounter;

use crate::PeriodicJob;

/// Sets the site and breaker gauges every [`SiteGauges::EVERY`].
pub struct SiteGauges<C> {
    counter: C,
    /// None when this node runs no engine (its breakers are nobody's).
    engine: Option<Arc<dyn EngineState>>,
}

impl<C> std::fmt::Debug for SiteGauges<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SiteGauges").field("engine", &self.engine.is_some()).finish_non_exhaustive()
    }
}

impl<C: SiteCounter> SiteGauges<C> {
    pub const EVERY: Duration = Duration::from_secs(5);

    pub fn new(counter: C, engine: Option<Arc<dyn EngineState>>) -> Self {
        Self { counter, engine }
    }
}

impl<C: SiteCounter> PeriodicJob for SiteGauges<C> {
    fn name(&self) -> &'static str {
        "site-gauges"
    }

    fn period(&self) -> Duration {
        Self::EVERY
    }

    fn runs_at_start(&self) -> bool {
        true
    }

    async fn run(&self) {
        match self.counter.site_counts().await {
            Ok(counts) => {
                metrics::gauge!("lookout_sites", "state" => "enabled").set(counts.enabled as f64);
                metrics::gauge!("lookout_sites", "state" => "disabled").set(counts.disabled as f64);
                metrics::gauge!("lookout_sites", "state" => "down").set(counts.down as f64);
                metrics::gauge!("lookout_sites", "state" => "up").set(counts.up as f64);
                metrics::gauge!("lookout_sites", "state" => "degraded").set(counts.degraded as f64);
                metrics::gauge!("lookout_sites", "state" => "unknown").set(counts.unknown as f64);
            }
            Err(error) => tracing::debug!(%error, "Cannot sample site counts"),
        }
        if let Some(engine) = &self.engine {
            metrics::gauge!("lookout_circuit_breakers_open").set(engine.open_breakers() as f64);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::future::ready;

    use lookout_domain::website::{MockSiteCounter, SiteCounts, SiteCountsError};
    use lookout_domain::{CircuitBreaker, WebsiteId};
    use metrics_exporter_prometheus::PrometheusBuilder;
    use time::OffsetDateTime;

    use super::*;

    /// An engine with three breakers open.
    struct ThreeOpen;

    impl EngineState for ThreeOpen {
        fn breaker(&self, _: WebsiteId) -> CircuitBreaker {
            CircuitBreaker::default()
        }

        fn next_due(&self, _: WebsiteId) -> Option<OffsetDateTime> {
            None
        }

        fn open_breakers(&self) -> usize {
            3
        }
    }

    #[tokio::test]
    async fn sets_the_gauges_and_keeps_the_last_counts_when_storage_fails() {
        let recorder = PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        let _local = metrics::set_default_local_recorder(&recorder);
        let mut counter = MockSiteCounter::new();
        let mut answers = vec![
            Err(SiteCountsError::Unavailable("down".into())),
            Ok(SiteCounts { enabled: 5, disabled: 2, down: 1, up: 2, degraded: 1, unknown: 1 }),
        ];
        counter
            .expect_site_counts()
            .times(2)
            .returning(move || Box::pin(ready(answers.pop().unwrap_or(Ok(SiteCounts::default())))));
        let job = SiteGauges::new(counter, Some(Arc::new(ThreeOpen)));

        job.run().await;
        job.run().await;
        let text = handle.render();
        for line in [
            "lookout_sites{state=\"enabled\"} 5",
            "lookout_sites{state=\"disabled\"} 2",
            "lookout_sites{state=\"down\"} 1",
            "lookout_sites{state=\"up\"} 2",
            "lookout_sites{state=\"degraded\"} 1",
            "lookout_sites{state=\"unknown\"} 1",
            "lookout_circuit_breakers_open 3",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in:\n{text}");
        }
    }
}
