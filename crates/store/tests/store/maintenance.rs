//! Maintenance windows in the store: round trips of both kinds, unknown sites refused with
//! nothing written, sites leaving with their windows, and a silenced check stored marked and
//! opening no incident in the check's transaction.

use lookout_domain::CheckRecorder;
use lookout_domain::alerting::ChannelRepository;
use lookout_domain::history::{CheckHistory, PageLimit, TimeRange};
use lookout_domain::maintenance::{
    MaintenanceDraft, MaintenanceRepository, MaintenanceScope, MaintenanceWriteError,
};
use lookout_domain::website::{FileGuard, Guarded};
use lookout_store::CheckWriterOptions;

use crate::checks::check;
use crate::*;

pub(crate) fn weekly(sites: Vec<i64>) -> MaintenanceDraft {
    MaintenanceDraft {
        name: Some("weekly patching".into()),
        websites: Some(sites),
        mode: Some("pause".into()),
        schedule: Some("30 2 * * sun".into()),
        duration_secs: Some(5400),
        timezone: Some("Europe/Berlin".into()),
        from: Some(T0),
        ..MaintenanceDraft::default()
    }
}

on_both_backends!(windows_round_trip_and_unknown_sites_write_nothing, |store, db| {
    let a = store.create_website(&new_site("https://a.example.com", true), T0).await.unwrap().id;
    let b = store.create_website(&new_site("https://b.example.com", true), T0).await.unwrap().id;
    let spec = weekly(vec![b.get(), a.get()]).parse().unwrap();
    let created = store.create_maintenance(&spec, T0).await.unwrap();
    assert_eq!(created.spec, spec);
    assert_eq!(store.get_maintenance(created.id).await.unwrap(), Some(created.clone()));

    let once = MaintenanceDraft {
        name: Some("upgrade".into()),
        all: Some(true),
        starts_at: Some(T1),
        ends_at: Some(T1 + time::Duration::hours(2)),
        ..MaintenanceDraft::default()
    }
    .parse()
    .unwrap();
    let updated =
        store.update_maintenance(created.id, &once, T1, FileGuard::Respect).await.unwrap();
    let Guarded::Done(updated) = updated else { panic!("{updated:?}") };
    assert_eq!((updated.spec.clone(), updated.created_at), (once, created.created_at));
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM maintenance_websites").await, 0);

    let unknown = weekly(vec![a.get(), 9999]).parse().unwrap();
    match store.create_maintenance(&unknown, T0).await {
        Err(MaintenanceWriteError::UnknownWebsites(ids)) => {
            assert_eq!(ids, vec![WebsiteId::new(9999).unwrap()]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(store.list_maintenance().await.unwrap().len(), 1, "nothing written");
    assert_eq!(
        store.delete_maintenance(updated.id, FileGuard::Respect).await.unwrap(),
        Guarded::Done(())
    );
    assert_eq!(
        store.delete_maintenance(updated.id, FileGuard::Respect).await.unwrap(),
        Guarded::NotFound
    );
});

on_both_backends!(a_deleted_site_leaves_its_windows, |store, _db| {
    let a = store.create_website(&new_site("https://a.example.com", true), T0).await.unwrap().id;
    let b = store.create_website(&new_site("https://b.example.com", true), T0).await.unwrap().id;
    let spec = weekly(vec![a.get(), b.get()]).parse().unwrap();
    let window = store.create_maintenance(&spec, T0).await.unwrap();
    store.delete_website(a, FileGuard::Respect).await.unwrap();
    let left = store.get_maintenance(window.id).await.unwrap().unwrap();
    assert_eq!(left.spec.scope, MaintenanceScope::Websites(vec![b]));
    // With its last site gone it covers nothing, and every read still works.
    store.delete_website(b, FileGuard::Respect).await.unwrap();
    let left = store.get_maintenance(window.id).await.unwrap().unwrap();
    assert_eq!(left.spec.scope, MaintenanceScope::Websites(vec![]));
    assert_eq!(store.list_maintenance().await.unwrap().len(), 1);
});

on_both_backends!(a_silenced_check_is_stored_marked_and_opens_no_incident, |store, db| {
    store.create_channel(&crate::alerts::webhook("ops", true), T0).await.unwrap();
    let site = store.create_website(&new_site("https://example.com", true), T0).await.unwrap().id;
    let (recorder, writer) = store.spawn_check_writer(CheckWriterOptions::default());
    for secs in [0, 30, 60] {
        let mut failed = check(site, secs, false);
        failed.in_maintenance = true;
        recorder.record_check(failed).await.unwrap();
    }
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM incidents").await, 0);
    // The window is over and the site still down: the next failure opens the incident.
    recorder.record_check(check(site, 90, false)).await.unwrap();
    drop(recorder);
    writer.await.unwrap();
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM incidents").await, 1);
    let page = store
        .list_checks(site, TimeRange::default(), PageLimit::new(10).unwrap(), None, None)
        .await;
    let marks: Vec<bool> = page.unwrap().checks.iter().map(|c| c.check.in_maintenance).collect();
    assert_eq!(marks, vec![false, true, true, true], "newest first");
});
