//! Applying a document: dry runs and no-ops write nothing, a stale plan is made again, the
//! schedule hears of every change.

use std::future::ready;

use futures::executor::block_on;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use time::macros::datetime;

use super::*;
use crate::MockClock;
use crate::manifest::{
    ChannelWrite, Declared, DeclaredSite, Document, ItemKey, Managed, Owner, PlanError,
    PlanProblem, StoredItems,
};
use crate::mock_store::{MockStore, website};
use crate::website::{MockSchedule, WebsiteService};
use crate::{NewWebsite, WebsiteId, WebsiteUrl};

const NOW: time::OffsetDateTime = datetime!(2026-12-06 12:00 UTC);

fn clock() -> MockClock {
    let mut clock = MockClock::new();
    clock.expect_now().return_const(NOW);
    clock
}

fn options(dry_run: bool) -> ApplyOptions {
    ApplyOptions { owner: Owner::file("sites.yaml").unwrap(), prune: true, dry_run }
}

fn document(urls: &[&str]) -> Document {
    let websites = urls
        .iter()
        .map(|url| {
            let mut item: DeclaredSite = new_like(website(WebsiteId::MIN, NOW));
            item.url = WebsiteUrl::parse(url).unwrap();
            Declared { key: ItemKey::parse(url).unwrap(), adopt: false, item }
        })
        .collect();
    Document { websites, ..Document::default() }
}

fn new_like(site: crate::Website) -> DeclaredSite {
    assert!(site.alerts.is_none());
    NewWebsite {
        url: site.url,
        name: site.name,
        enabled: site.enabled,
        check_interval: site.check_interval,
        alerts: None,
        check: site.check,
        public: site.public,
        regions: site.regions,
    }
}

fn managed_site(id: i64, url: &str) -> crate::Website {
    let mut site = website(WebsiteId::new(id).unwrap(), NOW);
    site.url = WebsiteUrl::parse(url).unwrap();
    site.managed =
        Some(Managed { by: Owner::file("sites.yaml").unwrap(), key: ItemKey::parse(url).unwrap() });
    site
}

fn listing(store: &mut MockStore, websites: Vec<crate::Website>) {
    let stored = StoredItems { websites, ..StoredItems::default() };
    store.expect_stored_items().returning(move || Box::pin(ready(Ok(stored.clone()))));
}

fn untouched() -> MockSchedule {
    let mut schedule = MockSchedule::new();
    schedule.expect_add().never();
    schedule.expect_remove().never();
    schedule.expect_reschedule().never();
    schedule
}

#[test]
fn a_dry_run_and_a_plan_with_nothing_to_do_write_nothing() {
    block_on(async {
        let mut store = MockStore::new();
        listing(&mut store, vec![managed_site(1, "https://a.example")]);
        store.expect_write().never();
        let service = WebsiteService::new(store, untouched(), clock());

        let dry = service.apply(document(&["https://b.example"]), options(true)).await.unwrap();
        assert!(!dry.applied && dry.plan.has_changes());
        assert_eq!(dry.plan.counts(), (1, 0, 1));

        let same = service.apply(document(&["https://a.example"]), options(false)).await.unwrap();
        assert!(!same.applied && !same.plan.has_changes());
    });
}

#[test]
fn deletes_come_before_creates_and_the_schedule_follows() {
    block_on(async {
        let mut store = MockStore::new();
        listing(&mut store, vec![managed_site(1, "https://a.example")]);
        let created = managed_site(2, "https://b.example");
        let made = created.clone();
        store
            .expect_write()
            .withf(|writes, now| {
                *now == NOW
                    && matches!(&writes.sites[..], [SiteWrite::Delete { id, .. }, SiteWrite::Create { managed, .. }]
                        if id.get() == 1 && managed.key.as_str() == "https://b.example")
            })
            .times(1)
            .returning(move |_, _| {
                let written = vec![SiteWritten::Deleted(WebsiteId::MIN), SiteWritten::Created(Box::new(made.clone()))];
                Box::pin(ready(Ok(written)))
            });
        let mut schedule = MockSchedule::new();
        schedule
            .expect_remove()
            .withf(|id| id.get() == 1)
            .times(1)
            .returning(|_| Box::pin(ready(())));
        schedule
            .expect_add()
            .withf(|site| site.id.get() == 2)
            .times(1)
            .returning(|_| Box::pin(ready(())));
        let service = WebsiteService::new(store, schedule, clock());

        let report = service.apply(document(&["https://b.example"]), options(false)).await.unwrap();
        assert!(report.applied);
    });
}

#[test]
fn a_stale_plan_is_made_again_and_a_busy_store_gives_up() {
    block_on(async {
        let mut store = MockStore::new();
        let reads = Arc::new(AtomicUsize::new(0));
        let counted = reads.clone();
        store.expect_stored_items().returning(move || {
            counted.fetch_add(1, Ordering::SeqCst);
            let websites = vec![managed_site(1, "https://a.example")];
            Box::pin(ready(Ok(StoredItems { websites, ..StoredItems::default() })))
        });
        store
            .expect_write()
            .times(3)
            .returning(|_, _| Box::pin(ready(Err(ManifestWriteError::Stale))));
        let service = WebsiteService::new(store, untouched(), clock());

        let error =
            service.apply(document(&["https://b.example"]), options(false)).await.unwrap_err();
        assert!(matches!(error, ApplyError::Contended), "{error:?}");
        assert_eq!(reads.load(Ordering::SeqCst), 3, "each attempt plans against a fresh read");
    });
}

