//! The monitoring service against mocked ports and a settable clock.

use std::future::ready;
use std::sync::Arc;
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

fn target() -> CheckTarget {
    CheckTarget {
        id: WebsiteId::new(7).unwrap(),
        url: WebsiteUrl::parse("https://example.com").unwrap(),
        name: WebsiteName::parse("Example").unwrap(),
    }
}

fn outcome(status: Option<u16>, error: Option<ProbeFailure>) -> CheckOutcome {
    CheckOutcome { status_code: status, response_time: Duration::from_millis(120), error }
}

fn prober_answering(status: Option<u16>, error: Option<ProbeFailure>, times: usize) -> MockProber {
    let mut prober = MockProber::new();
    prober
        .expect_probe()
        .times(times)
        .returning(move |_| Box::pin(ready(outcome(status, error.clone()))));
    prober
}

fn refused() -> Option<ProbeFailure> {
    Some(ProbeFailure::Connect(ConnectFailure::Refused))
}

fn recorder_storing(transition: AppliedTransition) -> MockCheckRecorder {
    let mut recorder = MockCheckRecorder::new();
    recorder
        .expect_record_check()
        .returning(move |_| Box::pin(ready(Ok(RecordedCheck::Stored(transition)))));
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
        .returning(|_| Box::pin(ready(Ok(RecordedCheck::Stored(AppliedTransition::Unchanged)))));
    let service = service(prober_answering(Some(200), None, 1), recorder, FakeClock::new());
    let run = block_on(service.run_check(&target()));
    assert_eq!(
        run,
        CheckRun::Recorded {
            outcome: outcome(Some(200), None),
            transition: AppliedTransition::Unchanged
        }
    );
    assert_eq!(service.breaker(target().id), CircuitBreaker::default());
}

#[test]
fn a_failure_reports_the_window_the_store_opened() {
    let opened = AppliedTransition::Opened { at: T0 };
    let service =
        service(prober_answering(Some(503), None, 1), recorder_storing(opened), FakeClock::new());
    let run = block_on(service.run_check(&target()));
    assert_eq!(run, CheckRun::Recorded { outcome: outcome(Some(503), None), transition: opened });
    assert_eq!(service.breaker(target().id), CircuitBreaker::Closed { failures: 1 });
}

#[test]
fn five_failures_open_the_breaker_and_checks_stop_until_the_cool_down() {
    let clock = FakeClock::new();
    let service = service(
        prober_answering(None, refused(), 5),
        recorder_storing(AppliedTransition::Unchanged),
        clock.clone(),
    );
    for _ in 0..5 {
        assert!(matches!(block_on(service.run_check(&target())), CheckRun::Recorded { .. }));
        clock.advance(60);
    }
    let opened_until = T0 + time::Duration::seconds(4 * 60 + 300);
    assert_eq!(service.breaker(target().id), CircuitBreaker::Open { until: opened_until });
    // The prober expects exactly five calls: these do not probe.
    assert_eq!(block_on(service.run_check(&target())), CheckRun::Skipped { until: opened_until });
    clock.advance(120);
    assert_eq!(block_on(service.run_check(&target())), CheckRun::Skipped { until: opened_until });
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
        .returning(|_| Box::pin(ready(outcome(Some(500), None))));
    prober
        .expect_probe()
        .times(1)
        .in_sequence(&mut sequence)
        .returning(|_| Box::pin(ready(outcome(Some(200), None))));
    let service = service(prober, recorder_storing(AppliedTransition::Unchanged), clock.clone());
    for _ in 0..5 {
        block_on(service.run_check(&target()));
    }
    clock.advance(300);
    assert!(matches!(block_on(service.run_check(&target())), CheckRun::Recorded { .. }));
    assert_eq!(service.breaker(target().id), CircuitBreaker::default());
}

#[test]
fn a_check_that_cannot_be_stored_counts_as_a_failure() {
    let mut recorder = MockCheckRecorder::new();
    recorder
        .expect_record_check()
        .returning(|_| Box::pin(ready(Err(RecordCheckError::Unknown("value too long".into())))));
    let service = service(prober_answering(Some(200), None, 5), recorder, FakeClock::new());
    for _ in 0..5 {
        let run = block_on(service.run_check(&target()));
        assert_eq!(run, CheckRun::NotStored { outcome: outcome(Some(200), None) });
    }
    assert!(matches!(service.breaker(target().id), CircuitBreaker::Open { .. }));
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
    let healthy = service(prober_answering(Some(200), None, 10), recorder, FakeClock::new());
    let runs: Vec<CheckRun> = (0..10).map(|_| block_on(healthy.run_check(&target()))).collect();
    assert_eq!(runs[0], CheckRun::Buffered { outcome: outcome(Some(200), None) });
    assert_eq!(runs[1], CheckRun::NotStored { outcome: outcome(Some(200), None) });
    assert_eq!(healthy.breaker(target().id), CircuitBreaker::default());

    // A failing site still trips its breaker while its results are held.
    let mut recorder = MockCheckRecorder::new();
    recorder.expect_record_check().returning(|_| Box::pin(ready(Ok(RecordedCheck::Buffered))));
    let failing = service(prober_answering(Some(503), None, 5), recorder, FakeClock::new());
    for _ in 0..5 {
        block_on(failing.run_check(&target()));
    }
    assert!(matches!(failing.breaker(target().id), CircuitBreaker::Open { .. }));
}

#[test]
fn a_check_of_a_deleted_site_is_dropped() {
    let mut recorder = MockCheckRecorder::new();
    recorder.expect_record_check().returning(|_| Box::pin(ready(Ok(RecordedCheck::SiteGone))));
    let service = service(prober_answering(None, refused(), 1), recorder, FakeClock::new());
    assert_eq!(block_on(service.run_check(&target())), CheckRun::SiteGone);
    assert_eq!(service.breaker(target().id), CircuitBreaker::default());
}

#[test]
fn a_restored_breaker_governs_the_next_check() {
    let clock = FakeClock::new();
    // Another node's failures left this site's breaker open for 60 s more.
    let service = service(MockProber::new(), MockCheckRecorder::new(), clock.clone());
    let until = T0 + time::Duration::seconds(60);
    service.restore_breaker(target().id, CircuitBreaker::Open { until });
    assert_eq!(block_on(service.run_check(&target())), CheckRun::Skipped { until });
    assert_eq!(service.open_breakers(), 1);
    // Restoring the default forgets the site.
    service.restore_breaker(target().id, CircuitBreaker::default());
    assert_eq!(service.open_breakers(), 0);

    // Four failures recorded elsewhere: the fifth, here, opens the breaker.
    let service = service_with(prober_answering(Some(500), None, 1), clock);
    service.restore_breaker(target().id, CircuitBreaker::Closed { failures: 4 });
    block_on(service.run_check(&target()));
    assert!(matches!(service.breaker(target().id), CircuitBreaker::Open { .. }));
}

fn service_with(
    prober: MockProber,
    clock: FakeClock,
) -> MonitoringService<MockProber, MockCheckRecorder, FakeClock> {
    service(prober, recorder_storing(AppliedTransition::Unchanged), clock)
}
