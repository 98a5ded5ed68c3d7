//! PostgreSQL stopped for a minute (default 60 s, `LOOKOUT_TEST_OUTAGE_SECS`) under load: the
//! process stays up, `/health` and database-bound calls answer 503, check results are held up
//! to `database.outage_buffer` and then dropped and counted, and everything resumes by itself
//! when the database returns — held results written in order, their downtime windows included.
//! Runs on a throwaway cluster of its own.

use std::time::{Duration, Instant};

use lookout_store::test_support::ThrowawayPostgres;
use lookout_target_farm::TargetServer;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::helpers::{TestApp, metric};

const SITES: usize = 10;
/// Ten sites checked every second fill it after about 40 s.
const BUFFER: u64 = 400;

async fn checks_between(
    app: &TestApp,
    id: &Value,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> usize {
    let (from, to) = (from.format(&Rfc3339).unwrap(), to.format(&Rfc3339).unwrap());
    let (status, page) =
        app.get(&format!("/api/websites/{id}/checks?from={from}&to={to}&limit=1000")).await;
    assert_eq!(status, 200, "{page}");
    page["checks"].as_array().unwrap().len()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_postgres_outage_under_load_is_ridden_out_with_the_local_schedule() {
    ride_out("local").await;
}

/// A shared node goes on alone with the sites whose latest slot it held (here: all of them).
#[tokio::test(flavor = "multi_thread")]
async fn a_postgres_outage_under_load_is_ridden_out_with_the_shared_schedule() {
    ride_out("shared").await;
}

async fn ride_out(mode: &str) {
    let Some(cluster) = ThrowawayPostgres::start() else {
        eprintln!("skipped: no PostgreSQL server binaries under /usr/lib/postgresql");
        return;
    };
    let outage_secs: u64 =
        std::env::var("LOOKOUT_TEST_OUTAGE_SECS").ok().and_then(|v| v.parse().ok()).unwrap_or(60);
    let farm = TargetServer::start().await;
    let app = TestApp::start_in(
        tempfile::tempdir().unwrap(),
        &cluster.url(),
        &[
            ("LOOKOUT__DATABASE__CONNECT_TIMEOUT_SECS", "1"),
            ("LOOKOUT__DATABASE__OUTAGE_BUFFER", "400"),
            ("LOOKOUT__SCHEDULER__MODE", mode),
            ("LOOKOUT__MONITOR__MIN_INTERVAL_SECS", "1"),
            ("LOOKOUT__PROBE__RETRIES", "0"),
            ("LOOKOUT__LOG__CHECKS", "none"),
        ],
    )
    .await;
    let sites = app.create_sites(&farm, SITES, 1).await;
    tokio::time::sleep(Duration::from_secs(3)).await;

    let stopped_at = OffsetDateTime::now_utc();
    let started = Instant::now();
    cluster.stop();
    // During the outage one site goes down for three checks and recovers: its window opens and
    // closes while the results are held.
    tokio::time::sleep(Duration::from_secs(5)).await;
    farm.set_status("/s/0", 503);
    tokio::time::sleep(Duration::from_millis(3_200)).await;
    farm.set_status("/s/0", 200);
    let (status, body) = app.get("/health").await;
    assert_eq!(status, 503, "{body}");
    let (status, body) = app.get("/api/websites").await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["code"], "service_unavailable");
    let held = metric(&app.metrics_text().await, "lookout_checks_held");
    assert!(held > 0.0, "results are held during the outage");
    tokio::time::sleep(Duration::from_secs(outage_secs).saturating_sub(started.elapsed())).await;
    let text = app.metrics_text().await;
    let full = outage_secs >= 50;
    if full {
        assert_eq!(metric(&text, "lookout_checks_held"), BUFFER as f64, "held up to the bound");
        let dropped = metric(&text, "lookout_checks_dropped_total");
        assert!(dropped > 0.0, "beyond the bound results are dropped and counted");
        assert!(app.wait_for_log("Outage buffer full", Duration::from_secs(2)).await);
    }
    assert!(
        app.wait_for_log("Database unavailable: holding check results", Duration::from_secs(2))
            .await
    );

    cluster.start_server();
    let back = app
        .wait_for_log("Database back: stored 400 held check results", Duration::from_secs(30))
        .await;
    assert!(back, "{:?}", app.logs());
    let resumed_at = OffsetDateTime::now_utc();
    assert_eq!(app.get("/health").await.0, 200);
    assert_eq!(metric(&app.metrics_text().await, "lookout_checks_held"), 0.0);

    // The first ~35 s of the outage were held and are now stored, about one check a second.
    let early =
        checks_between(&app, &sites[1], stopped_at, stopped_at + Duration::from_secs(35)).await;
    assert!((25..=40).contains(&early), "held checks stored: {early}");
    // The site that went down and came back during the outage: one closed window.
    let (_, windows) = app.get(&format!("/api/websites/{}/downtimes", sites[0])).await;
    let windows = windows.as_array().unwrap();
    assert_eq!(windows.len(), 1, "{windows:?}");
    assert!(windows[0]["end_time"].is_string(), "{windows:?}");
    // Checks go on: new ones are stored, and no breaker opened because of the outage.
    tokio::time::sleep(Duration::from_secs(3)).await;
    for id in &sites {
        let fresh = checks_between(&app, id, resumed_at, OffsetDateTime::now_utc()).await;
        assert!(fresh >= 1, "site {id} checked again after the outage");
        let (_, status) = app.get(&format!("/api/websites/{id}/status")).await;
        assert_eq!(status["circuit_breaker"]["state"], "closed", "{status}");
        let (_, windows) = app.get(&format!("/api/websites/{id}/downtimes")).await;
        let open = windows.as_array().unwrap().iter().filter(|w| w["end_time"].is_null()).count();
        assert_eq!(open, 0, "site {id}: {windows}");
    }
}

/// Two shared nodes lose the database: between them they keep checking every site once per
/// slot — each goes on with the sites whose latest slot it held — and claim again after.
#[tokio::test(flavor = "multi_thread")]
async fn shared_nodes_split_the_sites_between_them_through_an_outage() {
    const NODES_SITES: u64 = 200;
    const INTERVAL: u64 = 2;
    let Some(cluster) = ThrowawayPostgres::start() else {
        eprintln!("skipped: no PostgreSQL server binaries under /usr/lib/postgresql");
        return;
    };
    let farm = TargetServer::start().await;
    let node = async |id: &'static str| {
        let env = [
            ("LOOKOUT__NODE__ID", id),
            ("LOOKOUT__DATABASE__CONNECT_TIMEOUT_SECS", "1"),
            ("LOOKOUT__SCHEDULER__MODE", "shared"),
            ("LOOKOUT__MONITOR__MIN_INTERVAL_SECS", "1"),
            ("LOOKOUT__PROBE__RETRIES", "0"),
            ("LOOKOUT__LOG__CHECKS", "none"),
        ];
        TestApp::start_in(tempfile::tempdir().unwrap(), &cluster.url(), &env).await
    };
    let a = node("node-a").await;
    let b = node("node-b").await;
    for n in 0..NODES_SITES {
        let body = json!({ "url": farm.url(&format!("/p/{n}")), "name": format!("P{n}"), "check_interval": INTERVAL });
        assert_eq!(a.post_json("/api/websites", &body).await.0, 201);
    }
    let hits = || (0..NODES_SITES).map(|n| farm.hits(&format!("/p/{n}"))).collect::<Vec<_>>();
    tokio::time::sleep(Duration::from_secs(3 * INTERVAL)).await;

    cluster.stop();
    assert!(a.wait_for_log("Shared schedule out of reach", Duration::from_secs(10)).await);
    assert!(b.wait_for_log("Shared schedule out of reach", Duration::from_secs(10)).await);
    let before = hits();
    let window = Duration::from_secs(5 * INTERVAL);
    tokio::time::sleep(window).await;
    let during: Vec<u64> =
        hits().iter().zip(&before).map(|(after, before)| after - before).collect();
    cluster.start_server();

    // About five slots each; a site checked by both nodes would show about ten, a dropped one 0.
    // A site whose next slot another node claimed in the last fraction of a second before the
    // outage, after this node's last claim, cannot be told apart by either node from one nobody
    // claimed: both keep it rather than leave it unchecked. That is a few sites of the 200
    // (those due within one claim poll of the outage); every other site goes to one node.
    let slots = window.as_secs() / INTERVAL;
    let (least, most) = (during.iter().min().unwrap(), during.iter().max().unwrap());
    let both = during.iter().filter(|&&n| n > slots + 1).count();
    eprintln!(
        "outage with two shared nodes: {least}..={most} checks per site in {slots} slots, {both} sites checked by both"
    );
    assert!(*least >= slots - 1, "every site checked through the outage: {during:?}");
    assert!(*most <= 2 * slots + 1, "no site checked more than once by each node: {during:?}");
    // How many sites fall into that last poll depends on how busy the machine is (a late poll
    // covers more of them: 11 of 200 seen under a parallel build); a regression that kept every
    // site on both nodes would double all 200.
    let bound = during.len() / 4;
    assert!(both <= bound, "sites handed over at the outage's instant only, not more: {during:?}");
    for app in [&a, &b] {
        assert!(app.wait_for_log("Shared schedule back", Duration::from_secs(20)).await);
    }
    let resumed = hits();
    tokio::time::sleep(Duration::from_secs(3 * INTERVAL)).await;
    let after = hits();
    assert!(after.iter().zip(&resumed).all(|(after, resumed)| after > resumed), "checks go on");
    drop((a, b));
}
