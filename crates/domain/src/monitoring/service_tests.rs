//! The monitoring service against mocked ports and a settable clock.

use std::future::ready;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::executor::block_on;
use time::macros::datetime;

use super::*;
use crate::monitoring::{
    ConnectFailure, MockCheckRecorder, MockProber, ProbeFailure, RecordCheckError,
};
use crate::{WebsiteName, WebsiteUrl};

const T0: OffsetDateTime = datetime!(2026-11-28 12:00:00 UTC);

/// A clock the test moves by hand.
#[derive(Debug, Clone)]
struct FakeClock(Arc<Mutex<OffsetDateTime>>);

impl FakeClock {
    fn new() -> Self {
        Self(Arc::new(Mutex::new(T0)))
    }

    fn advance(&self, secs: i64) {
        *self.0.lock().unwrap() += time::Duration::seconds(secs);
    }
}

impl Clock for FakeClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap()
    }
}

fn target() -> Arc<CheckTarget> {
    Arc::new(CheckTarget {
        id: WebsiteId::new(7).unwrap(),
        url: WebsiteUrl::parse("https://example.com").unwrap(),
        name: WebsiteName::parse("Example").unwrap(),
        check: Default::default(),
    })
}

/// The site's slot at `clock`'s time, with `breaker` as the schedule keeps it.
fn due(clock: &FakeClock, breaker: CircuitBreaker) -> DueCheck {
    DueCheck { target: target(), due_at: clock.now(), interval: Duration::from_secs(60), breaker }
}

/// Runs `n` checks the way a schedule does: each result's breaker goes into the next slot,
/// one interval later. Returns the last result.
fn run_in_turn<P: Prober, R: CheckRecorder>(
    service: &MonitoringService<P, R, FakeClock>,
    clock: &FakeClock,
    n: usize,
) -> CheckResult {
    let mut breaker = CircuitBreaker::default();
    let mut last = None;
    for _ in 0..n {
        let result = block_on(service.run_check(&due(clock, breaker)));
        breaker = result.breaker;
        last = Some(result);
        clock.advance(60);
    }
    last.unwrap()
}

fn outcome(status: Option<u16>, error: Option<ProbeFailure>) -> CheckOutcome {
    CheckOutcome::new(status, Duration::from_millis(120), error)
}

/// An outcome as the service keeps it: judged against the site's (default) settings.
fn judged(status: Option<u16>, error: Option<ProbeFailure>) -> CheckOutcome {
    let mut outcome = outcome(status, error);
    outcome.judge(&crate::checks::CheckSpec::default());
    outcome
}

fn prober_answering(status: Option<u16>, error: Option<ProbeFailure>, times: usize) -> MockProber {
    let mut prober = MockProber::new();
    prober
        .expect_probe()
        .times(times)
        .returning(move |_, _| Box::pin(ready(outcome(status, error.clone()))));
    prober
}

fn refused() -> Option<ProbeFailure> {
    Some(ProbeFailure::Connect(ConnectFailure::Refused))
}

fn recorder_storing(transition: AppliedTransition) -> MockCheckRecorder {
    let mut recorder = MockCheckRecorder::new();
    recorder.expect_record_check().returning(move |_| {
        Box::pin(ready(Ok(RecordedCheck::Stored { window: transition, recheck_after: None })))
    });
    recorder
}

fn service<P: Prober, R: CheckRecorder>(
    prober: P,
    recorder: R,
    clock: FakeClock,
) -> MonitoringService<P, R, FakeClock> {
    MonitoringService::new(prober, recorder, clock, BreakerPolicy::default(), CheckLogPolicy::All)
}

#[test]
fn a_successful_check_is_recorded_with_the_start_time() {
    let mut recorder = MockCheckRecorder::new();
    recorder
        .expect_record_check()
        .withf(|check| {
            check.website_id.get() == 7
                && check.timestamp == T0
                && check.status_code == Some(200)
                && check.is_available
                && (check.response_time - 0.12).abs() < 1e-9
                && check.error_message.is_none()
        })
        .times(1)
        .returning(|_| {
            Box::pin(ready(Ok(RecordedCheck::Stored {
                window: AppliedTransition::Unchanged,
                recheck_after: None,
            })))
        });
    let clock = FakeClock::new();
    let service = service(prober_answering(Some(200), None, 1), recorder, clock.clone());
    let result = block_on(service.run_check(&due(&clock, CircuitBreaker::default())));
    assert_eq!(
        result,
        CheckResult {
            run: CheckRun::Recorded {
                outcome: judged(Some(200), None),
                transition: AppliedTransition::Unchanged,
                recheck_after: None,
            },
            breaker: CircuitBreaker::default(),
            next_due: T0 + time::Duration::seconds(60),
        }
    );
}

