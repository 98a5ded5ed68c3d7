//! The monitoring use case: run one due check of one site — circuit breaker → probe → record
//! the check and its downtime transition → the breaker after it and the next due time → log.

use std::fmt;
use std::sync::Arc;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::breaker::{BreakerDecision, BreakerEvent, BreakerPolicy, CircuitBreaker};
use super::certificate_memo::CertificateMemo;
use super::due::{CheckResult, DueCheck};
use super::recorder::{AppliedTransition, CheckRecorder, RecordCheckError, RecordedCheck};
use super::target::CheckTarget;
use crate::maintenance::{MaintenanceMode, MaintenanceView, NoMaintenance};
use crate::{CheckOutcome, Clock, ErrorChain, MonitorCheck, Prober, WebsiteId};

/// Which per-check INFO lines are written (failures, windows and breaker events always are).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CheckLogPolicy {
    /// Every check: `Check completed for <url>: ...` (the seed's line).
    #[default]
    All,
    /// Only checks that found the site unavailable.
    Failures,
    /// No per-check lines.
    None,
}

/// What running one due check came to.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckRun {
    /// The breaker is open: the site was not checked.
    Skipped { until: OffsetDateTime },
    /// A pausing maintenance window covers the site: it was not checked.
    Paused,
    /// Checked and stored; `recheck_after` as in [`RecordedCheck::Stored`].
    Recorded {
        outcome: CheckOutcome,
        transition: AppliedTransition,
        recheck_after: Option<std::time::Duration>,
    },
    /// Checked, but the site was deleted or disabled meanwhile: the result was dropped.
    SiteGone,
    /// Checked; the database is unavailable and the recorder holds the result until it returns.
    Buffered { outcome: CheckOutcome },
    /// Checked, but the result could not be stored (counts as a failure for the breaker unless
    /// storage was unavailable).
    NotStored { outcome: CheckOutcome },
    /// Given up: the check overran its bound or its task failed. Nothing was learnt.
    Abandoned,
}

/// Runs checks. Holds no state of its own: a check's breaker comes in with the [`DueCheck`]
/// and goes back out with the [`CheckResult`].
pub struct MonitoringService<P, R, C> {
    prober: P,
    recorder: R,
    clock: C,
    policy: BreakerPolicy,
    log: CheckLogPolicy,
    /// Which sites are in maintenance now.
    maintenance: Arc<dyn MaintenanceView>,
    /// Which certificates are stored already.
    certificates: CertificateMemo,
}

impl<P: fmt::Debug, R: fmt::Debug, C: fmt::Debug> fmt::Debug for MonitoringService<P, R, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MonitoringService")
            .field("prober", &self.prober)
            .field("recorder", &self.recorder)
            .field("clock", &self.clock)
            .field("policy", &self.policy)
            .field("log", &self.log)
            .finish_non_exhaustive()
    }
}

