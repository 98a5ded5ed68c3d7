//! The roll-up job against a mocked `RollupStore` whose calls are logged.

use std::future::ready;
use std::sync::{Arc, Mutex};

use futures::executor::block_on;
use time::macros::datetime;

use super::*;
use crate::history::MockRollupStore;
use crate::{MockClock, WebsiteId};

const NOW: OffsetDateTime = datetime!(2026-11-20 13:07 UTC);

#[derive(Debug, Clone, PartialEq)]
enum Call {
    RollUp(Grain, OffsetDateTime, Option<i64>),
    Mark(Grain, OffsetDateTime),
    Delete(Expiring, OffsetDateTime, Option<i64>),
}

type Log = Arc<Mutex<Vec<Call>>>;

fn clock() -> MockClock {
    let mut clock = MockClock::new();
    clock.expect_now().return_const(NOW);
    clock
}

/// A store with two batches of sites (ids up to 500, then up to 1000), logging every call.
/// `roll_up` fails for the bucket starting at `failing`.
fn logged_store(
    marks: RollupMarks,
    oldest: Option<OffsetDateTime>,
    failing: Option<OffsetDateTime>,
) -> (MockRollupStore, Log) {
    let log: Log = Arc::default();
    let mut store = MockRollupStore::new();
    store.expect_rollup_marks().returning(move || Box::pin(ready(Ok(marks))));
    store.expect_oldest_source().returning(move |grain| {
        let oldest = match grain {
            Grain::Hour => oldest,
            Grain::Day => oldest.map(|t| Grain::Hour.floor(t)),
        };
        Box::pin(ready(Ok(oldest)))
    });
    let calls = Arc::clone(&log);
    store.expect_roll_up().returning(move |grain, start, after, sites| {
        assert_eq!(sites, 500);
        calls.lock().unwrap().push(Call::RollUp(grain, start, after.map(WebsiteId::get)));
        if Some(start) == failing && after.is_some() {
            return Box::pin(ready(Err(RollupError::Unknown("disk full".into()))));
        }
        let next = match after.map(WebsiteId::get) {
            None => Some(500),
            Some(500) => Some(1000),
            Some(_) => None,
        };
        Box::pin(ready(Ok(next.and_then(|id| WebsiteId::new(id).ok()))))
    });
    let calls = Arc::clone(&log);
    store.expect_set_rolled_through().returning(move |grain, through| {
        calls.lock().unwrap().push(Call::Mark(grain, through));
        Box::pin(ready(Ok(())))
    });
    let calls = Arc::clone(&log);
    store.expect_delete_before().returning(move |what, before, after, _| {
        calls.lock().unwrap().push(Call::Delete(what, before, after.map(WebsiteId::get)));
        let next = match after {
            None => WebsiteId::new(500).ok().map(|id| (id, 7)),
            Some(_) => None,
        };
        Box::pin(ready(Ok(next)))
    });
    (store, log)
}

fn rollups(log: &Log) -> Vec<Call> {
    log.lock().unwrap().iter().filter(|c| !matches!(c, Call::Delete(..))).cloned().collect()
}

#[test]
fn the_first_run_rolls_up_every_complete_hour_batch_by_batch_and_moves_the_marks() {
    let (store, log) =
        logged_store(RollupMarks::default(), Some(datetime!(2026-11-20 10:20 UTC)), None);
    let service = RollupService::new(store, clock(), RetentionPolicy::default());
    let report = block_on(service.run()).unwrap();
    assert_eq!((report.hours_rolled_up, report.days_rolled_up, report.backlog), (3, 0, false));
    let mut expected = vec![Call::Mark(Grain::Hour, datetime!(2026-11-20 10:00 UTC))];
    for hour in [10, 11, 12] {
        let start = datetime!(2026-11-20 00:00 UTC) + time::Duration::hours(hour);
        for after in [None, Some(500), Some(1000)] {
            expected.push(Call::RollUp(Grain::Hour, start, after));
        }
        expected.push(Call::Mark(Grain::Hour, start + time::Duration::HOUR));
    }
    // No whole day has passed since the first check: the daily mark starts at that day.
    expected.push(Call::Mark(Grain::Day, datetime!(2026-11-20 00:00 UTC)));
    assert_eq!(rollups(&log), expected);
}

#[test]
fn the_grace_period_keeps_the_hour_that_just_ended_open() {
    let marks = RollupMarks {
        hourly_through: Some(datetime!(2026-11-20 13:00 UTC)),
        daily_through: Some(datetime!(2026-11-20 00:00 UTC)),
    };
    let (store, log) = logged_store(marks, None, None);
    let policy = RetentionPolicy { grace: time::Duration::minutes(10), ..Default::default() };
    let report = block_on(RollupService::new(store, clock(), policy).run()).unwrap();
    assert_eq!((report.hours_rolled_up, report.days_rolled_up), (0, 0));
    assert_eq!(rollups(&log), vec![]);
}

