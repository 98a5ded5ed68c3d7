//! The check writer: checks and their downtime transitions, batched, on both backends.

use std::sync::Arc;

use lookout_domain::website::FileGuard;
use lookout_domain::{AppliedTransition, CheckRecorder, MonitorCheck, RecordedCheck, WebsiteId};
use lookout_store::CheckWriterOptions;

use crate::*;

pub(crate) fn check(site: WebsiteId, secs: i64, available: bool) -> MonitorCheck {
    MonitorCheck {
        website_id: site,
        timestamp: T0 + time::Duration::seconds(secs),
        status_code: if available { Some(200) } else { None },
        response_time: 0.25,
        is_available: available,
        error_message: if available { None } else { Some("connection refused".into()) },
        in_maintenance: false,
        degraded: false,
        failed_assertion: None,
        phases: None,
        certificate: None,
    }
}

/// The downtime change of a stored check.
pub(crate) fn window(recorded: RecordedCheck) -> Option<AppliedTransition> {
    match recorded {
        RecordedCheck::Stored { window, .. } => Some(window),
        RecordedCheck::SiteGone | RecordedCheck::Buffered => None,
    }
}

on_both_backends!(a_failure_opens_one_window_and_a_success_closes_it, |store, db| {
    let site = store.create_website(&new_site("https://example.com", true), T0).await.unwrap().id;
    let (recorder, writer) = store.spawn_check_writer(CheckWriterOptions::default());
    let record = |secs, ok| recorder.record_check(check(site, secs, ok));
    assert_eq!(window(record(0, true).await.unwrap()), Some(AppliedTransition::Unchanged));
    let opened = T0 + time::Duration::seconds(60);
    assert_eq!(
        window(record(60, false).await.unwrap()),
        Some(AppliedTransition::Opened { at: opened })
    );
    assert_eq!(window(record(120, false).await.unwrap()), Some(AppliedTransition::Unchanged));
    let closed = record(180, true).await.unwrap();
    assert_eq!(
        window(closed),
        Some(AppliedTransition::Closed {
            started: opened,
            ended: T0 + time::Duration::seconds(180),
            duration: std::time::Duration::from_secs(120),
        })
    );
    drop(recorder);
    writer.await.unwrap();
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM monitor_checks").await, 4);
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM monitor_checks WHERE is_available = false AND error_message = 'connection refused' AND status_code IS NULL").await, 2);
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM downtime_windows").await, 1);
    assert_eq!(
        count(&db, "SELECT COUNT(*) AS n FROM downtime_windows WHERE end_time IS NULL").await,
        0
    );
});

on_both_backends!(checks_of_deleted_or_disabled_sites_are_dropped, |store, db| {
    let deleted = store.create_website(&new_site("https://a.example", true), T0).await.unwrap().id;
    let disabled =
        store.create_website(&new_site("https://b.example", false), T0).await.unwrap().id;
    store.delete_website(deleted, FileGuard::Respect).await.unwrap();
    let (recorder, _writer) = store.spawn_check_writer(CheckWriterOptions::default());
    assert_eq!(
        recorder.record_check(check(deleted, 0, false)).await.unwrap(),
        RecordedCheck::SiteGone
    );
    assert_eq!(
        recorder.record_check(check(disabled, 0, false)).await.unwrap(),
        RecordedCheck::SiteGone
    );
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM monitor_checks").await, 0);
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM downtime_windows").await, 0);
});

on_both_backends!(
    many_concurrent_checks_are_all_stored_with_one_open_window_per_site,
    |store, db| {
        let mut sites = Vec::new();
        for n in 0..50 {
            let url = format!("https://site{n}.example");
            sites.push(store.create_website(&new_site(&url, true), T0).await.unwrap().id);
        }
        let (recorder, writer) = store.spawn_check_writer(CheckWriterOptions {
            max_batch: 64,
            queue_capacity: 128,
            ..CheckWriterOptions::default()
        });
        let recorder = Arc::new(recorder);
        let mut tasks = Vec::new();
        for (n, site) in sites.iter().copied().enumerate() {
            let recorder = Arc::clone(&recorder);
            tasks.push(tokio::spawn(async move {
                let mut opened = 0;
                // Each site: 20 checks in time order, down for the middle ten.
                for i in 0..20 {
                    let ok = !(5..15).contains(&i);
                    let secs = i64::try_from(i * 60 + n).unwrap();
                    if let RecordedCheck::Stored {
                        window: AppliedTransition::Opened { .. }, ..
                    } = recorder.record_check(check(site, secs, ok)).await.unwrap()
                    {
                        opened += 1;
                    }
                }
                opened
            }));
        }
        for task in tasks {
            assert_eq!(task.await.unwrap(), 1, "each site went down exactly once");
        }
        drop(recorder);
        writer.await.unwrap();
        assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM monitor_checks").await, 1000);
        assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM downtime_windows").await, 50);
        assert_eq!(
            count(&db, "SELECT COUNT(*) AS n FROM downtime_windows WHERE end_time IS NULL").await,
            0
        );
    }
);

on_both_backends!(an_open_window_survives_a_restart, |store, db| {
    let site = store.create_website(&new_site("https://example.com", true), T0).await.unwrap().id;
    let (recorder, writer) = store.spawn_check_writer(CheckWriterOptions::default());
    recorder.record_check(check(site, 0, false)).await.unwrap();
    drop(recorder);
    writer.await.unwrap();
    drop(store);

    let reopened = open(&db).await;
    let (recorder, _writer) = reopened.spawn_check_writer(CheckWriterOptions::default());
    assert_eq!(
        window(recorder.record_check(check(site, 30, false)).await.unwrap()),
        Some(AppliedTransition::Unchanged)
    );
    let closed = recorder.record_check(check(site, 90, true)).await.unwrap();
    assert!(
        matches!(closed, RecordedCheck::Stored { window: AppliedTransition::Closed { started, .. }, .. } if started == T0)
    );
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM downtime_windows").await, 1);
});