#[test]
fn an_unknown_channel_names_its_item_and_a_private_address_is_refused_first() {
    block_on(async {
        let mut store = MockStore::new();
        listing(&mut store, Vec::new());
        store.expect_write().returning(|_, _| {
            let ids = vec![crate::alerting::ChannelId::new(9).unwrap()];
            Box::pin(ready(Err(ManifestWriteError::UnknownChannels { at: 1, ids })))
        });
        let service = WebsiteService::new(store, untouched(), clock());

        let two = document(&["https://a.example", "https://b.example"]);
        let ApplyError::Invalid(errors) = service.apply(two, options(false)).await.unwrap_err()
        else {
            panic!("not invalid");
        };
        assert!(
            matches!(
                &errors[..],
                [PlanError { index: Some(1), problem: PlanProblem::UnknownChannels { .. }, .. }]
            ),
            "{errors:?}"
        );

        let private = document(&["http://10.0.0.1/"]);
        let ApplyError::Invalid(errors) = service.apply(private, options(false)).await.unwrap_err()
        else {
            panic!("not invalid");
        };
        assert!(matches!(
            &errors[..],
            [PlanError { index: Some(0), problem: PlanProblem::BlockedAddress { .. }, .. }]
        ));
    });
}

fn slack(name: &str) -> crate::alerting::NewChannel {
    crate::alerting::NewChannel {
        name: crate::alerting::ChannelName::parse(name).unwrap(),
        config: crate::alerting::ChannelConfig::Slack {
            webhook_url: crate::alerting::Secret::new("https://hooks.slack.com/services/T/B/x"),
        },
        is_default: false,
    }
}

#[test]
fn a_new_channel_is_written_before_the_site_that_names_it_by_key() {
    use crate::manifest::ChannelRef;
    block_on(async {
        let mut store = MockStore::new();
        listing(&mut store, Vec::new());
        store
            .expect_write()
            .withf(|writes, _| {
                let named = |site: &DeclaredSite| {
                    site.alerts.as_ref().and_then(|a| a.channels.clone())
                        == Some(vec![ChannelRef::Key(ItemKey::parse("ops").unwrap())])
                };
                matches!(&writes.channels[..], [ChannelWrite::Create { managed, .. }]
                    if managed.key.as_str() == "ops")
                    && matches!(&writes.sites[..], [SiteWrite::Create { site, .. }] if named(site))
            })
            .times(1)
            .returning(|_, _| Box::pin(ready(Ok(Vec::new()))));
        let service = WebsiteService::new(store, untouched(), clock());
        let mut document = document(&["https://a.example"]);
        document.websites[0].item.alerts = Some(crate::alerting::AlertPolicy {
            channels: Some(vec![ChannelRef::Key(ItemKey::parse("ops").unwrap())]),
            ..Default::default()
        });
        document.channels = vec![Declared {
            key: ItemKey::parse("ops").unwrap(),
            adopt: false,
            item: slack("Ops"),
        }];
        let report = service.apply(document, options(false)).await.unwrap();
        assert!(report.applied);
        assert_eq!(report.plan.counts(), (2, 0, 0));
    });
}

#[test]
fn a_pruned_channel_still_in_use_is_refused_on_the_channels_list() {
    use crate::alerting::{Channel, ChannelId};
    block_on(async {
        let mut store = MockStore::new();
        let channel = Channel {
            id: ChannelId::new(3).unwrap(),
            name: crate::alerting::ChannelName::parse("Ops").unwrap(),
            config: slack("Ops").config,
            is_default: false,
            managed: Some(Managed {
                by: Owner::file("sites.yaml").unwrap(),
                key: ItemKey::parse("ops").unwrap(),
            }),
            created_at: NOW,
            updated_at: NOW,
        };
        let stored = StoredItems { channels: vec![channel], ..StoredItems::default() };
        store.expect_stored_items().returning(move || Box::pin(ready(Ok(stored.clone()))));
        store.expect_write().times(1).returning(|writes, _| {
            assert!(matches!(&writes.channels[..], [ChannelWrite::Delete { .. }]));
            let websites = vec![WebsiteId::new(7).unwrap()];
            let id = ChannelId::new(3).unwrap();
            Box::pin(ready(Err(ManifestWriteError::ChannelInUse { id, websites })))
        });
        let service = WebsiteService::new(store, untouched(), clock());
        let ApplyError::Invalid(errors) =
            service.apply(Document::default(), options(false)).await.unwrap_err()
        else {
            panic!("not invalid");
        };
        assert_eq!((errors[0].list, errors[0].index), ("channels", None));
        assert_eq!(
            errors[0].to_string(),
            "channel \"ops\" is no longer declared but websites 7 still name it in their alerts; \
             take it out of their alerts first"
        );
    });
}