#[test]
fn days_roll_up_once_their_last_hour_has() {
    let marks = RollupMarks {
        hourly_through: Some(datetime!(2026-11-19 23:00 UTC)),
        daily_through: Some(datetime!(2026-11-18 00:00 UTC)),
    };
    let (store, log) = logged_store(marks, None, None);
    let report =
        block_on(RollupService::new(store, clock(), RetentionPolicy::default()).run()).unwrap();
    assert_eq!((report.hours_rolled_up, report.days_rolled_up), (14, 2));
    let days: Vec<Call> =
        rollups(&log).into_iter().filter(|c| matches!(c, Call::Mark(Grain::Day, _))).collect();
    assert_eq!(
        days,
        vec![
            Call::Mark(Grain::Day, datetime!(2026-11-19 00:00 UTC)),
            Call::Mark(Grain::Day, datetime!(2026-11-20 00:00 UTC)),
        ]
    );
}

#[test]
fn a_backlog_is_worked_off_over_runs_within_the_budget() {
    let marks = RollupMarks {
        hourly_through: Some(datetime!(2026-11-20 08:00 UTC)),
        daily_through: Some(datetime!(2026-11-20 00:00 UTC)),
    };
    let (store, log) = logged_store(marks, None, None);
    let policy = RetentionPolicy { max_buckets_per_run: 2, ..Default::default() };
    let report = block_on(RollupService::new(store, clock(), policy).run()).unwrap();
    assert_eq!((report.hours_rolled_up, report.backlog), (2, true));
    let last_mark = rollups(&log).into_iter().rev().find(|c| matches!(c, Call::Mark(..)));
    assert_eq!(last_mark, Some(Call::Mark(Grain::Hour, datetime!(2026-11-20 10:00 UTC))));
}

#[test]
fn an_interrupted_bucket_leaves_its_mark_where_it_was() {
    let marks = RollupMarks {
        hourly_through: Some(datetime!(2026-11-20 11:00 UTC)),
        daily_through: Some(datetime!(2026-11-20 00:00 UTC)),
    };
    let (store, log) = logged_store(marks, None, Some(datetime!(2026-11-20 12:00 UTC)));
    let error = block_on(RollupService::new(store, clock(), RetentionPolicy::default()).run());
    assert!(matches!(error, Err(RollupError::Unknown(_))));
    let marks: Vec<Call> =
        rollups(&log).into_iter().filter(|c| matches!(c, Call::Mark(..))).collect();
    assert_eq!(marks, vec![Call::Mark(Grain::Hour, datetime!(2026-11-20 12:00 UTC))]);
}

#[test]
fn expired_data_is_deleted_only_where_rolled_up_and_once_per_cutoff() {
    let marks = RollupMarks {
        hourly_through: Some(datetime!(2026-11-20 13:00 UTC)),
        daily_through: Some(datetime!(2026-11-20 00:00 UTC)),
    };
    let (store, log) = logged_store(marks, None, None);
    let service = RollupService::new(store, clock(), RetentionPolicy::default());
    let report = block_on(service.run()).unwrap();
    assert_eq!((report.raw_checks_deleted, report.hourly_rollups_deleted), (7, 7));
    let raw_cutoff = datetime!(2026-10-21 13:00 UTC);
    let hourly_cutoff = datetime!(2026-08-22 00:00 UTC);
    let deletes: Vec<Call> =
        log.lock().unwrap().iter().filter(|c| matches!(c, Call::Delete(..))).cloned().collect();
    assert_eq!(
        deletes,
        vec![
            Call::Delete(Expiring::RawChecks, raw_cutoff, None),
            Call::Delete(Expiring::RawChecks, raw_cutoff, Some(500)),
            Call::Delete(Expiring::HourlyRollups, hourly_cutoff, None),
            Call::Delete(Expiring::HourlyRollups, hourly_cutoff, Some(500)),
        ]
    );
    let again = block_on(service.run()).unwrap();
    assert!(again.is_empty(), "{again:?}");
    assert_eq!(log.lock().unwrap().iter().filter(|c| matches!(c, Call::Delete(..))).count(), 4);

    // Raw checks whose hour is not rolled up yet are kept whatever their age.
    let marks = RollupMarks {
        hourly_through: Some(datetime!(2026-10-01 05:00 UTC)),
        daily_through: Some(datetime!(2026-10-01 00:00 UTC)),
    };
    let (store, log) = logged_store(marks, None, None);
    let policy = RetentionPolicy { max_buckets_per_run: 0, ..Default::default() };
    block_on(RollupService::new(store, clock(), policy).run()).unwrap();
    let first = log.lock().unwrap().iter().find(|c| matches!(c, Call::Delete(..))).cloned();
    assert_eq!(
        first,
        Some(Call::Delete(Expiring::RawChecks, datetime!(2026-10-01 05:00 UTC), None))
    );
}
