//! The engine's live view of the maintenance windows, and the `maintenance-refresh` job that
//! keeps it current: every 5 s (and at once after a change through this node's API) it reads
//! the windows and lays their occurrences out from a minute ago to ten minutes ahead. The
//! check path asks the view before every check; it never waits on the database (while the
//! database is out of reach the windows last read go on being laid out).

use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use lookout_domain::maintenance::{
    MaintenanceCalendar, MaintenanceMode, MaintenanceRepository, MaintenanceView, MaintenanceWindow,
};
use lookout_domain::{Clock, ErrorChain, WebsiteId};
use time::OffsetDateTime;
use tokio::sync::Notify;

use crate::PeriodicJob;

/// How far back and ahead of the refresh the calendar reaches.
const BEHIND: time::Duration = time::Duration::minutes(1);
const AHEAD: time::Duration = time::Duration::minutes(10);

#[derive(Debug, Default)]
struct Laid {
    windows: Arc<Vec<MaintenanceWindow>>,
    calendar: MaintenanceCalendar,
}

/// The windows as last read, laid out around the last refresh. Cheap to clone (shared).
#[derive(Debug, Clone, Default)]
pub struct LiveMaintenance {
    laid: Arc<RwLock<Arc<Laid>>>,
    /// Brings the next refresh forward.
    changed: Arc<Notify>,
}

impl LiveMaintenance {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the windows now (at start-up, before checks run); on failure the view stays empty
    /// and the job tries again.
    pub async fn load<R: MaintenanceRepository>(&self, repository: &R, now: OffsetDateTime) {
        match repository.list_maintenance().await {
            Ok(windows) => self.lay_out(Arc::new(windows), now),
            Err(error) => {
                tracing::warn!(error = %ErrorChain(&error), "Cannot read the maintenance windows; retrying every 5 s")
            }
        }
    }

    /// What to call after a change (the maintenance service's announcement).
    pub fn on_change(&self) -> Arc<dyn Fn() + Send + Sync> {
        let changed = Arc::clone(&self.changed);
        Arc::new(move || changed.notify_one())
    }

    fn current(&self) -> Arc<Laid> {
        Arc::clone(&self.laid.read().unwrap_or_else(PoisonError::into_inner))
    }

    fn lay_out(&self, windows: Arc<Vec<MaintenanceWindow>>, now: OffsetDateTime) {
        let calendar = MaintenanceCalendar::build(&windows, now - BEHIND, now + AHEAD);
        let laid = Arc::new(Laid { windows, calendar });
        *self.laid.write().unwrap_or_else(PoisonError::into_inner) = laid;
    }
}

impl MaintenanceView for LiveMaintenance {
    fn mode_at(&self, id: WebsiteId, at: OffsetDateTime) -> Option<MaintenanceMode> {
        let laid = self.current();
        if laid.windows.is_empty() {
            return None;
        }
        if laid.calendar.covers(at) {
            return laid.calendar.mode_at(id, at);
        }
        // Not refreshed for a while (or asked about another time): lay out this instant alone.
        MaintenanceCalendar::build(&laid.windows, at, at.saturating_add(time::Duration::SECOND))
            .mode_at(id, at)
    }
}

/// The `maintenance-refresh` job.
pub struct MaintenanceRefresh<R, C> {
    repository: R,
    clock: C,
    live: LiveMaintenance,
}

impl<R, C> std::fmt::Debug for MaintenanceRefresh<R, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MaintenanceRefresh").finish_non_exhaustive()
    }
}

impl<R: MaintenanceRepository, C: Clock> MaintenanceRefresh<R, C> {
    pub const EVERY: Duration = Duration::from_secs(5);

    pub fn new(repository: R, clock: C, live: LiveMaintenance) -> Self {
        Self { repository, clock, live }
    }
}

impl<R: MaintenanceRepository, C: Clock> PeriodicJob for MaintenanceRefresh<R, C> {
    fn name(&self) -> &'static str {
        "maintenance-refresh"
    }

    fn period(&self) -> Duration {
        Self::EVERY
    }

    fn wake(&self) -> Option<Arc<Notify>> {
        Some(Arc::clone(&self.live.changed))
    }

    async fn run(&self) {
        let windows = match self.repository.list_maintenance().await {
            Ok(windows) => Arc::new(windows),
            Err(error) => {
                tracing::debug!(error = %ErrorChain(&error), "Cannot read the maintenance windows; laying out the last read");
                Arc::clone(&self.live.current().windows)
            }
        };
        tracing::debug!(windows = windows.len(), "Maintenance windows laid out");
        self.live.lay_out(windows, self.clock.now());
    }
}

#[cfg(test)]
mod tests {
    use std::future::ready;

    use lookout_domain::MockClock;
    use lookout_domain::alerting::AlertStoreError;
    use lookout_domain::maintenance::{MaintenanceDraft, MaintenanceId, MockMaintenanceRepository};
    use time::macros::datetime;

    use super::*;

    const NOW: OffsetDateTime = datetime!(2026-12-04 12:00 UTC);

    fn window() -> MaintenanceWindow {
        let spec = MaintenanceDraft {
            name: Some("upgrade".into()),
            websites: Some(vec![3]),
            mode: Some("pause".into()),
            starts_at: Some(NOW),
            ends_at: Some(NOW + time::Duration::hours(1)),
            ..MaintenanceDraft::default()
        }
        .parse()
        .unwrap();
        MaintenanceWindow {
            id: MaintenanceId::MIN,
            spec,
            managed: None,
            created_at: NOW,
            updated_at: NOW,
        }
    }

    #[tokio::test]
    async fn the_view_follows_the_store_and_keeps_the_last_read_when_it_fails() {
        let mut repository = MockMaintenanceRepository::new();
        let mut reads = 0;
        repository.expect_list_maintenance().returning(move || {
            reads += 1;
            if reads == 1 {
                Box::pin(ready(Ok(vec![window()])))
            } else {
                Box::pin(ready(Err(AlertStoreError::Unavailable("gone".into()))))
            }
        });
        let mut clock = MockClock::new();
        clock.expect_now().return_const(NOW + time::Duration::minutes(30));
        let live = LiveMaintenance::new();
        let site = WebsiteId::new(3).unwrap();
        assert_eq!(live.mode_at(site, NOW), None, "nothing read yet");
        let job = MaintenanceRefresh::new(repository, clock, live.clone());
        job.run().await;
        let inside = NOW + time::Duration::minutes(30);
        assert_eq!(live.mode_at(site, inside), Some(MaintenanceMode::Pause));
        assert_eq!(live.mode_at(WebsiteId::new(4).unwrap(), inside), None);
        job.run().await; // the store fails: the windows last read stay
        assert_eq!(live.mode_at(site, inside), Some(MaintenanceMode::Pause));
        // Far outside the laid-out range, the answer is still right.
        assert_eq!(live.mode_at(site, NOW + time::Duration::hours(2)), None);
    }
}
