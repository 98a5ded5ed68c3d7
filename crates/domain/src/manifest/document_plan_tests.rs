//! A document's channels: matched by key then name, secrets kept through `"***"`, a kind that
//! cannot change; sites naming channels by key.

use time::macros::datetime;

use super::*;
use crate::alerting::{
    AlertPolicy, Channel, ChannelConfig, ChannelName, Escalation, NewChannel, Secret,
};
use crate::manifest::{
    ChannelField, ChannelRef, DeclaredMaintenance, DeclaredSite, DeclaredStatusPage, Managed,
    PlanProblem, Ref, SiteRef, Step,
};
use crate::mock_store::website;
use crate::{NewWebsite, WebsiteId, WebsiteUrl};

const AT: time::OffsetDateTime = datetime!(2026-12-01 00:00 UTC);

fn owner() -> Owner {
    Owner::file("sites.yaml").unwrap()
}

fn key(raw: &str) -> ItemKey {
    ItemKey::parse(raw).unwrap()
}

fn slack(name: &str, url: &str) -> NewChannel {
    NewChannel {
        name: ChannelName::parse(name).unwrap(),
        config: ChannelConfig::Slack { webhook_url: Secret::new(url) },
        is_default: false,
    }
}

fn stored_channel(id: i64, new: NewChannel, managed_as: Option<&str>) -> Channel {
    Channel {
        id: ChannelId::new(id).unwrap(),
        name: new.name,
        config: new.config,
        is_default: new.is_default,
        managed: managed_as.map(|k| Managed { by: owner(), key: key(k) }),
        created_at: AT,
        updated_at: AT,
    }
}

fn declared<T>(k: &str, item: T) -> Declared<T> {
    Declared { key: key(k), adopt: false, item }
}

fn site_naming(url: &str, channels: Vec<ChannelRef>) -> Declared<DeclaredSite> {
    let site = website(WebsiteId::MIN, AT);
    let item = NewWebsite {
        url: WebsiteUrl::parse(url).unwrap(),
        name: site.name,
        enabled: true,
        check_interval: site.check_interval,
        alerts: Some(AlertPolicy {
            channels: Some(channels.clone()),
            escalate: Some(vec![Escalation { after_secs: 600, channels }]),
            ..AlertPolicy::default()
        }),
        check: site.check,
        public: false,
        regions: site.regions,
    };
    declared(url, item)
}

fn plan(document: &Document, stored: &StoredItems) -> Result<Plan, Vec<PlanError>> {
    plan_document(document, stored, &owner(), true)
}

#[test]
fn a_channel_is_created_then_unchanged_and_its_masked_secret_is_kept() {
    let document = Document {
        channels: vec![declared("ops", slack("Ops", "https://hooks.slack.com/services/T/B/x"))],
        ..Document::default()
    };
    let made = plan(&document, &StoredItems::default()).unwrap();
    assert!(matches!(&made.channels[..], [Step::Create { index: 0, .. }]));

    let stored = StoredItems {
        channels: vec![stored_channel(
            3,
            slack("Ops", "https://hooks.slack.com/services/T/B/x"),
            Some("ops"),
        )],
        ..StoredItems::default()
    };
    let masked =
        Document { channels: vec![declared("ops", slack("Ops", "***"))], ..Document::default() };
    let same = plan(&masked, &stored).unwrap();
    assert!(matches!(&same.channels[..], [Step::Unchanged { managed: true, .. }]), "{same:?}");
    assert!(!same.has_changes());

    let renamed = Document {
        channels: vec![declared("ops", slack("Ops team", "***"))],
        ..Document::default()
    };
    let steps = plan(&renamed, &stored).unwrap().channels;
    let [Step::Update { fields, item, .. }] = &steps[..] else { panic!("{steps:?}") };
    assert_eq!(fields, &[ChannelField::Name]);
    assert_eq!(
        item.config,
        ChannelConfig::Slack { webhook_url: Secret::new("https://hooks.slack.com/services/T/B/x") },
        "the stored secret is written back, never \"***\""
    );
}

