//! Prometheus metrics: the recorder (histogram buckets chosen here) and the gauges that are
//! sampled from the database and the engine every few seconds.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use lookout_domain::EngineState;
use lookout_http::MetricsRender;
use lookout_jobs::MetricsUpkeep;
use lookout_store::Store;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};
use tokio::task::JoinHandle;

/// Seconds: from 1 ms to 60 s.
const SECONDS_BUCKETS: &[f64] =
    &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0];
const BATCH_BUCKETS: &[f64] = &[1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0];

/// Installs the global recorder; returns what `GET /metrics` renders and the job that drains
/// buffered histogram samples whether or not anyone scrapes.
pub(crate) fn install() -> anyhow::Result<(MetricsRender, MetricsUpkeep)> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS_BUCKETS)?
        .set_buckets_for_metric(Matcher::Full("lookout_check_batch_size".into()), BATCH_BUCKETS)?
        .install_recorder()
        .context("cannot install the metrics recorder")?;
    let render = handle.clone();
    Ok((Arc::new(move || render.render()), MetricsUpkeep::new(move || handle.run_upkeep())))
}

/// Samples `lookout_sites{state}` and `lookout_circuit_breakers_open` every few seconds.
pub(crate) fn spawn_gauges(store: Store, engine: Option<Arc<dyn EngineState>>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tick.tick().await;
            match store.site_counts().await {
                Ok(counts) => {
                    metrics::gauge!("lookout_sites", "state" => "enabled")
                        .set(counts.enabled as f64);
                    metrics::gauge!("lookout_sites", "state" => "disabled")
                        .set(counts.disabled as f64);
                    metrics::gauge!("lookout_sites", "state" => "down").set(counts.down as f64);
                }
                Err(error) => tracing::debug!(%error, "Cannot sample site counts"),
            }
            if let Some(engine) = &engine {
                metrics::gauge!("lookout_circuit_breakers_open").set(engine.open_breakers() as f64);
            }
        }
    })
}
