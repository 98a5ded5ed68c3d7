//! `ApiState`: what every handler can reach (the use cases, the metrics renderer and the
//! interval bounds from configuration).

use std::sync::Arc;

use lookout_domain::{EngineState, IntervalBounds};

/// Renders the Prometheus text exposition of every metric.
pub type MetricsRender = Arc<dyn Fn() -> String + Send + Sync>;

/// What every handler can reach.
pub struct ApiState<W> {
    /// `GET /metrics`; `None` answers 404.
    pub metrics: Option<MetricsRender>,
    pub websites: W,
    /// Bounds for `check_interval`, from configuration.
    pub interval_bounds: IntervalBounds,
    /// The running engine's breakers and schedule; `None` when the scheduler is off.
    pub engine: Option<Arc<dyn EngineState>>,
}

impl<W: std::fmt::Debug> std::fmt::Debug for ApiState<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiState")
            .field("websites", &self.websites)
            .field("interval_bounds", &self.interval_bounds)
            .field("engine", &self.engine.is_some())
            .finish()
    }
}
