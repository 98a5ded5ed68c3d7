//! Incidents: one per outage as a site's policy sees it. The rule is pure: a site's alert
//! state and one check give the next state and what happens to the incident.

use std::num::NonZeroU32;

use time::OffsetDateTime;

use super::IncidentId;
use crate::WebsiteId;

/// A site's alert state between checks. A site that is up with no incident open has the
/// default state (and nothing needs to be stored for it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AlertState {
    /// Consecutive failed checks.
    pub failures: u32,
    /// Consecutive successful checks while an incident is open.
    pub successes: u32,
    /// Whether an incident is open.
    pub incident_open: bool,
}

/// What one check did to a site's incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertStep {
    /// Up, no incident: nothing to do.
    Quiet,
    /// The check disagrees with the site's state but not yet often enough: check again soon
    /// (after the policy's `confirm_after`) instead of a whole interval later.
    Confirming,
    /// The failure threshold was reached: an incident opens.
    Open,
    /// The success threshold was reached: the open incident resolves.
    Resolve,
    /// An incident is open and stays open.
    Hold,
}

impl AlertState {
    /// Applies one check. `failure_threshold` consecutive failures open an incident;
    /// `success_threshold` consecutive successes resolve it. A `silenced` check (taken in a
    /// maintenance window) opens nothing and is not confirmed, but its failures count: a site
    /// still down when the window ends opens its incident at the next failed check. An
    /// incident already open goes on and resolves as usual.
    pub fn observe(
        self,
        available: bool,
        silenced: bool,
        failure_threshold: NonZeroU32,
        success_threshold: NonZeroU32,
    ) -> (Self, AlertStep) {
        match (self.incident_open, available) {
            (false, true) => (Self::default(), AlertStep::Quiet),
            (false, false) if silenced => (
                Self { failures: self.failures.saturating_add(1), ..Self::default() },
                AlertStep::Quiet,
            ),
            (false, false) => {
                let failures = self.failures.saturating_add(1);
                if failures >= failure_threshold.get() {
                    (Self { failures, successes: 0, incident_open: true }, AlertStep::Open)
                } else {
                    (Self { failures, ..Self::default() }, AlertStep::Confirming)
                }
            }
            (true, false) => (
                Self {
                    failures: self.failures.saturating_add(1),
                    successes: 0,
                    incident_open: true,
                },
                AlertStep::Hold,
            ),
            (true, true) => {
                let successes = self.successes.saturating_add(1);
                if successes >= success_threshold.get() {
                    (Self::default(), AlertStep::Resolve)
                } else {
                    (Self { failures: 0, successes, incident_open: true }, AlertStep::Confirming)
                }
            }
        }
    }
}

/// An incident as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    pub id: IncidentId,
    pub website_id: WebsiteId,
    pub opened_at: OffsetDateTime,
    pub resolved_at: Option<OffsetDateTime>,
    pub acknowledged_at: Option<OffsetDateTime>,
    /// Reminders sent so far.
    pub reminders_sent: u32,
    /// Escalation steps taken so far.
    pub escalations_done: u32,
}

impl Incident {
    pub fn is_open(&self) -> bool {
        self.resolved_at.is_none()
    }

    /// How long the incident lasted, or has lasted by `now`.
    pub fn duration_secs(&self, now: OffsetDateTime) -> i64 {
        (self.resolved_at.unwrap_or(now) - self.opened_at).whole_seconds().max(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(v: u32) -> NonZeroU32 {
        NonZeroU32::new(v).unwrap()
    }

    fn run(checks: &[bool], fail: u32, succeed: u32) -> Vec<AlertStep> {
        let mut state = AlertState::default();
        checks
            .iter()
            .map(|&up| {
                let (next, step) = state.observe(up, false, n(fail), n(succeed));
                state = next;
                step
            })
            .collect()
    }

    #[test]
    fn two_failures_open_one_success_resolves() {
        use AlertStep::*;
        assert_eq!(
            run(&[true, false, false, false, true, true], 2, 1),
            vec![Quiet, Confirming, Open, Hold, Resolve, Quiet]
        );
    }

    #[test]
    fn a_single_blip_is_only_confirmed_never_opened() {
        use AlertStep::*;
        assert_eq!(
            run(&[false, true, false, true], 2, 1),
            vec![Confirming, Quiet, Confirming, Quiet]
        );
    }

    #[test]
    fn recovery_needs_consecutive_successes() {
        use AlertStep::*;
        assert_eq!(
            run(&[false, true, false, true, true, true], 1, 3),
            vec![Open, Confirming, Hold, Confirming, Confirming, Resolve]
        );
    }

    #[test]
    fn a_threshold_of_one_opens_at_the_first_failure() {
        let (state, step) = AlertState::default().observe(false, false, n(1), n(1));
        assert_eq!(step, AlertStep::Open);
        assert!(state.incident_open);
    }

    #[test]
    fn a_silenced_failure_opens_nothing_but_counts_and_an_open_incident_resolves() {
        let (state, step) = AlertState::default().observe(false, true, n(2), n(1));
        assert_eq!((step, state.failures), (AlertStep::Quiet, 1));
        let (state, step) = state.observe(false, true, n(2), n(1));
        assert_eq!((step, state.incident_open), (AlertStep::Quiet, false));
        // The window ends with the site still down: the next failure opens at once.
        let (state, step) = state.observe(false, false, n(2), n(1));
        assert_eq!((step, state.incident_open), (AlertStep::Open, true));
        let (_, step) = state.observe(true, true, n(2), n(1));
        assert_eq!(step, AlertStep::Resolve, "an incident open when the window starts resolves");
    }
}
