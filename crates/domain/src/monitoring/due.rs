//! The two values at either end of one check: the [`DueCheck`] a schedule hands out (the site,
//! its slot, its interval and the breaker the schedule keeps for it) and the [`CheckResult`]
//! the check hands back (what happened, the breaker after it, when the site is due next).
//! Both schedules, local and shared, keep exactly what a result says.

use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;

use super::breaker::CircuitBreaker;
use super::service::CheckRun;
use super::target::CheckTarget;

/// One check that has come due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueCheck {
    pub target: Arc<CheckTarget>,
    /// The slot (wall clock, UTC); lateness is measured against it, the next slot follows it.
    pub due_at: OffsetDateTime,
    /// The site's check interval when the slot was handed out.
    pub interval: Duration,
    /// The site's breaker as the schedule keeps it.
    pub breaker: CircuitBreaker,
}

/// What one check came to: the value the schedule stores.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckResult {
    pub run: CheckRun,
    /// The site's breaker after the check.
    pub breaker: CircuitBreaker,
    /// When the site is due next: the first slot after the check (the schedule never drifts
    /// and never fires a burst of missed slots), or when the breaker lets a trial run, if later.
    pub next_due: OffsetDateTime,
}

impl DueCheck {
    /// The first of this site's slots (`due_at` + n × interval, n ≥ 1) after `now`.
    pub fn next_slot(&self, now: OffsetDateTime) -> OffsetDateTime {
        let step = time::Duration::try_from(self.interval)
            .unwrap_or(time::Duration::MAX)
            .max(time::Duration::MILLISECOND);
        let first = self.due_at + step;
        if first > now {
            return first;
        }
        let behind = (now - first).whole_nanoseconds();
        let skipped = behind / step.whole_nanoseconds().max(1) + 1;
        let skipped = i32::try_from(skipped).unwrap_or(i32::MAX);
        first + step.saturating_mul(skipped)
    }

    /// The result of a check that ended at `now` with `breaker`: due next at the next slot
    /// (or sooner, when the alert policy wants the result confirmed), or when an open breaker
    /// lets the trial run, if later.
    pub fn result(
        &self,
        run: CheckRun,
        breaker: CircuitBreaker,
        now: OffsetDateTime,
    ) -> CheckResult {
        let mut slot = self.next_slot(now);
        if let CheckRun::Recorded { recheck_after: Some(after), .. } = &run {
            let confirm = now + time::Duration::try_from(*after).unwrap_or(time::Duration::MAX);
            slot = slot.min(confirm);
        }
        let next_due = match breaker {
            CircuitBreaker::Open { until } => slot.max(until),
            CircuitBreaker::Closed { .. } | CircuitBreaker::HalfOpen => slot,
        };
        CheckResult { run, breaker, next_due }
    }

    /// The result of a check that was abandoned at `now` (it overran its bound, or its task
    /// failed): nothing learnt, the breaker as it was, the site due at its next slot.
    pub fn abandoned(&self, now: OffsetDateTime) -> CheckResult {
        self.result(CheckRun::Abandoned, self.breaker, now)
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::{WebsiteId, WebsiteName, WebsiteUrl};

    const T0: OffsetDateTime = datetime!(2026-11-28 12:00:00 UTC);

    fn at(secs: i64) -> OffsetDateTime {
        T0 + time::Duration::seconds(secs)
    }

    fn due(breaker: CircuitBreaker) -> DueCheck {
        DueCheck {
            target: Arc::new(CheckTarget {
                id: WebsiteId::new(1).unwrap(),
                url: WebsiteUrl::parse("https://example.com").unwrap(),
                name: WebsiteName::parse("Example").unwrap(),
                check: Default::default(),
            }),
            due_at: T0,
            interval: Duration::from_secs(60),
            breaker,
        }
    }

    #[test]
    fn the_next_slot_follows_the_slot_not_the_clock() {
        let due = due(CircuitBreaker::default());
        assert_eq!(due.next_slot(at(0)), at(60));
        assert_eq!(due.next_slot(at(1)), at(60), "a check that took a second does not drift");
        assert_eq!(due.next_slot(at(59)), at(60));
        // A check (or a process) that overran several slots resumes at the next one ahead.
        assert_eq!(due.next_slot(at(60)), at(120));
        assert_eq!(due.next_slot(at(185)), at(240));
    }

    #[test]
    fn an_open_breaker_holds_the_site_until_its_trial() {
        let until = at(300);
        let result = due(CircuitBreaker::default()).result(
            CheckRun::SiteGone,
            CircuitBreaker::Open { until },
            at(1),
        );
        assert_eq!(result.next_due, until);
        // A breaker that opens before the next slot does not pull the site in.
        let early = due(CircuitBreaker::default()).result(
            CheckRun::SiteGone,
            CircuitBreaker::Open { until: at(30) },
            at(1),
        );
        assert_eq!(early.next_due, at(60));
    }

    #[test]
    fn a_result_to_confirm_is_checked_again_soon_but_never_later_than_its_slot() {
        use crate::{AppliedTransition, CheckOutcome};
        let run = |after: u64| CheckRun::Recorded {
            outcome: CheckOutcome::new(Some(503), Duration::from_millis(5), None),
            transition: AppliedTransition::Unchanged,
            recheck_after: Some(Duration::from_secs(after)),
        };
        let due = due(CircuitBreaker::default());
        assert_eq!(due.result(run(10), CircuitBreaker::default(), at(1)).next_due, at(11));
        assert_eq!(due.result(run(300), CircuitBreaker::default(), at(1)).next_due, at(60));
    }

    #[test]
    fn an_abandoned_check_keeps_the_breaker_and_moves_on() {
        let breaker = CircuitBreaker::Closed { failures: 3 };
        let result = due(breaker).abandoned(at(75));
        assert_eq!(result, CheckResult { run: CheckRun::Abandoned, breaker, next_due: at(120) });
    }
}