impl<P, R, C> MonitoringService<P, R, C>
where
    P: Prober,
    R: CheckRecorder,
    C: Clock,
{
    pub fn new(
        prober: P,
        recorder: R,
        clock: C,
        policy: BreakerPolicy,
        log: CheckLogPolicy,
    ) -> Self {
        Self {
            prober,
            recorder,
            clock,
            policy,
            log,
            maintenance: Arc::new(NoMaintenance),
            certificates: CertificateMemo::default(),
        }
    }

    /// Asks `maintenance` before each check: a paused site is not checked, a silenced one is
    /// checked and its result marked `in_maintenance`.
    pub fn with_maintenance(mut self, maintenance: Arc<dyn MaintenanceView>) -> Self {
        self.maintenance = maintenance;
        self
    }

    /// Runs one due check: breaker → probe → record → breaker after → next due time.
    pub async fn run_check(&self, due: &DueCheck) -> CheckResult {
        let target = &*due.target;
        let started_at = self.clock.now();
        // A trial the schedule saw go out but never come back runs again.
        let mut breaker = match due.breaker {
            CircuitBreaker::HalfOpen => CircuitBreaker::Open { until: started_at },
            breaker => breaker,
        };
        let maintenance = self.maintenance.mode_at(target.id, started_at);
        if maintenance == Some(MaintenanceMode::Pause) {
            tracing::debug!(website = %target.id, "Check skipped: maintenance window (pause)");
            return due.result(CheckRun::Paused, due.breaker, started_at);
        }
        if let BreakerDecision::Blocked { until } = breaker.admit(started_at) {
            tracing::debug!(website = %target.id, %until, "Check skipped: circuit breaker open");
            return due.result(CheckRun::Skipped { until }, breaker, started_at);
        }
        let mut outcome = self.prober.probe(&target.url, &target.check).await;
        outcome.judge(&target.check);
        self.log_outcome(target, &outcome);
        let mut check = MonitorCheck::from_outcome(target.id, started_at, outcome.clone());
        check.in_maintenance = maintenance == Some(MaintenanceMode::Silence);
        check.certificate =
            self.certificates.to_store(target.id, outcome.certificate.as_ref(), started_at);
        let available = outcome.is_available();
        // What the breaker learns: the site's answer — except that a check that could not be
        // stored for a reason other than an outage counts as a failure.
        let (run, success) = match self.recorder.record_check(check).await {
            Ok(RecordedCheck::Stored { window: transition, recheck_after }) => {
                log_transition(target, transition);
                (CheckRun::Recorded { outcome, transition, recheck_after }, available)
            }
            Ok(RecordedCheck::Buffered) => (CheckRun::Buffered { outcome }, available),
            Ok(RecordedCheck::SiteGone) => {
                tracing::debug!(website = %target.id, "Check dropped: the site was deleted or disabled meanwhile");
                let now = self.clock.now();
                return due.result(CheckRun::SiteGone, CircuitBreaker::default(), now);
            }
            Err(RecordCheckError::Unavailable(error)) => {
                // The recorder warns once per outage; the site is not to blame.
                tracing::debug!(url = %target.url, error = %error, "Check result dropped: storage unavailable");
                (CheckRun::NotStored { outcome }, available)
            }
            Err(error) => {
                tracing::error!(url = %target.url, error = %ErrorChain(&error), "Failed to record check for {}", target.url);
                (CheckRun::NotStored { outcome }, false)
            }
        };
        let now = self.clock.now();
        self.log_breaker_event(target.id, breaker.record(success, now, self.policy));
        due.result(run, breaker, now)
    }

    fn log_breaker_event(&self, id: WebsiteId, event: Option<BreakerEvent>) {
        match event {
            Some(BreakerEvent::Opened { failures, .. }) => tracing::warn!(
                website = %id,
                "Circuit breaker opened for website {id}. Blocked for {}s after {failures} failures.",
                self.policy.open_for.as_secs()
            ),
            Some(BreakerEvent::Reset) => {
                tracing::info!(website = %id, "Circuit breaker closed for website {id}: the trial check succeeded");
            }
            None => {}
        }
    }

    fn log_outcome(&self, target: &CheckTarget, outcome: &CheckOutcome) {
        let available = outcome.is_available();
        let wanted = match self.log {
            CheckLogPolicy::All => true,
            CheckLogPolicy::Failures => !available,
            CheckLogPolicy::None => false,
        };
        if !wanted {
            return;
        }
        let status = outcome.status_code.map_or_else(|| "none".to_owned(), |s| s.to_string());
        let time = outcome.response_time.as_secs_f64();
        match &outcome.error {
            Some(error @ super::ProbeFailure::Timeout { .. }) => tracing::warn!(
                "Check completed for {}: status={status}, time={time:.3}s, available={available}, error={error}",
                target.url
            ),
            Some(error) => tracing::info!(
                "Check completed for {}: status={status}, time={time:.3}s, available={available}, error={error}",
                target.url
            ),
            None => tracing::info!(
                "Check completed for {}: status={status}, time={time:.3}s, available={available}",
                target.url
            ),
        }
    }
}

fn log_transition(target: &CheckTarget, transition: AppliedTransition) {
    match transition {
        AppliedTransition::Opened { at } => {
            let at = at.format(&Rfc3339).unwrap_or_else(|_| at.to_string());
            tracing::warn!(website = %target.id, "Downtime window opened for {} at {at}", target.name);
        }
        AppliedTransition::Closed { duration, .. } => tracing::info!(
            website = %target.id,
            "Downtime window closed for {}. Duration: {:.1}s",
            target.name,
            duration.as_secs_f64()
        ),
        AppliedTransition::Unchanged => {}
    }
}

#[cfg(test)]
#[path = "service_tests.rs"]
mod tests;
