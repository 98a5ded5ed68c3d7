//! `EngineView`: the API's window on the running engine (breakers and schedule).

use std::sync::{Arc, Weak};

use lookout_domain::{
    CheckRecorder, CircuitBreaker, Clock, EngineState, MonitoringService, Prober, WebsiteId,
};
use lookout_jobs::ScheduleView;
use time::OffsetDateTime;

/// Holds the monitoring service weakly, so that the API never keeps the check writer alive
/// at shutdown.
pub(crate) struct EngineView<P, R, C> {
    pub(crate) monitoring: Weak<MonitoringService<P, R, C>>,
    pub(crate) schedule: ScheduleView,
}

impl<P, R, C> EngineView<P, R, C> {
    pub(crate) fn new(
        monitoring: &Arc<MonitoringService<P, R, C>>,
        schedule: ScheduleView,
    ) -> Self {
        Self { monitoring: Arc::downgrade(monitoring), schedule }
    }
}

impl<P, R, C> EngineState for EngineView<P, R, C>
where
    P: Prober,
    R: CheckRecorder,
    C: Clock,
{
    fn breaker(&self, id: WebsiteId) -> CircuitBreaker {
        self.monitoring.upgrade().map(|m| m.breaker(id)).unwrap_or_default()
    }

    fn next_due(&self, id: WebsiteId) -> Option<OffsetDateTime> {
        self.schedule.next_due(id)
    }

    fn open_breakers(&self) -> usize {
        self.monitoring.upgrade().map_or(0, |m| m.open_breakers())
    }
}
