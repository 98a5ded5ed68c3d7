use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::executor::block_on;
use time::macros::datetime;

use super::*;
use crate::MockClock;
use crate::WebsiteId;
use crate::maintenance::{MaintenanceSpec, MaintenanceWriteError, MockMaintenanceRepository};
use crate::manifest::Owner;

const NOW: time::OffsetDateTime = datetime!(2026-12-04 12:00 UTC);

fn clock() -> MockClock {
    let mut clock = MockClock::new();
    clock.expect_now().return_const(NOW);
    clock
}

fn draft() -> MaintenanceDraft {
    MaintenanceDraft {
        name: Some("upgrade".into()),
        websites: Some(vec![4]),
        starts_at: Some(datetime!(2026-12-05 02:00 UTC)),
        ends_at: Some(datetime!(2026-12-05 03:00 UTC)),
        ..MaintenanceDraft::default()
    }
}

fn stored(spec: &MaintenanceSpec) -> MaintenanceWindow {
    MaintenanceWindow {
        id: MaintenanceId::MIN,
        spec: spec.clone(),
        managed: None,
        created_at: NOW,
        updated_at: NOW,
    }
}

#[test]
fn a_created_window_is_announced_and_a_bad_one_never_reaches_storage() {
    let mut repository = MockMaintenanceRepository::new();
    repository.expect_create_maintenance().times(1).returning(|spec, _| {
        let window = stored(spec);
        Box::pin(async move { Ok(window) })
    });
    let told = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&told);
    let service = MaintenanceService::new(repository, clock()).on_change(Arc::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
    }));
    let window = block_on(service.create_maintenance(draft())).unwrap();
    assert_eq!(window.spec.name, "upgrade");
    assert_eq!(told.load(Ordering::SeqCst), 1);
    let bad = MaintenanceDraft { ends_at: Some(datetime!(2026-12-05 01:00 UTC)), ..draft() };
    let error = block_on(service.create_maintenance(bad)).unwrap_err();
    assert!(matches!(error, CreateMaintenanceError::Invalid(e) if e.field == "ends_at"));
    assert_eq!(told.load(Ordering::SeqCst), 1);
}

#[test]
fn unknown_sites_and_missing_windows_are_their_own_errors() {
    let mut repository = MockMaintenanceRepository::new();
    repository.expect_create_maintenance().returning(|_, _| {
        Box::pin(async {
            Err(MaintenanceWriteError::UnknownWebsites(vec![WebsiteId::new(4).unwrap()]))
        })
    });
    repository.expect_get_maintenance().returning(|_| Box::pin(async { Ok(None) }));
    repository
        .expect_delete_maintenance()
        .returning(|_, _| Box::pin(async { Ok(Guarded::NotFound) }));
    let service = MaintenanceService::new(repository, clock());
    let error = block_on(service.create_maintenance(draft())).unwrap_err();
    assert_eq!(error.to_string(), "unknown website ids: 4");
    let id = MaintenanceId::new(9).unwrap();
    assert!(matches!(block_on(service.get_maintenance(id)), Err(GetMaintenanceError::NotFound(_))));
    let patch = MaintenanceDraft::default();
    assert!(matches!(
        block_on(service.update_maintenance(id, patch, FileGuard::Respect)),
        Err(UpdateMaintenanceError::NotFound(_))
    ));
    assert!(matches!(
        block_on(service.delete_maintenance(id, FileGuard::Respect)),
        Err(DeleteMaintenanceError::NotFound(_))
    ));
}

/// The repository's answer for a window `file:ops.yaml` manages: refused under `Respect`, made
/// under `Force`.
fn guarded<T>(guard: FileGuard, done: T) -> Guarded<T> {
    match guard {
        FileGuard::Respect => Guarded::ManagedByFile(Owner::parse("file:ops.yaml").unwrap()),
        FileGuard::Force => Guarded::Done(done),
    }
}

#[test]
fn a_window_a_document_manages_is_changed_or_deleted_only_when_forced() {
    let mut repository = MockMaintenanceRepository::new();
    let spec = draft().parse().unwrap();
    let window = stored(&spec);
    repository.expect_get_maintenance().returning(move |_| {
        let window = window.clone();
        Box::pin(async move { Ok(Some(window)) })
    });
    repository.expect_update_maintenance().times(2).returning(|_, spec, _, guard| {
        let answer = guarded(guard, stored(spec));
        Box::pin(async move { Ok(answer) })
    });
    repository.expect_delete_maintenance().times(2).returning(|_, guard| {
        let answer = guarded(guard, ());
        Box::pin(async move { Ok(answer) })
    });
    let told = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&told);
    let service = MaintenanceService::new(repository, clock()).on_change(Arc::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
    }));
    let id = MaintenanceId::MIN;
    let patch = || MaintenanceDraft { name: Some("renamed".into()), ..MaintenanceDraft::default() };
    let refused = block_on(service.update_maintenance(id, patch(), FileGuard::Respect));
    assert!(
        matches!(&refused, Err(UpdateMaintenanceError::ManagedByFile(owner)) if owner.as_str() == "file:ops.yaml"),
        "{refused:?}"
    );
    let refused = block_on(service.delete_maintenance(id, FileGuard::Respect));
    assert!(matches!(refused, Err(DeleteMaintenanceError::ManagedByFile(_))), "{refused:?}");
    assert_eq!(told.load(Ordering::SeqCst), 0, "nothing changed, nothing announced");
    let window = block_on(service.update_maintenance(id, patch(), FileGuard::Force)).unwrap();
    assert_eq!(window.spec.name, "renamed");
    block_on(service.delete_maintenance(id, FileGuard::Force)).unwrap();
    assert_eq!(told.load(Ordering::SeqCst), 2);
}
