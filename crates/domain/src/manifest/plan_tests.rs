//! The plan: matching by key and url, field diffs, adoption, renames, pruning, conflicts.

use time::macros::datetime;

use super::*;
use crate::checks::CheckSpec;
use crate::manifest::{
    Declared, DeclaredSite, ItemKey, Managed, Owner, PlanError, PlanProblem, SiteField, SiteStep,
    Sites,
};
use crate::{
    CheckInterval, IntervalBounds, NewWebsite, Website, WebsiteId, WebsiteName, WebsiteUrl,
};

fn owner() -> Owner {
    Owner::file("sites.yaml").unwrap()
}

fn key(raw: &str) -> ItemKey {
    ItemKey::parse(raw).unwrap()
}

fn new_site<C>(url: &str, interval: i64) -> NewWebsite<C> {
    NewWebsite {
        url: WebsiteUrl::parse(url).unwrap(),
        name: WebsiteName::parse("Site").unwrap(),
        enabled: true,
        check_interval: CheckInterval::new(interval, IntervalBounds::default()).unwrap(),
        alerts: None,
        check: CheckSpec::default(),
        public: false,
        regions: Default::default(),
    }
}

fn declared(k: &str, url: &str, interval: i64) -> Declared<DeclaredSite> {
    Declared { key: key(k), adopt: false, item: new_site(url, interval) }
}

fn stored(id: i64, url: &str, interval: i64, managed: Option<(&str, &str)>) -> Website {
    let new: NewWebsite = new_site(url, interval);
    let at = datetime!(2026-12-01 00:00 UTC);
    Website {
        id: WebsiteId::new(id).unwrap(),
        url: new.url,
        name: new.name,
        enabled: true,
        check_interval: new.check_interval,
        alerts: None,
        check: CheckSpec::default(),
        public: false,
        regions: Default::default(),
        managed: managed.map(|(by, k)| Managed { by: Owner::file(by).unwrap(), key: key(k) }),
        created_at: at,
        updated_at: at,
    }
}

fn plan(declared: &[Declared<DeclaredSite>], stored: &[Website], prune: bool) -> Vec<SiteStep> {
    plan_sites(declared, stored, prune).unwrap()
}

fn plan_sites(
    declared: &[Declared<DeclaredSite>],
    stored: &[Website],
    prune: bool,
) -> Result<Vec<SiteStep>, Vec<PlanError>> {
    plan_items::<Sites>(declared, stored, &owner(), prune)
}

fn site_error(index: usize, field: &'static str, problem: PlanProblem) -> PlanError {
    PlanError::at("websites", index, field, problem)
}

#[test]
fn an_empty_store_creates_every_site() {
    let steps = plan(&[declared("shop", "https://shop.example", 60)], &[], false);
    assert!(
        matches!(&steps[..], [SiteStep::Create { index: 0, key, .. }] if key.as_str() == "shop")
    );
}

#[test]
fn the_same_site_under_its_key_is_unchanged_and_a_new_interval_is_one_field() {
    let current = [stored(1, "https://shop.example", 60, Some(("sites.yaml", "shop")))];
    let same = plan(&[declared("shop", "https://shop.example", 60)], &current, false);
    assert!(matches!(&same[..], [SiteStep::Unchanged { managed: true, .. }]));
    assert!(same.iter().all(|s| !s.writes()));

    let faster = plan(&[declared("shop", "https://shop.example", 120)], &current, false);
    let [SiteStep::Update { fields, adopted: false, renamed_from: None, .. }] = &faster[..] else {
        panic!("{faster:?}");
    };
    assert_eq!(fields, &[SiteField::CheckInterval]);
}

#[test]
fn a_new_url_under_the_same_key_updates_the_site() {
    let current = [stored(1, "https://shop.example", 60, Some(("sites.yaml", "shop")))];
    let moved = plan(&[declared("shop", "https://shop2.example", 60)], &current, false);
    assert!(matches!(&moved[..], [SiteStep::Update { fields, .. }] if fields == &[SiteField::Url]));
}

#[test]
fn a_new_key_for_the_same_url_renames() {
    let current = [stored(1, "https://shop.example", 60, Some(("sites.yaml", "old")))];
    let steps = plan(&[declared("shop", "https://shop.example", 60)], &current, true);
    let [SiteStep::Update { renamed_from: Some(old), fields, .. }] = &steps[..] else {
        panic!("{steps:?}");
    };
    assert_eq!((old.as_str(), fields.len()), ("old", 0));
}

#[test]
fn sites_the_file_no_longer_lists_are_kept_or_pruned() {
    let current = [
        stored(1, "https://a.example", 60, Some(("sites.yaml", "a"))),
        stored(2, "https://b.example", 60, Some(("sites.yaml", "b"))),
        stored(3, "https://c.example", 60, Some(("other.yaml", "c"))),
        stored(4, "https://d.example", 60, None),
    ];
    let listed = [declared("a", "https://a.example", 60)];
    let kept = plan(&listed, &current, false);
    assert!(
        matches!(&kept[1..], [SiteStep::Orphaned { key, .. }] if key.as_str() == "b"),
        "{kept:?}"
    );
    let pruned = plan(&listed, &current, true);
    assert!(
        matches!(&pruned[1..], [SiteStep::Delete { current, .. }] if current.id.get() == 2),
        "another file's site and an API site are never deleted: {pruned:?}"
    );
}

#[test]
fn a_site_made_through_the_api_is_left_alone_unless_adopted() {
    let current = [stored(4, "https://d.example", 60, None)];
    let same = plan(&[declared("d", "https://d.example", 60)], &current, false);
    assert!(matches!(&same[..], [SiteStep::Unchanged { managed: false, .. }]));

    let different = [declared("d", "https://d.example", 120)];
    let refused = plan_sites(&different, &current, false).unwrap_err();
    assert_eq!(refused, vec![site_error(0, "url", PlanProblem::NotAdopted { id: 4 })]);

    let adopting = [Declared { adopt: true, ..declared("d", "https://D.example/", 60) }];
    let steps = plan(&adopting, &current, false);
    let [SiteStep::Update { adopted: true, fields, .. }] = &steps[..] else { panic!("{steps:?}") };
    assert_eq!(fields, &[SiteField::Url], "written differently, the url counts as changed");
}

#[test]
fn another_files_site_is_an_error() {
    let current = [stored(3, "https://c.example", 60, Some(("other.yaml", "c")))];
    let refused = plan_sites(&[declared("c", "https://c.example", 60)], &current, false);
    assert_eq!(
        refused.unwrap_err(),
        vec![site_error(
            0,
            "url",
            PlanProblem::OwnedElsewhere { owner: Owner::file("other.yaml").unwrap() }
        )]
    );
}

#[test]
fn duplicate_keys_and_urls_in_the_document_are_errors() {
    let twice = [
        declared("a", "https://a.example", 60),
        declared("a", "https://b.example", 60),
        declared("c", "https://A.example", 60),
    ];
    let errors = plan_sites(&twice, &[], false).unwrap_err();
    assert_eq!(
        errors,
        vec![
            site_error(1, "key", PlanProblem::DuplicateKey { first: 0, key: key("a") }),
            site_error(2, "url", PlanProblem::DuplicateIdentity { first: 0 }),
        ]
    );
    assert_eq!(errors[1].to_string(), "the same url is already declared by websites[0]");
}