#[test]
fn a_masked_secret_with_nothing_stored_and_a_new_kind_are_errors() {
    let masked =
        Document { channels: vec![declared("ops", slack("Ops", "***"))], ..Document::default() };
    let errors = plan(&masked, &StoredItems::default()).unwrap_err();
    assert_eq!(errors[0].field, "config.webhook_url");
    assert_eq!(errors[0].problem, PlanProblem::MaskedWithoutValue);

    let email = NewChannel {
        config: ChannelConfig::Email {
            to: vec![crate::alerting::EmailAddress::parse("ops@example.com").unwrap()],
        },
        ..slack("Ops", "x")
    };
    let stored = StoredItems {
        channels: vec![stored_channel(3, slack("Ops", "https://h.example/x"), Some("ops"))],
        ..StoredItems::default()
    };
    let errors =
        plan(&Document { channels: vec![declared("ops", email)], ..Document::default() }, &stored)
            .unwrap_err();
    assert_eq!((errors[0].list, errors[0].index, errors[0].field), ("channels", Some(0), "kind"));
    assert!(errors[0].to_string().contains("cannot become a email"), "{}", errors[0]);
}

#[test]
fn sites_name_stored_channels_by_id_and_new_ones_by_key() {
    let document = Document {
        channels: vec![
            declared("old", slack("Old", "https://h.example/old")),
            declared("new", slack("New", "https://h.example/new")),
        ],
        websites: vec![site_naming(
            "https://shop.example",
            vec![ChannelRef::Key(key("old")), ChannelRef::Key(key("new"))],
        )],
        ..Document::default()
    };
    let stored = StoredItems {
        channels: vec![stored_channel(7, slack("Old", "https://h.example/old"), Some("old"))],
        ..StoredItems::default()
    };
    let planned = plan(&document, &stored).unwrap();
    let [Step::Create { item, .. }] = &planned.websites[..] else { panic!("{planned:?}") };
    let policy = item.alerts.as_ref().unwrap();
    let expected = vec![ChannelRef::Id(ChannelId::new(7).unwrap()), ChannelRef::Key(key("new"))];
    assert_eq!(policy.channels.as_ref(), Some(&expected));
    assert_eq!(policy.escalate.as_ref().map(|s| &s[0].channels), Some(&expected));
}

#[test]
fn a_site_naming_its_stored_channel_by_key_is_unchanged() {
    let channel = stored_channel(7, slack("Old", "https://h.example/old"), Some("old"));
    let document = Document {
        channels: vec![declared("old", slack("Old", "***"))],
        websites: vec![site_naming("https://shop.example", vec![ChannelRef::Key(key("old"))])],
        ..Document::default()
    };
    let mut site = website(WebsiteId::new(4).unwrap(), AT);
    site.url = WebsiteUrl::parse("https://shop.example").unwrap();
    site.alerts = Some(AlertPolicy {
        channels: Some(vec![channel.id]),
        escalate: Some(vec![Escalation { after_secs: 600, channels: vec![channel.id] }]),
        ..AlertPolicy::default()
    });
    site.managed = Some(Managed { by: owner(), key: key("https://shop.example") });
    let stored =
        StoredItems { websites: vec![site], channels: vec![channel], ..StoredItems::default() };
    let planned = plan(&document, &stored).unwrap();
    assert!(!planned.has_changes(), "{planned:?}");
}

#[test]
fn a_key_the_document_does_not_declare_is_placed_on_the_site() {
    let document = Document {
        websites: vec![site_naming("https://shop.example", vec![ChannelRef::Key(key("pager"))])],
        ..Document::default()
    };
    let errors = plan(&document, &StoredItems::default()).unwrap_err();
    assert_eq!(
        (errors[0].list, errors[0].index, errors[0].field),
        ("websites", Some(0), "alerts.channels")
    );
    assert_eq!(errors[0].to_string(), "no item of `channels` in this document has key \"pager\"");
}

#[test]
fn a_channel_made_through_the_api_is_matched_by_name_and_two_of_a_name_are_ambiguous() {
    let api = |id| stored_channel(id, slack("Ops", "https://h.example/x"), None);
    let document =
        Document { channels: vec![declared("ops", slack("Ops", "***"))], ..Document::default() };
    let one = StoredItems { channels: vec![api(3)], ..StoredItems::default() };
    let kept = plan(&document, &one).unwrap();
    assert!(matches!(&kept.channels[..], [Step::Unchanged { managed: false, .. }]));

    let two = StoredItems { channels: vec![api(3), api(4)], ..StoredItems::default() };
    let errors = plan(&document, &two).unwrap_err();
    assert_eq!(errors[0].problem, PlanProblem::Ambiguous { ids: vec![3, 4] });
    assert_eq!(errors[0].field, "name");
}

