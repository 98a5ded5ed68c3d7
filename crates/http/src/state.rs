//! `ApiState`: what every handler can reach — the domain's use cases (never an outbound port),
//! the metrics renderer and the interval bounds from configuration.

use std::sync::Arc;

use lookout_domain::IntervalBounds;
use lookout_domain::node::NodeDirectory;
use lookout_domain::website::{WebsiteHistory, WebsiteManagement, WebsiteStats};

/// Renders the Prometheus text exposition of every metric.
pub type MetricsRender = Arc<dyn Fn() -> String + Send + Sync>;

/// Every use case the API calls (the domain's `WebsiteService` is one).
pub trait UseCases: WebsiteManagement + WebsiteHistory + WebsiteStats + NodeDirectory {}

impl<T: WebsiteManagement + WebsiteHistory + WebsiteStats + NodeDirectory> UseCases for T {}

/// What every handler can reach.
pub struct ApiState<W> {
    /// `GET /metrics`; `None` answers 404.
    pub metrics: Option<MetricsRender>,
    /// The use cases; each handler asks only for the ones it calls.
    pub websites: W,
    /// Bounds for `check_interval`, from configuration.
    pub interval_bounds: IntervalBounds,
}

impl<W: std::fmt::Debug> std::fmt::Debug for ApiState<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiState")
            .field("websites", &self.websites)
            .field("interval_bounds", &self.interval_bounds)
            .finish_non_exhaustive()
    }
}