#[test]
fn a_failure_reports_the_window_the_store_opened() {
    let opened = AppliedTransition::Opened { at: T0 };
    let clock = FakeClock::new();
    let service =
        service(prober_answering(Some(503), None, 1), recorder_storing(opened), clock.clone());
    let result = block_on(service.run_check(&due(&clock, CircuitBreaker::default())));
    assert_eq!(
        result.run,
        CheckRun::Recorded {
            outcome: judged(Some(503), None),
            transition: opened,
            recheck_after: None,
        }
    );
    assert_eq!(result.breaker, CircuitBreaker::Closed { failures: 1 });
}

#[test]
fn five_failures_open_the_breaker_and_checks_stop_until_the_cool_down() {
    let clock = FakeClock::new();
    let service = service(
        prober_answering(None, refused(), 5),
        recorder_storing(AppliedTransition::Unchanged),
        clock.clone(),
    );
    let fifth = run_in_turn(&service, &clock, 5);
    assert!(matches!(fifth.run, CheckRun::Recorded { .. }));
    let opened_until = T0 + time::Duration::seconds(4 * 60 + 300);
    assert_eq!(fifth.breaker, CircuitBreaker::Open { until: opened_until });
    // The site is due again when the trial may run, not at its next slot.
    assert_eq!(fifth.next_due, opened_until);
    // The prober expects exactly five calls: these do not probe.
    let open = CircuitBreaker::Open { until: opened_until };
    let skipped = block_on(service.run_check(&due(&clock, open)));
    assert_eq!(skipped.run, CheckRun::Skipped { until: opened_until });
    assert_eq!((skipped.breaker, skipped.next_due), (open, opened_until));
    clock.advance(120);
    let skipped = block_on(service.run_check(&due(&clock, open)));
    assert_eq!(skipped.run, CheckRun::Skipped { until: opened_until });
}

#[test]
fn the_trial_after_the_cool_down_closes_the_breaker_on_success() {
    let clock = FakeClock::new();
    let mut prober = MockProber::new();
    let mut sequence = mockall::Sequence::new();
    prober
        .expect_probe()
        .times(5)
        .in_sequence(&mut sequence)
        .returning(|_, _| Box::pin(ready(outcome(Some(500), None))));
    prober
        .expect_probe()
        .times(1)
        .in_sequence(&mut sequence)
        .returning(|_, _| Box::pin(ready(outcome(Some(200), None))));
    let service = service(prober, recorder_storing(AppliedTransition::Unchanged), clock.clone());
    let opened = run_in_turn(&service, &clock, 5).breaker;
    clock.advance(300);
    let trial = block_on(service.run_check(&due(&clock, opened)));
    assert!(matches!(trial.run, CheckRun::Recorded { .. }));
    assert_eq!(trial.breaker, CircuitBreaker::default());
}

#[test]
fn a_check_that_cannot_be_stored_counts_as_a_failure() {
    let mut recorder = MockCheckRecorder::new();
    recorder
        .expect_record_check()
        .returning(|_| Box::pin(ready(Err(RecordCheckError::Unknown("value too long".into())))));
    let clock = FakeClock::new();
    let service = service(prober_answering(Some(200), None, 5), recorder, clock.clone());
    let mut breaker = CircuitBreaker::default();
    for _ in 0..5 {
        let result = block_on(service.run_check(&due(&clock, breaker)));
        assert_eq!(result.run, CheckRun::NotStored { outcome: judged(Some(200), None) });
        breaker = result.breaker;
    }
    assert!(matches!(breaker, CircuitBreaker::Open { .. }));
}

