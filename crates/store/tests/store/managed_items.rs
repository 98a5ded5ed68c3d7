//! Channels, maintenance windows and status pages a document manages (issue 16): the mark is
//! read back; a hand edit or deletion is refused under `FileGuard::Respect` with nothing
//! changed and made under `Force`; one key per document; a mark that does not parse is a
//! storage error.

use lookout_domain::alerting::{ChannelDeletion, ChannelName, ChannelPatch, ChannelRepository};
use lookout_domain::maintenance::MaintenanceRepository;
use lookout_domain::manifest::{ItemKey, Managed, Owner};
use lookout_domain::status_pages::{StatusPagePatch, StatusPageRepository, StatusPageSlug};
use lookout_domain::website::{FileGuard, Guarded};
use lookout_store::test_support::TestDatabase;

use crate::alerts::webhook;
use crate::maintenance::weekly;
use crate::status_pages::spec;
use crate::*;

fn owner() -> Owner {
    Owner::parse("file:ops.yaml").unwrap()
}

fn managed(key: &str) -> Managed {
    Managed { by: owner(), key: ItemKey::parse(key).unwrap() }
}

/// Marks row `id` of `table` as `file:ops.yaml`'s item `key`.
async fn mark(db: &TestDatabase, table: &str, id: i64, key: &str) -> Result<(), String> {
    let sql = format!(
        "UPDATE {table} SET managed_by = 'file:ops.yaml', managed_key = '{key}' WHERE id = {id}"
    );
    db.execute(&sql).await.map_err(|e| e.to_string())
}

on_both_backends!(a_managed_channel_is_changed_or_deleted_only_when_forced, |store, db| {
    let ops = store.create_channel(&webhook("ops", false), T0).await.unwrap();
    let other = store.create_channel(&webhook("other", false), T0).await.unwrap();
    assert_eq!(ops.managed, None, "made through the API");
    mark(&db, "channels", ops.id.get(), "ops").await.unwrap();
    assert!(mark(&db, "channels", other.id.get(), "ops").await.is_err(), "one key per document");
    assert_eq!(store.get_channel(ops.id).await.unwrap().unwrap().managed, Some(managed("ops")));

    let patch =
        ChannelPatch { name: Some(ChannelName::parse("renamed").unwrap()), ..Default::default() };
    let refused = store.update_channel(ops.id, &patch, T1, FileGuard::Respect).await.unwrap();
    assert_eq!(refused, Guarded::ManagedByFile(owner()));
    assert_eq!(store.get_channel(ops.id).await.unwrap().unwrap().name.as_str(), "ops");
    assert_eq!(
        store.delete_channel(ops.id, true, FileGuard::Respect).await.unwrap(),
        ChannelDeletion::ManagedByFile(owner()),
        "force (in use by policies) is not the file guard"
    );
    let Guarded::Done(changed) =
        store.update_channel(ops.id, &patch, T1, FileGuard::Force).await.unwrap()
    else {
        panic!("a forced edit is made");
    };
    assert_eq!((changed.name.as_str(), changed.managed), ("renamed", Some(managed("ops"))));
    assert_eq!(
        store.delete_channel(ops.id, false, FileGuard::Force).await.unwrap(),
        ChannelDeletion::Deleted
    );
    let gone = store.update_channel(ops.id, &patch, T1, FileGuard::Force).await.unwrap();
    assert_eq!(gone, Guarded::NotFound);

    db.execute(&format!("UPDATE channels SET managed_key = 'x' WHERE id = {}", other.id.get()))
        .await
        .unwrap();
    assert!(store.get_channel(other.id).await.is_err(), "a key without its owner is corrupt");
});

on_both_backends!(a_managed_window_is_changed_or_deleted_only_when_forced, |store, db| {
    let site = store.create_website(&new_site("https://a.example.com", true), T0).await.unwrap();
    let spec = weekly(vec![site.id.get()]).parse().unwrap();
    let window = store.create_maintenance(&spec, T0).await.unwrap();
    assert_eq!(window.managed, None);
    mark(&db, "maintenance_windows", window.id.get(), "patching").await.unwrap();
    let read = store.get_maintenance(window.id).await.unwrap().unwrap();
    assert_eq!(read.managed, Some(managed("patching")));

    let mut renamed = spec.clone();
    renamed.name = "renamed".into();
    let refused = store.update_maintenance(window.id, &renamed, T1, FileGuard::Respect).await;
    assert_eq!(refused.unwrap(), Guarded::ManagedByFile(owner()));
    let refused = store.delete_maintenance(window.id, FileGuard::Respect).await.unwrap();
    assert_eq!(refused, Guarded::ManagedByFile(owner()));
    assert_eq!(store.get_maintenance(window.id).await.unwrap(), Some(read), "nothing changed");

    let forced = store.update_maintenance(window.id, &renamed, T1, FileGuard::Force).await;
    let Guarded::Done(forced) = forced.unwrap() else { panic!("a forced edit is made") };
    assert_eq!((forced.spec.name.as_str(), forced.managed), ("renamed", Some(managed("patching"))));
    let deleted = store.delete_maintenance(window.id, FileGuard::Force).await.unwrap();
    assert_eq!(deleted, Guarded::Done(()));
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM maintenance_websites").await, 0);
});

on_both_backends!(a_managed_status_page_is_changed_or_deleted_only_when_forced, |store, db| {
    let page = store.create_status_page(&spec("shop", &[]), T0).await.unwrap();
    assert_eq!(page.managed, None);
    mark(&db, "status_pages", page.id, "shop").await.unwrap();
    let slug = StatusPageSlug::parse("shop").unwrap();
    let read = store.get_status_page(&slug).await.unwrap().unwrap();
    assert_eq!(read.managed, Some(managed("shop")));

    let patch = StatusPagePatch { title: Some("Renamed".into()), ..StatusPagePatch::default() };
    let refused = store.update_status_page(&slug, &patch, T1, FileGuard::Respect).await;
    assert_eq!(refused.unwrap(), Guarded::ManagedByFile(owner()));
    let refused = store.delete_status_page(&slug, FileGuard::Respect).await.unwrap();
    assert_eq!(refused, Guarded::ManagedByFile(owner()));
    assert_eq!(store.get_status_page(&slug).await.unwrap(), Some(read), "nothing changed");

    let forced = store.update_status_page(&slug, &patch, T1, FileGuard::Force).await;
    let Guarded::Done(forced) = forced.unwrap() else { panic!("a forced edit is made") };
    assert_eq!((forced.title.as_str(), forced.managed), ("Renamed", Some(managed("shop"))));
    assert_eq!(store.delete_status_page(&slug, FileGuard::Force).await.unwrap(), Guarded::Done(()));
    let gone = store.delete_status_page(&slug, FileGuard::Force).await.unwrap();
    assert_eq!(gone, Guarded::NotFound);
});
