//! Status pages: a page and its sites in order, a slug taken once, unknown sites refused with
//! nothing written, renames, and a deleted site leaving its pages.

use lookout_domain::status_pages::{
    StatusPageDraft, StatusPagePatch, StatusPageRepository, StatusPageSlug, StatusPageWriteError,
};
use lookout_domain::website::{FileGuard, Guarded};

use crate::*;

pub(crate) fn spec(
    slug: &str,
    sites: &[WebsiteId],
) -> lookout_domain::status_pages::StatusPageSpec {
    StatusPageDraft {
        slug: Some(slug.into()),
        title: Some("Shop".into()),
        description: Some(Some("Our shop".into())),
        websites: Some(sites.iter().map(|id| id.get()).collect()),
    }
    .into_spec()
    .unwrap()
}

on_both_backends!(status_pages_keep_their_sites_in_order_and_their_slug_unique, |store, db| {
    let a = store.create_website(&new_site("https://a.example", true), T0).await.unwrap().id;
    let b = store.create_website(&new_site("https://b.example", true), T0).await.unwrap().id;
    let page = store.create_status_page(&spec("shop", &[b, a]), T0).await.unwrap();
    assert_eq!(page.websites, [b, a]);
    assert_eq!((page.slug.as_str(), page.description.as_deref()), ("shop", Some("Our shop")));
    assert!(matches!(
        store.create_status_page(&spec("shop", &[a]), T0).await,
        Err(StatusPageWriteError::DuplicateSlug)
    ));
    let ghost = WebsiteId::new(9999).unwrap();
    match store.create_status_page(&spec("other", &[a, ghost]), T0).await {
        Err(StatusPageWriteError::UnknownWebsites(ids)) => assert_eq!(ids, [ghost]),
        other => panic!("{other:?}"),
    }
    assert_eq!(store.list_status_pages().await.unwrap().len(), 1, "nothing of the refused page");

    let renamed = StatusPagePatch {
        slug: Some(StatusPageSlug::parse("shop-eu").unwrap()),
        websites: Some(vec![a]),
        description: Some(None),
        ..StatusPagePatch::default()
    };
    let shop = StatusPageSlug::parse("shop").unwrap();
    let page = store.update_status_page(&shop, &renamed, T1, FileGuard::Respect).await.unwrap();
    let Guarded::Done(page) = page else { panic!("{page:?}") };
    assert_eq!(
        (page.slug.as_str(), page.websites.as_slice(), page.description),
        ("shop-eu", &[a][..], None)
    );
    assert_eq!(page.updated_at, T1);
    assert!(store.get_status_page(&shop).await.unwrap().is_none(), "moved");
    assert_eq!(
        store.update_status_page(&shop, &renamed, T1, FileGuard::Respect).await.unwrap(),
        Guarded::NotFound
    );

    let eu = StatusPageSlug::parse("shop-eu").unwrap();
    store.delete_website(a, FileGuard::Respect).await.unwrap();
    assert_eq!(
        store.get_status_page(&eu).await.unwrap().unwrap().websites,
        [],
        "a deleted site leaves"
    );
    assert_eq!(store.delete_status_page(&eu, FileGuard::Respect).await.unwrap(), Guarded::Done(()));
    assert_eq!(store.delete_status_page(&eu, FileGuard::Respect).await.unwrap(), Guarded::NotFound);
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM status_page_sites").await, 0);
});
