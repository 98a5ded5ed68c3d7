//! Managing status pages against the mocked store: a page a document manages is changed or
//! deleted only under `FileGuard::Force`.

use futures::executor::block_on;
use mockall::predicate::{always, eq};
use time::OffsetDateTime;
use time::macros::datetime;

use super::*;
use crate::MockClock;
use crate::manifest::Owner;
use crate::mock_store::MockStore;
use crate::website::MockSchedule;

const NOW: OffsetDateTime = datetime!(2026-12-10 12:00 UTC);

fn slug() -> StatusPageSlug {
    StatusPageSlug::parse("shop").unwrap()
}

fn owner() -> Owner {
    Owner::parse("file:pages.yaml").unwrap()
}

fn page(title: &str) -> StatusPage {
    StatusPage {
        id: 1,
        slug: slug(),
        title: title.into(),
        description: None,
        websites: Vec::new(),
        managed: None,
        created_at: NOW,
        updated_at: NOW,
    }
}

/// The store's answer for a page `file:pages.yaml` manages.
fn guarded<T>(guard: FileGuard, done: T) -> Guarded<T> {
    match guard {
        FileGuard::Respect => Guarded::ManagedByFile(owner()),
        FileGuard::Force => Guarded::Done(done),
    }
}

fn service(store: MockStore) -> impl StatusPages {
    let mut clock = MockClock::new();
    clock.expect_now().return_const(NOW);
    WebsiteService::new(store, MockSchedule::new(), clock)
}

#[test]
fn a_managed_page_is_changed_only_when_forced() {
    let mut store = MockStore::new();
    store
        .expect_update_status_page()
        .with(eq(slug()), always(), eq(NOW), always())
        .times(2)
        .returning(|_, patch, _, guard| {
            let answer = guarded(guard, page(patch.title.as_deref().unwrap_or_default()));
            Box::pin(async move { Ok(answer) })
        });
    let service = service(store);
    let patch = || StatusPagePatch { title: Some("Shop".into()), ..StatusPagePatch::default() };
    let refused = block_on(service.update_status_page(slug(), patch(), FileGuard::Respect));
    assert!(
        matches!(&refused, Err(UpdateStatusPageError::ManagedByFile(by)) if *by == owner()),
        "{refused:?}"
    );
    let changed = block_on(service.update_status_page(slug(), patch(), FileGuard::Force));
    assert_eq!(changed.unwrap().title, "Shop");
}

#[test]
fn a_managed_page_is_deleted_only_when_forced() {
    let mut store = MockStore::new();
    store.expect_delete_status_page().times(2).returning(|_, guard| {
        let answer = guarded(guard, ());
        Box::pin(async move { Ok(answer) })
    });
    let service = service(store);
    let refused = block_on(service.delete_status_page(slug(), FileGuard::Respect));
    assert!(matches!(refused, Err(DeleteStatusPageError::ManagedByFile(_))), "{refused:?}");
    block_on(service.delete_status_page(slug(), FileGuard::Force)).unwrap();
}
