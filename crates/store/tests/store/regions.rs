//! Sites checked from several regions with a quorum, on both backends: the choice round-trips
//! through the websites table, and the check writer decides a site's downtime by the vote of
//! its regions' fresh verdicts (the shared schedule's rows per region: `regions_pg.rs`).

use std::num::NonZeroU8;
use std::time::Duration;

use lookout_domain::dashboard::Verdict;
use lookout_domain::history::{CheckHistory, PageLimit, TimeRange};
use lookout_domain::monitoring::DowntimeWindow;
use lookout_domain::regions::{Quorum, RegionName, RegionsError, SiteRegions};
use lookout_domain::website::FileGuard;
use lookout_domain::{AppliedTransition, CheckRecorder, MonitorCheck};
use lookout_store::{BatchRecorder, CheckWriterOptions};
use time::OffsetDateTime;
use time::macros::format_description;

use crate::checks::{check, window};
use crate::*;

pub(crate) fn region(raw: &str) -> RegionName {
    RegionName::parse(raw).unwrap()
}

pub(crate) fn chosen(names: &[&str], quorum: Quorum) -> SiteRegions {
    SiteRegions::new(names.iter().map(|n| region(n)).collect(), quorum).unwrap()
}

fn at_least(n: u8) -> Quorum {
    Quorum::AtLeast(NonZeroU8::new(n).unwrap())
}

/// An enabled site (interval 120 s) checked from `regions`.
pub(crate) async fn site_in(store: &Store, url: &str, regions: SiteRegions) -> WebsiteId {
    store.create_website(&NewWebsite { regions, ..new_site(url, true) }, T0).await.unwrap().id
}

/// A check writer of a node in `name` (on PostgreSQL on a store of its own, as another node
/// would be); its failed verdicts hold `failed_held_for` beyond two intervals.
pub(crate) async fn node_writer(
    store: &Store,
    db: &TestDatabase,
    name: Option<&str>,
    failed_held_for: Duration,
) -> BatchRecorder {
    let store = match store.backend() {
        Backend::Sqlite => store.clone(),
        Backend::Postgres => open(db).await,
    };
    let (recorder, _writer) = store.spawn_check_writer(CheckWriterOptions {
        region: name.map(region),
        node_id: name.map(|n| format!("node-{n}")),
        failed_held_for,
        ..CheckWriterOptions::default()
    });
    recorder
}

async fn writer(store: &Store, db: &TestDatabase, name: &str) -> BatchRecorder {
    node_writer(store, db, Some(name), CheckWriterOptions::default().failed_held_for).await
}

/// Now, to the second (check timestamps are compared with now's slots, not T0's).
pub(crate) fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc().replace_nanosecond(0).unwrap()
}

pub(crate) fn check_at(site: WebsiteId, at: OffsetDateTime, available: bool) -> MonitorCheck {
    MonitorCheck { timestamp: at, ..check(site, 0, available) }
}

fn secs(n: i64) -> time::Duration {
    time::Duration::seconds(n)
}

pub(crate) async fn windows(store: &Store, site: WebsiteId) -> Vec<DowntimeWindow> {
    store.list_downtimes(site, TimeRange::default()).await.unwrap()
}

/// Each region's stored verdict on `site`, by region name.
async fn verdicts(store: &Store, site: WebsiteId) -> Vec<(String, Verdict)> {
    let mut seen: Vec<(String, Verdict)> = store
        .region_verdicts(site)
        .await
        .unwrap()
        .into_iter()
        .map(|v| (v.region.as_str().to_owned(), v.verdict))
        .collect();
    seen.sort_by(|a, b| a.0.cmp(&b.0));
    seen
}

fn named(pairs: &[(&str, Verdict)]) -> Vec<(String, Verdict)> {
    pairs.iter().map(|(r, v)| ((*r).to_owned(), *v)).collect()
}

/// How many websites meet `condition` (SQL).
pub(crate) async fn sites_where(db: &TestDatabase, condition: &str) -> i64 {
    count(db, &format!("SELECT COUNT(*) AS n FROM websites WHERE {condition}")).await
}

/// The regions of the checks of `site` made from `from` (all when `None`).
async fn check_regions(store: &Store, site: WebsiteId, from: Option<&str>) -> Vec<Option<String>> {
    let page = store
        .list_checks(
            site,
            TimeRange::default(),
            PageLimit::new(100).unwrap(),
            None,
            from.map(region),
        )
        .await
        .unwrap();
    page.checks.into_iter().map(|c| c.region.map(|r| r.as_str().to_owned())).collect()
}

