//! Prometheus metrics: the recorder (histogram buckets chosen here). The jobs that keep it
//! (`metrics-upkeep`) and sample gauges (`site-gauges`) are in lookout-jobs.

use std::sync::Arc;

use anyhow::Context;
use lookout_http::MetricsRender;
use lookout_jobs::MetricsUpkeep;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};

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
    crate::metric_help::describe_all();
    let render = handle.clone();
    Ok((Arc::new(move || render.render()), MetricsUpkeep::new(move || handle.run_upkeep())))
}