fn window(name: &str, sites: Vec<SiteRef>) -> Declared<DeclaredMaintenance> {
    use crate::maintenance::{MaintenanceMode, MaintenanceScope, MaintenanceTiming};
    let item = DeclaredMaintenance {
        name: name.into(),
        scope: MaintenanceScope::Websites(sites),
        mode: MaintenanceMode::Silence,
        timing: MaintenanceTiming::Once {
            starts_at: datetime!(2026-12-10 02:00 UTC),
            ends_at: datetime!(2026-12-10 03:00 UTC),
        },
    };
    declared(name, item)
}

fn managed_site(id: i64, url: &str) -> crate::Website {
    let mut site = website(WebsiteId::new(id).unwrap(), AT);
    site.url = WebsiteUrl::parse(url).unwrap();
    site.managed = Some(Managed { by: owner(), key: key(url) });
    site
}

fn plain_site(url: &str) -> Declared<DeclaredSite> {
    let mut site = site_naming(url, Vec::new());
    site.item.alerts = None;
    site
}

#[test]
fn a_window_names_stored_sites_by_id_and_new_ones_by_key_and_is_unchanged_when_the_same() {
    use crate::maintenance::{MaintenanceScope, MaintenanceWindow};
    let document = Document {
        websites: vec![plain_site("https://a.example"), plain_site("https://b.example")],
        maintenance: vec![window(
            "nightly",
            vec![Ref::Key(key("https://b.example")), Ref::Key(key("https://a.example"))],
        )],
        ..Document::default()
    };
    let stored = StoredItems {
        websites: vec![managed_site(4, "https://a.example")],
        ..StoredItems::default()
    };
    let planned = plan(&document, &stored).unwrap();
    let [Step::Create { item, .. }] = &planned.maintenance[..] else { panic!("{planned:?}") };
    assert_eq!(
        item.scope,
        MaintenanceScope::Websites(vec![
            Ref::Id(WebsiteId::new(4).unwrap()),
            Ref::Key(key("https://b.example"))
        ]),
        "sorted: stored sites by id, the new one by key"
    );

    let both = StoredItems {
        websites: vec![managed_site(4, "https://a.example"), managed_site(5, "https://b.example")],
        maintenance: vec![MaintenanceWindow {
            id: crate::alerting::MaintenanceId::new(9).unwrap(),
            spec: window("nightly", Vec::new())
                .item
                .try_map_sites(|_: &SiteRef| Ok::<WebsiteId, ()>(WebsiteId::MIN))
                .map(|mut spec| {
                    spec.scope = MaintenanceScope::Websites(vec![
                        WebsiteId::new(4).unwrap(),
                        WebsiteId::new(5).unwrap(),
                    ]);
                    spec
                })
                .unwrap(),
            managed: Some(Managed { by: owner(), key: key("nightly") }),
            created_at: AT,
            updated_at: AT,
        }],
        ..StoredItems::default()
    };
    let planned = plan(&document, &both).unwrap();
    assert!(!planned.has_changes(), "{planned:?}");
}

#[test]
fn a_status_page_naming_an_undeclared_site_key_is_placed_on_its_websites() {
    use crate::status_pages::StatusPageSlug;
    let page = DeclaredStatusPage {
        slug: StatusPageSlug::parse("public").unwrap(),
        title: "Public".into(),
        description: None,
        websites: vec![Ref::Key(key("shop"))],
    };
    let document = Document { status_pages: vec![declared("public", page)], ..Document::default() };
    let errors = plan(&document, &StoredItems::default()).unwrap_err();
    assert_eq!(
        (errors[0].list, errors[0].index, errors[0].field),
        ("status_pages", Some(0), "websites")
    );
    assert_eq!(errors[0].to_string(), "no item of `websites` in this document has key \"shop\"");
}

#[test]
fn a_window_naming_a_site_id_that_does_not_exist_is_placed_on_its_websites() {
    let document = Document {
        maintenance: vec![window("nightly", vec![Ref::Id(WebsiteId::new(999).unwrap())])],
        ..Document::default()
    };
    let errors = plan(&document, &StoredItems::default()).unwrap_err();
    assert_eq!(
        (errors[0].list, errors[0].index, errors[0].field),
        ("maintenance", Some(0), "websites")
    );
    assert_eq!(errors[0].to_string(), "no website with id 999");
}
