//! The `alert-upkeep` job, every 10 s: ends flapping spells that have been stable for a window
//! (a site still down then gets its held firing event), queues the reminders and escalations
//! that have come due (each once, on any number of nodes: by their dedup keys) and samples the
//! outbox gauges
//! (`lookout_outbox_waiting`, `lookout_outbox_oldest_seconds`, `lookout_incidents_open`).

use std::sync::Arc;
use std::time::Duration;

use lookout_domain::Clock;
use lookout_domain::alerting::{AlertDefaults, Outbox, queue_due_timers, settle_flapping};
use lookout_domain::maintenance::MaintenanceView;
use tokio::sync::Notify;

use crate::PeriodicJob;

/// Reminders, escalations and outbox gauges.
pub struct AlertUpkeep<O, C> {
    outbox: O,
    clock: C,
    defaults: AlertDefaults,
    /// Woken when reminders were queued (the outbox worker's signal).
    queued: Arc<Notify>,
    /// No reminders or escalations for sites in a maintenance window.
    maintenance: Arc<dyn MaintenanceView>,
}

impl<O, C> std::fmt::Debug for AlertUpkeep<O, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AlertUpkeep").field("defaults", &self.defaults).finish_non_exhaustive()
    }
}

impl<O: Outbox, C: Clock> AlertUpkeep<O, C> {
    pub const EVERY: Duration = Duration::from_secs(10);

    pub fn new(
        outbox: O,
        clock: C,
        defaults: AlertDefaults,
        queued: Arc<Notify>,
        maintenance: Arc<dyn MaintenanceView>,
    ) -> Self {
        Self { outbox, clock, defaults, queued, maintenance }
    }
}

impl<O: Outbox, C: Clock> PeriodicJob for AlertUpkeep<O, C> {
    fn name(&self) -> &'static str {
        "alert-upkeep"
    }

    fn period(&self) -> Duration {
        Self::EVERY
    }

    fn runs_at_start(&self) -> bool {
        true
    }

    async fn run(&self) {
        let now = self.clock.now();
        match settle_flapping(&self.outbox, &self.defaults, now).await {
            Ok(0) => {}
            Ok(queued) => {
                tracing::debug!(queued, "Queued the firing events held while sites flapped");
                self.queued.notify_one();
            }
            Err(error) => tracing::debug!(%error, "Cannot settle flapping sites"),
        }
        match queue_due_timers(&self.outbox, &self.defaults, &*self.maintenance, now).await {
            Ok(0) => {}
            Ok(queued) => {
                tracing::debug!(queued, "Queued reminders and escalations");
                self.queued.notify_one();
            }
            Err(error) => tracing::debug!(%error, "Cannot queue reminders and escalations"),
        }
        match self.outbox.gauge(now).await {
            Ok(gauge) => {
                metrics::gauge!("lookout_outbox_waiting").set(gauge.waiting as f64);
                metrics::gauge!("lookout_outbox_oldest_seconds")
                    .set(gauge.oldest.map_or(0.0, |age| age.as_secs_f64()));
                metrics::gauge!("lookout_incidents_open").set(gauge.open_incidents as f64);
            }
            Err(error) => tracing::debug!(%error, "Cannot sample the outbox"),
        }
    }
}
