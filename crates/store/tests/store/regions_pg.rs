//! Regions on PostgreSQL only (skipped without `LOOKOUT_TEST_POSTGRES_URL`): the shared
//! schedule keeps one row per site and chosen region and each node claims its region's, and
//! two regions' writers voting on the same sites at once serialise per site.

use std::time::Duration;

use lookout_domain::monitoring::SharedScheduleStore;
use lookout_domain::node::NodeId;
use lookout_domain::regions::Quorum;
use lookout_domain::website::FileGuard;
use lookout_domain::{CheckRecorder, WebsiteId};
use lookout_store::PgSharedSchedule;
use lookout_store::test_support::TestDatabase;

use crate::regions::{check_at, chosen, node_writer, now, region, site_in, sites_where, windows};
use crate::*;

const LEASE: Duration = Duration::from_secs(30);
/// A check timeout above every site's interval: every claim here is leased.
const TIMEOUT_ABOVE_INTERVALS: Duration = Duration::from_secs(3600);

/// The regions of the rows of `site` that `node` holds, in order.
async fn held(db: &TestDatabase, site: WebsiteId, node: &str) -> Vec<&'static str> {
    let mut regions = Vec::new();
    for region in ["", "eu", "us"] {
        let sql = format!(
            "SELECT COUNT(*) AS n FROM check_schedule \
             WHERE website_id = {site} AND region = '{region}' AND lease_owner = '{node}'"
        );
        if db.count(&sql).await == 1 {
            regions.push(region);
        }
    }
    regions
}

/// What a node of `region` claims now: the ids of the sites, in id order.
async fn claim(schedule: &PgSharedSchedule, node: &str) -> Vec<WebsiteId> {
    let node = NodeId::parse(node).unwrap();
    let claimed =
        schedule.claim(&node, Duration::ZERO, LEASE, TIMEOUT_ABOVE_INTERVALS, 10).await.unwrap();
    let mut ids: Vec<WebsiteId> = claimed.slots.iter().map(|s| s.target.id).collect();
    ids.sort_unstable();
    ids
}

async fn entries(schedule: &PgSharedSchedule) -> Vec<WebsiteId> {
    let mut ids: Vec<WebsiteId> = schedule.entries().await.unwrap().iter().map(|e| e.id).collect();
    ids.sort_unstable();
    ids
}

#[tokio::test(flavor = "multi_thread")]
async fn nodes_claim_the_rows_of_their_region_and_of_any_region() {
    let Some(db) = TestDatabase::postgres().await else { return };
    let store = open(&db).await;
    let two = site_in(&store, "https://two.example", chosen(&["eu", "us"], Quorum::All)).await;
    let any = store.create_website(&new_site("https://any.example", true), T0).await.unwrap().id;
    let schedule = store.shared_schedule().unwrap();
    assert_eq!(schedule.sync().await.unwrap(), (3, 0), "eu and us for one, any for the other");
    db.execute(
        "UPDATE check_schedule SET next_due_at = (now() AT TIME ZONE 'UTC') - interval '1 second'",
    )
    .await
    .unwrap();
    let [eu, us] = [region("eu"), region("us")];
    let eu_node = schedule.clone().for_region(Some(&eu));
    let us_node = schedule.clone().for_region(Some(&us));
    let plain = schedule.clone().for_region(None);

    assert_eq!(entries(&eu_node).await, [two, any]);
    assert_eq!(entries(&us_node).await, [two, any]);
    assert_eq!(entries(&plain).await, [any]);

    // A node with no region: only the site checked from anywhere.
    assert_eq!(claim(&plain, "plain").await, [any]);
    assert_eq!(held(&db, any, "plain").await, [""]);
    assert_eq!(plain.return_all(&NodeId::parse("plain").unwrap()).await.unwrap(), 1);
    // eu's node: the eu row and the any-region row, never us's.
    assert_eq!(claim(&eu_node, "node-eu").await, [two, any]);
    assert_eq!(
        (held(&db, two, "node-eu").await, held(&db, any, "node-eu").await),
        (vec!["eu"], vec![""])
    );
    // us's node: the us row, still due although eu holds its own row of the site.
    assert_eq!(claim(&us_node, "node-us").await, [two]);
    assert_eq!(held(&db, two, "node-us").await, ["us"]);
    assert!(claim(&plain, "plain").await.is_empty());

    // The site now chooses us only: adding it again drops the eu row (held or not).
    let patch = WebsitePatch { regions: Some(vec![us.clone()]), ..WebsitePatch::default() };
    store.update_website(two, &patch, T1, FileGuard::Respect).await.unwrap();
    schedule.add(two, Duration::from_secs(120)).await.unwrap();
    let rows = format!("SELECT COUNT(*) AS n FROM check_schedule WHERE website_id = {two}");
    assert_eq!(db.count(&rows).await, 1);
    assert_eq!(held(&db, two, "node-us").await, ["us"], "us's lease is kept");
    assert_eq!(entries(&eu_node).await, [any]);
    assert_eq!(entries(&us_node).await, [two, any]);
    assert_eq!(schedule.sync().await.unwrap(), (0, 0), "sync agrees");
}

#[tokio::test(flavor = "multi_thread")]
async fn two_regions_voting_at_once_serialise_per_site() {
    let Some(db) = TestDatabase::postgres().await else { return };
    let store = open(&db).await;
    let mut sites = Vec::new();
    for n in 0..50 {
        let url = format!("https://s{n}.example");
        sites.push(site_in(&store, &url, chosen(&["eu", "us"], Quorum::All)).await);
    }
    let held = Duration::from_secs(300);
    let eu = node_writer(&store, &db, Some("eu"), held).await;
    let us = node_writer(&store, &db, Some("us"), held).await;
    // Both regions record one check per site at once (each writer batches what it has queued).
    let round = |eu_up: bool, us_up: bool, at| {
        let (eu, us, sites) = (eu.clone(), us.clone(), sites.clone());
        async move {
            let mut tasks = Vec::new();
            for site in sites {
                for (node, up) in [(eu.clone(), eu_up), (us.clone(), us_up)] {
                    tasks.push(tokio::spawn(async move {
                        node.record_check(check_at(site, at, up)).await
                    }));
                }
            }
            for task in tasks {
                task.await.unwrap().unwrap();
            }
        }
    };
    let verdicts = async |code: i16| sites_where(&db, &format!("verdict = {code}")).await;
    let t = now();
    round(true, true, t).await;
    assert_eq!(verdicts(0).await, 50);
    // Quorum all: each site is down only when the second region's failure sees the first's.
    round(false, false, t + time::Duration::seconds(10)).await;
    for site in &sites {
        let open = windows(&store, *site).await;
        assert_eq!(open.len(), 1, "site {site}");
        assert_eq!(open[0].end_time, None, "site {site}");
    }
    assert_eq!(verdicts(2).await, 50);
    // us sees every site up again: eu's failure alone is not all, the site is degraded.
    for site in &sites {
        us.record_check(check_at(*site, t + time::Duration::seconds(20), true)).await.unwrap();
    }
    assert_eq!(verdicts(1).await, 50);
    // eu up and us down at once: whichever writer votes second sees the first's verdict (and
    // the kept verdict the first wrote), so every site ends degraded, with no window open.
    round(true, false, t + time::Duration::seconds(30)).await;
    assert_eq!(verdicts(1).await, 50, "the kept verdict is the vote over both regions");
    assert_eq!(
        count(&db, "SELECT COUNT(*) AS n FROM downtime_windows WHERE end_time IS NULL").await,
        0
    );
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM region_verdicts").await, 100);
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM monitor_checks").await, 350);
}