#[test]
fn an_outage_of_the_database_does_not_trip_breakers() {
    let mut recorder = MockCheckRecorder::new();
    let mut calls = 0;
    recorder.expect_record_check().returning(move |_| {
        calls += 1;
        Box::pin(ready(if calls % 2 == 1 {
            Ok(RecordedCheck::Buffered)
        } else {
            Err(RecordCheckError::Unavailable("outage buffer full".into()))
        }))
    });
    let clock = FakeClock::new();
    let healthy = service(prober_answering(Some(200), None, 10), recorder, clock.clone());
    let mut breaker = CircuitBreaker::default();
    let mut runs = Vec::new();
    for _ in 0..10 {
        let result = block_on(healthy.run_check(&due(&clock, breaker)));
        breaker = result.breaker;
        runs.push(result.run);
    }
    assert_eq!(runs[0], CheckRun::Buffered { outcome: judged(Some(200), None) });
    assert_eq!(runs[1], CheckRun::NotStored { outcome: judged(Some(200), None) });
    assert_eq!(breaker, CircuitBreaker::default());

    // A failing site still trips its breaker while its results are held.
    let mut recorder = MockCheckRecorder::new();
    recorder.expect_record_check().returning(|_| Box::pin(ready(Ok(RecordedCheck::Buffered))));
    let failing = service(prober_answering(Some(503), None, 5), recorder, clock.clone());
    assert!(matches!(run_in_turn(&failing, &clock, 5).breaker, CircuitBreaker::Open { .. }));
}

#[test]
fn a_check_of_a_deleted_site_is_dropped() {
    let mut recorder = MockCheckRecorder::new();
    recorder.expect_record_check().returning(|_| Box::pin(ready(Ok(RecordedCheck::SiteGone))));
    let clock = FakeClock::new();
    let service = service(prober_answering(None, refused(), 1), recorder, clock.clone());
    let result = block_on(service.run_check(&due(&clock, CircuitBreaker::Closed { failures: 2 })));
    assert_eq!(result.run, CheckRun::SiteGone);
    assert_eq!(result.breaker, CircuitBreaker::default());
}

#[test]
fn the_breaker_handed_in_governs_the_check() {
    let clock = FakeClock::new();
    // Another node's failures left this site's breaker open for 60 s more.
    let service = service(MockProber::new(), MockCheckRecorder::new(), clock.clone());
    let until = T0 + time::Duration::seconds(60);
    let skipped = block_on(service.run_check(&due(&clock, CircuitBreaker::Open { until })));
    assert_eq!(skipped.run, CheckRun::Skipped { until });

    // Four failures recorded elsewhere: the fifth, here, opens the breaker.
    let service = service_with(prober_answering(Some(500), None, 1), clock.clone());
    let fifth = block_on(service.run_check(&due(&clock, CircuitBreaker::Closed { failures: 4 })));
    assert!(matches!(fifth.breaker, CircuitBreaker::Open { .. }));

    // A trial that went out and never came back runs again.
    let service = service_with(prober_answering(Some(200), None, 1), clock.clone());
    let trial = block_on(service.run_check(&due(&clock, CircuitBreaker::HalfOpen)));
    assert!(matches!(trial.run, CheckRun::Recorded { .. }));
    assert_eq!(trial.breaker, CircuitBreaker::default());
}

fn service_with(
    prober: MockProber,
    clock: FakeClock,
) -> MonitoringService<MockProber, MockCheckRecorder, FakeClock> {
    service(prober, recorder_storing(AppliedTransition::Unchanged), clock)
}

#[test]
fn a_paused_site_is_not_checked_and_a_silenced_one_is_checked_and_marked() {
    use crate::maintenance::{MaintenanceMode, MockMaintenanceView};
    let clock = FakeClock::new();
    let mut paused = MockMaintenanceView::new();
    paused.expect_mode_at().return_const(Some(MaintenanceMode::Pause));
    let mut recorder = MockCheckRecorder::new();
    recorder.expect_record_check().never();
    let pausing = service(prober_answering(Some(200), None, 0), recorder, clock.clone())
        .with_maintenance(Arc::new(paused));
    let breaker = CircuitBreaker::Closed { failures: 2 };
    let result = block_on(pausing.run_check(&due(&clock, breaker)));
    assert_eq!(result.run, CheckRun::Paused);
    assert_eq!(result.breaker, breaker, "the breaker is left as it was");
    assert_eq!(result.next_due, T0 + time::Duration::seconds(60));

    let mut silenced = MockMaintenanceView::new();
    silenced.expect_mode_at().return_const(Some(MaintenanceMode::Silence));
    let mut recorder = MockCheckRecorder::new();
    recorder.expect_record_check().withf(|check| check.in_maintenance).times(1).returning(|_| {
        Box::pin(ready(Ok(RecordedCheck::Stored {
            window: AppliedTransition::Unchanged,
            recheck_after: None,
        })))
    });
    let silencing = service(prober_answering(Some(503), None, 1), recorder, clock.clone())
        .with_maintenance(Arc::new(silenced));
    let result = block_on(silencing.run_check(&due(&clock, CircuitBreaker::default())));
    assert!(matches!(result.run, CheckRun::Recorded { .. }));
}
