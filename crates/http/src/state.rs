//! `ApiState`: what every handler can reach — the domain's use cases (never an outbound port),
//! the metrics renderer and the interval bounds from configuration.

use std::sync::Arc;

use lookout_domain::IntervalBounds;
use lookout_domain::manifest::Manifest;
use lookout_domain::node::NodeDirectory;
use lookout_domain::status_pages::StatusPages;
use lookout_domain::website::{WebsiteHistory, WebsiteManagement, WebsiteStats};

/// Renders the Prometheus text exposition of every metric.
pub type MetricsRender = Arc<dyn Fn() -> String + Send + Sync>;

/// Every website use case the API calls (the domain's `WebsiteService` is one).
pub trait UseCases:
    WebsiteManagement + WebsiteHistory + WebsiteStats + NodeDirectory + StatusPages + Manifest
{
}

impl<T> UseCases for T where
    T: WebsiteManagement + WebsiteHistory + WebsiteStats + NodeDirectory + StatusPages + Manifest
{
}

/// What every handler can reach. `W`: the website use cases ([`UseCases`]); `C`: the channel
/// use cases (`ChannelManagement`, e.g. the domain's `ChannelService`); `I`: the incident and
/// delivery use cases (`IncidentDesk`, e.g. `IncidentService`); `M`: the maintenance window use
/// cases (`MaintenanceManagement`, e.g. `MaintenanceService`).
pub struct ApiState<W, C, I, M> {
    /// `GET /metrics`; `None` answers 404.
    pub metrics: Option<MetricsRender>,
    /// The website use cases; each handler asks only for the ones it calls.
    pub websites: W,
    /// The channel use cases (`/api/channels`).
    pub channels: C,
    /// The incident and delivery use cases (`/api/incidents`, `/api/deliveries`).
    pub incidents: I,
    /// The maintenance window use cases (`/api/maintenance`).
    pub maintenance: M,
    /// Bounds for `check_interval`, from configuration.
    pub interval_bounds: IntervalBounds,
}

impl<W: std::fmt::Debug, C: std::fmt::Debug, I: std::fmt::Debug, M: std::fmt::Debug> std::fmt::Debug
    for ApiState<W, C, I, M>
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiState")
            .field("websites", &self.websites)
            .field("channels", &self.channels)
            .field("incidents", &self.incidents)
            .field("maintenance", &self.maintenance)
            .field("interval_bounds", &self.interval_bounds)
            .finish_non_exhaustive()
    }
}