on_both_backends!(regions_and_quorum_round_trip_and_patch, |store, db| {
    let three = chosen(&["eu", "us", "ap"], at_least(2));
    let id = site_in(&store, "https://regions.example", three.clone()).await;
    let any = store.create_website(&new_site("https://any.example", true), T0).await.unwrap().id;
    assert_eq!(store.get_website(id).await.unwrap().regions, three);
    let listed = store.list_websites().await.unwrap();
    assert_eq!(
        listed.iter().map(|w| w.regions.clone()).collect::<Vec<_>>(),
        [three.clone(), SiteRegions::any()]
    );
    assert_eq!(sites_where(&db, r#"regions = '["eu","us","ap"]' AND quorum = '2'"#).await, 1);
    assert_eq!(sites_where(&db, "regions IS NULL AND quorum IS NULL").await, 1);

    let patch = |regions: Option<&[&str]>, quorum| WebsitePatch {
        regions: regions.map(|names| names.iter().map(|n| region(n)).collect()),
        quorum,
        ..WebsitePatch::default()
    };
    let update = |patch: WebsitePatch| {
        let store = store.clone();
        async move { store.update_website(id, &patch, T1, FileGuard::Respect).await }
    };
    // Only the quorum: the regions stay.
    let after = update(patch(None, Some(Quorum::All))).await.unwrap().after.regions;
    assert_eq!(after, chosen(&["eu", "us", "ap"], Quorum::All));
    // Only the regions: the quorum stays while it fits, else falls back to the majority.
    let after = update(patch(Some(&["us", "eu"]), None)).await.unwrap().after.regions;
    assert_eq!(after, chosen(&["us", "eu"], Quorum::All));
    update(patch(Some(&["eu", "us", "ap"]), Some(at_least(3)))).await.unwrap();
    let after = update(patch(Some(&["eu", "us"]), None)).await.unwrap().after.regions;
    assert_eq!(after, chosen(&["eu", "us"], Quorum::Majority));
    assert_eq!(store.get_website(id).await.unwrap().regions, after);
    assert_eq!(sites_where(&db, r#"regions = '["eu","us"]' AND quorum IS NULL"#).await, 1);

    // A quorum too large for the new regions: refused, nothing written.
    let before = store.get_website(id).await.unwrap();
    let refused = update(patch(Some(&["ap"]), Some(at_least(2)))).await.unwrap_err();
    let UpdateWebsiteError::Regions(error) = refused else { panic!("{refused:?}") };
    assert_eq!(error, RegionsError::QuorumTooLarge(2, 1));
    assert_eq!(error.field(), "quorum");
    assert_eq!(store.get_website(id).await.unwrap(), before);
    let refused = store
        .update_website(any, &patch(None, Some(Quorum::Any)), T1, FileGuard::Respect)
        .await
        .unwrap_err();
    let UpdateWebsiteError::Regions(error) = refused else { panic!("{refused:?}") };
    assert_eq!(error.field(), "quorum", "no quorum without regions: {error}");

    // Clearing the regions clears the quorum.
    update(patch(None, Some(Quorum::Any))).await.unwrap();
    let after = update(patch(Some(&[]), None)).await.unwrap().after.regions;
    assert_eq!(after, SiteRegions::any());
    assert_eq!(sites_where(&db, "regions IS NULL AND quorum IS NULL").await, 2);
});

on_both_backends!(the_quorum_of_regions_opens_and_closes_the_window, |store, db| {
    let site =
        site_in(&store, "https://voted.example", chosen(&["eu", "us", "ap"], Quorum::Majority))
            .await;
    let [eu, us, ap] = [
        writer(&store, &db, "eu").await,
        writer(&store, &db, "us").await,
        writer(&store, &db, "ap").await,
    ];
    let t = now();
    for (n, node) in [&eu, &us, &ap].into_iter().enumerate() {
        let at = t + secs(i64::try_from(n).unwrap());
        let up = node.record_check(check_at(site, at, true)).await.unwrap();
        assert_eq!(window(up), Some(AppliedTransition::Unchanged));
    }
    // One region of three sees it down: not a majority.
    let one = eu.record_check(check_at(site, t + secs(10), false)).await.unwrap();
    assert_eq!(window(one), Some(AppliedTransition::Unchanged));
    assert!(windows(&store, site).await.is_empty());
    assert_eq!(
        verdicts(&store, site).await,
        named(&[("ap", Verdict::Up), ("eu", Verdict::Failed), ("us", Verdict::Up)])
    );
    assert_eq!(sites_where(&db, "verdict = 1").await, 1, "degraded");
    // Two of three: down.
    let two = us.record_check(check_at(site, t + secs(11), false)).await.unwrap();
    assert_eq!(window(two), Some(AppliedTransition::Opened { at: t + secs(11) }));
    let open = windows(&store, site).await;
    assert_eq!((open.len(), open[0].start_time, open[0].end_time), (1, t + secs(11), None));
    assert_eq!(sites_where(&db, "verdict = 2").await, 1, "failed");
    // us sees it up again: one of three left.
    let back = us.record_check(check_at(site, t + secs(12), true)).await.unwrap();
    let Some(AppliedTransition::Closed { started, ended, .. }) = window(back) else {
        panic!("{back:?}")
    };
    assert_eq!((started, ended), (t + secs(11), t + secs(12)));
    let closed = windows(&store, site).await;
    assert_eq!((closed.len(), closed[0].end_time), (1, Some(t + secs(12))));

    assert_eq!(check_regions(&store, site, Some("us")).await, vec![Some("us".to_owned()); 3]);
    assert_eq!(check_regions(&store, site, Some("eu")).await, vec![Some("eu".to_owned()); 2]);
    assert_eq!(check_regions(&store, site, Some("ap")).await.len(), 1);
    assert_eq!(check_regions(&store, site, None).await.len(), 6);
    assert_eq!(
        count(&db, "SELECT COUNT(*) AS n FROM monitor_checks WHERE node_id = 'node-' || region")
            .await,
        6
    );
});

on_both_backends!(a_site_without_regions_decides_by_each_check, |store, db| {
    let site = store.create_website(&new_site("https://any.example", true), T0).await.unwrap().id;
    let eu = writer(&store, &db, "eu").await;
    let t = now();
    let down = eu.record_check(check_at(site, t, false)).await.unwrap();
    assert_eq!(window(down), Some(AppliedTransition::Opened { at: t }));
    assert_eq!(windows(&store, site).await.len(), 1);
    assert!(verdicts(&store, site).await.is_empty(), "no region verdicts kept");
    assert_eq!(check_regions(&store, site, Some("eu")).await, [Some("eu".to_owned())]);
    assert!(check_regions(&store, site, Some("us")).await.is_empty());
});

on_both_backends!(a_check_from_a_region_not_chosen_is_stored_and_decides_nothing, |store, db| {
    let site =
        site_in(&store, "https://chosen.example", chosen(&["eu", "us", "ap"], Quorum::Any)).await;
    let sa = writer(&store, &db, "sa").await;
    let unlabelled = node_writer(&store, &db, None, Duration::ZERO).await;
    let t = now();
    for (node, at) in [(&sa, t), (&unlabelled, t + secs(1))] {
        let stored = node.record_check(check_at(site, at, false)).await.unwrap();
        assert_eq!(window(stored), Some(AppliedTransition::Unchanged));
    }
    assert!(windows(&store, site).await.is_empty());
    assert!(verdicts(&store, site).await.is_empty());
    assert_eq!(check_regions(&store, site, Some("sa")).await, [Some("sa".to_owned())]);
    assert_eq!(check_regions(&store, site, None).await, [None, Some("sa".to_owned())]);
    assert_eq!(sites_where(&db, "verdict IS NULL").await, 1);
    // A chosen region's failure then decides (quorum any).
    let eu = writer(&store, &db, "eu").await;
    let down = eu.record_check(check_at(site, t + secs(2), false)).await.unwrap();
    assert_eq!(window(down), Some(AppliedTransition::Opened { at: t + secs(2) }));
});

/// `at` as a timestamp literal both backends read.
fn sql_time(at: OffsetDateTime) -> String {
    at.format(format_description!("[year]-[month]-[day] [hour]:[minute]:[second]")).unwrap()
}

on_both_backends!(a_stale_failed_verdict_does_not_vote, |store, db| {
    // Interval 120 s: a failed verdict counts for 240 s + 60 s held.
    let held = Duration::from_secs(60);
    let three = chosen(&["eu", "us", "ap"], Quorum::Majority);
    let stale = site_in(&store, "https://stale.example", three.clone()).await;
    let fresh = site_in(&store, "https://fresh.example", three).await;
    let t = now();
    for (site, age) in [(stale, 310), (fresh, 290)] {
        let at = sql_time(t - secs(age));
        let row = format!("({site}, 'eu', 2, '{at}')");
        let sql = format!(
            "INSERT INTO region_verdicts (website_id, region, verdict, checked_at) VALUES {row}"
        );
        execute(&db, &sql).await.unwrap();
    }
    let us = node_writer(&store, &db, Some("us"), held).await;
    let ap = node_writer(&store, &db, Some("ap"), held).await;
    for site in [stale, fresh] {
        ap.record_check(check_at(site, t, true)).await.unwrap();
        let down = us.record_check(check_at(site, t + secs(1), false)).await.unwrap();
        let opened = site == fresh;
        assert_eq!(
            window(down) == Some(AppliedTransition::Opened { at: t + secs(1) }),
            opened,
            "site {site}: eu's failure {} old",
            if opened { "291 s" } else { "311 s" }
        );
        assert_eq!(windows(&store, site).await.len(), usize::from(opened));
    }
    // The stale verdict is kept (it is eu's latest), it only no longer counts.
    assert_eq!(
        verdicts(&store, stale).await,
        named(&[("ap", Verdict::Up), ("eu", Verdict::Failed), ("us", Verdict::Failed)])
    );
    // ap down too: the two fresh regions decide without eu.
    let two = ap.record_check(check_at(stale, t + secs(2), false)).await.unwrap();
    assert_eq!(window(two), Some(AppliedTransition::Opened { at: t + secs(2) }));
});

on_both_backends!(a_late_check_does_not_replace_a_newer_verdict, |store, db| {
    let site = site_in(&store, "https://late.example", chosen(&["eu", "us"], Quorum::All)).await;
    let eu = writer(&store, &db, "eu").await;
    let t = now();
    eu.record_check(check_at(site, t + secs(10), false)).await.unwrap();
    eu.record_check(check_at(site, t + secs(5), true)).await.unwrap();
    let kept = store.region_verdicts(site).await.unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!((kept[0].verdict, kept[0].checked_at), (Verdict::Failed, t + secs(10)));
});
