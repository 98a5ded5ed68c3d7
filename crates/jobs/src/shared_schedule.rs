//! The API side of the shared schedule: the `Schedule` port writes changes straight to the
//! database, where every node's next claim sees them; a read view of the schedule (next slots
//! and shared breakers) for status queries, refreshed in the background; and the upkeep that
//! keeps the rows in step with the websites.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use lookout_domain::monitoring::{ScheduleEntry, SharedScheduleError, SharedScheduleStore};
use lookout_domain::website::Schedule;
use lookout_domain::{CircuitBreaker, EngineState, ErrorChain, Website, WebsiteId};
use time::OffsetDateTime;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// The `Schedule` port of the shared schedule.
#[derive(Debug, Clone)]
pub struct SharedSchedule<S> {
    leases: S,
}

impl<S> SharedSchedule<S> {
    pub fn new(leases: S) -> Self {
        Self { leases }
    }
}

fn log_failure(change: &str, id: WebsiteId, result: Result<(), SharedScheduleError>) {
    if let Err(error) = result {
        // The upkeep's sync repairs membership; a lost re-timing waits for the next slot.
        tracing::error!(website = %id, error = %ErrorChain(&error), "Shared schedule not updated ({change})");
    }
}

impl<S: SharedScheduleStore> Schedule for SharedSchedule<S> {
    async fn add(&self, website: &Website) {
        let interval = website.check_interval.as_duration();
        log_failure("add", website.id, self.leases.add(website.id, interval).await);
    }

    async fn remove(&self, id: WebsiteId) {
        log_failure("remove", id, self.leases.remove(id).await);
    }

    /// A new interval pulls free rows in (a held slot takes it at its release); new regions
    /// get rows, dropped ones lose theirs.
    async fn reschedule(&self, website: &Website) {
        let interval = website.check_interval.as_duration();
        log_failure("reschedule", website.id, self.leases.add(website.id, interval).await);
    }
}

/// The schedule as last read: next slots and shared breakers of every scheduled site.
#[derive(Debug, Clone, Default)]
pub struct SharedScheduleView {
    entries: Arc<RwLock<HashMap<WebsiteId, ScheduleEntry>>>,
}

impl EngineState for SharedScheduleView {
    /// The slot being checked now, or the next one.
    fn next_due(&self, id: WebsiteId) -> Option<OffsetDateTime> {
        self.read().get(&id).map(|e| e.next_due)
    }

    /// The shared breaker of a site.
    fn breaker(&self, id: WebsiteId) -> CircuitBreaker {
        self.read().get(&id).map(|e| e.breaker).unwrap_or_default()
    }

    /// Sites whose shared breaker is open.
    fn open_breakers(&self) -> usize {
        self.read().values().filter(|e| !matches!(e.breaker, CircuitBreaker::Closed { .. })).count()
    }
}

impl SharedScheduleView {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<WebsiteId, ScheduleEntry>> {
        self.entries.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn replace(&self, entries: Vec<ScheduleEntry>) {
        let fresh: HashMap<_, _> = entries.into_iter().map(|e| (e.id, e)).collect();
        metrics::gauge!("lookout_scheduled_sites").set(fresh.len() as f64);
        *self.entries.write().unwrap_or_else(PoisonError::into_inner) = fresh;
    }
}

/// How often the upkeep brings the rows in step with the websites.
const SYNC_EVERY: Duration = Duration::from_secs(60);
/// The view is re-read this often, or after 100 × the time a read took if that is longer: a
/// node spends at most 1 % of a database connection's time on it (3,000 sites: every 250 ms;
/// a million: every half minute or so).
const REFRESH_EVERY: Duration = Duration::from_millis(250);
const REFRESH_PACING: u32 = 100;

/// Syncs the schedule with the websites now and every minute, and refreshes `view`.
pub fn spawn_schedule_upkeep<S: SharedScheduleStore>(
    leases: S,
    view: SharedScheduleView,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut next_sync = Instant::now();
        loop {
            if Instant::now() >= next_sync {
                match leases.sync().await {
                    Ok((0, 0)) => {}
                    Ok((added, removed)) => {
                        tracing::info!(added, removed, "Shared schedule synced with the websites");
                    }
                    Err(error) => {
                        tracing::warn!(error = %ErrorChain(&error), "Cannot sync the shared schedule");
                    }
                }
                next_sync = Instant::now() + SYNC_EVERY;
            }
            let started = Instant::now();
            match leases.entries().await {
                Ok(entries) => view.replace(entries),
                Err(error) => {
                    tracing::debug!(error = %ErrorChain(&error), "Cannot read the shared schedule");
                }
            }
            let pause = REFRESH_EVERY.max(started.elapsed() * REFRESH_PACING);
            tokio::time::sleep(pause).await;
        }
    })
}
