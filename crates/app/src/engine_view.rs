//! `EngineView`: the API's window on the running engine (breakers and schedule).

use std::sync::{Arc, Weak};

use lookout_domain::{
    CheckRecorder, CircuitBreaker, Clock, EngineState, MonitoringService, Prober, WebsiteId,
};
use lookout_jobs::{ScheduleView, SharedScheduleView};
use time::OffsetDateTime;

/// Where the schedule and breakers are read: this process (local mode), or the shared
/// schedule as last read from the database (shared mode: breakers are shared there too).
pub(crate) enum ScheduleRead {
    Local(ScheduleView),
    Shared(SharedScheduleView),
}

/// Holds the monitoring service weakly, so that the API never keeps the check writer alive
/// at shutdown.
pub(crate) struct EngineView<P, R, C> {
    pub(crate) monitoring: Weak<MonitoringService<P, R, C>>,
    pub(crate) schedule: ScheduleRead,
}

impl<P, R, C> EngineView<P, R, C> {
    pub(crate) fn new(
        monitoring: &Arc<MonitoringService<P, R, C>>,
        schedule: ScheduleRead,
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
        match &self.schedule {
            ScheduleRead::Local(_) => {
                self.monitoring.upgrade().map(|m| m.breaker(id)).unwrap_or_default()
            }
            ScheduleRead::Shared(view) => view.breaker(id),
        }
    }

    fn next_due(&self, id: WebsiteId) -> Option<OffsetDateTime> {
        match &self.schedule {
            ScheduleRead::Local(view) => view.next_due(id),
            ScheduleRead::Shared(view) => view.next_due(id),
        }
    }

    fn open_breakers(&self) -> usize {
        match &self.schedule {
            ScheduleRead::Local(_) => self.monitoring.upgrade().map_or(0, |m| m.open_breakers()),
            ScheduleRead::Shared(view) => view.open_breakers(),
        }
    }
}
