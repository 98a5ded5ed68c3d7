//! The per-site circuit breaker: after N consecutive failed checks a site is not checked for a
//! cool-down; then one trial check runs; a success closes the breaker again.

use std::time::Duration;

use time::OffsetDateTime;

/// Breaker settings (config `circuit_breaker.*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerPolicy {
    pub failure_threshold: u32,
    pub open_for: Duration,
}

impl Default for BreakerPolicy {
    fn default() -> Self {
        Self { failure_threshold: 5, open_for: Duration::from_secs(300) }
    }
}

/// One site's breaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CircuitBreaker {
    /// Checks run; `failures` consecutive ones have failed so far.
    Closed { failures: u32 },
    /// No checks until `until`; then one trial check.
    Open { until: OffsetDateTime },
    /// The trial check is running (or its result is pending).
    HalfOpen,
}

impl Default for CircuitBreaker {
    fn default() -> Self {
        Self::Closed { failures: 0 }
    }
}

/// Whether a check may run now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakerDecision {
    Run,
    /// The trial check after a cool-down.
    Trial,
    Blocked {
        until: OffsetDateTime,
    },
}

/// Something worth logging that a result did to the breaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakerEvent {
    Opened { until: OffsetDateTime, failures: u32 },
    Reset,
}

impl CircuitBreaker {
    /// Decides whether a check may run at `now`, moving an expired `Open` to `HalfOpen`.
    pub fn admit(&mut self, now: OffsetDateTime) -> BreakerDecision {
        match *self {
            Self::Closed { .. } => BreakerDecision::Run,
            Self::Open { until } if now >= until => {
                *self = Self::HalfOpen;
                BreakerDecision::Trial
            }
            Self::Open { until } => BreakerDecision::Blocked { until },
            // A trial is already out: let the schedule's next slot wait for its result.
            Self::HalfOpen => BreakerDecision::Blocked { until: now },
        }
    }

    /// Applies the result of a check (`success` = available and persisted) made at `now`.
    pub fn record(
        &mut self,
        success: bool,
        now: OffsetDateTime,
        policy: BreakerPolicy,
    ) -> Option<BreakerEvent> {
        match (*self, success) {
            (Self::Closed { failures: 0 }, true) => None,
            (_, true) => {
                let was_tripped = !matches!(self, Self::Closed { .. });
                *self = Self::Closed { failures: 0 };
                was_tripped.then_some(BreakerEvent::Reset)
            }
            (Self::Closed { failures }, false) => {
                let failures = failures.saturating_add(1);
                if failures >= policy.failure_threshold {
                    let until = now + policy.open_for;
                    *self = Self::Open { until };
                    Some(BreakerEvent::Opened { until, failures })
                } else {
                    *self = Self::Closed { failures };
                    None
                }
            }
            (Self::HalfOpen | Self::Open { .. }, false) => {
                let until = now + policy.open_for;
                *self = Self::Open { until };
                Some(BreakerEvent::Opened { until, failures: policy.failure_threshold })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const T0: OffsetDateTime = datetime!(2026-11-28 12:00:00 UTC);

    fn at(secs: i64) -> OffsetDateTime {
        T0 + time::Duration::seconds(secs)
    }

    #[test]
    fn opens_after_the_threshold_of_consecutive_failures() {
        let policy = BreakerPolicy::default();
        let mut breaker = CircuitBreaker::default();
        for n in 0..4 {
            assert_eq!(breaker.admit(at(n)), BreakerDecision::Run);
            assert_eq!(breaker.record(false, at(n), policy), None);
        }
        assert_eq!(
            breaker.record(false, at(4), policy),
            Some(BreakerEvent::Opened { until: at(304), failures: 5 })
        );
        assert_eq!(breaker.admit(at(5)), BreakerDecision::Blocked { until: at(304) });
        assert_eq!(breaker.admit(at(303)), BreakerDecision::Blocked { until: at(304) });
    }

    #[test]
    fn a_success_resets_the_count() {
        let policy = BreakerPolicy::default();
        let mut breaker = CircuitBreaker::default();
        for n in 0..4 {
            breaker.record(false, at(n), policy);
        }
        assert_eq!(breaker.record(true, at(4), policy), None);
        assert_eq!(breaker, CircuitBreaker::Closed { failures: 0 });
        for n in 5..9 {
            assert_eq!(breaker.record(false, at(n), policy), None, "four more are not enough");
        }
    }

    #[test]
    fn after_the_cool_down_one_trial_runs() {
        let policy = BreakerPolicy { failure_threshold: 2, open_for: Duration::from_secs(10) };
        let mut breaker = CircuitBreaker::default();
        breaker.record(false, at(0), policy);
        breaker.record(false, at(1), policy);
        assert_eq!(breaker.admit(at(11)), BreakerDecision::Trial);
        assert_eq!(
            breaker.admit(at(11)),
            BreakerDecision::Blocked { until: at(11) },
            "one trial at a time"
        );
        // The trial fails: open again for a full cool-down.
        assert_eq!(
            breaker.record(false, at(12), policy),
            Some(BreakerEvent::Opened { until: at(22), failures: 2 })
        );
        assert_eq!(breaker.admit(at(22)), BreakerDecision::Trial);
        assert_eq!(breaker.record(true, at(23), policy), Some(BreakerEvent::Reset));
        assert_eq!(breaker.admit(at(24)), BreakerDecision::Run);
    }
}
