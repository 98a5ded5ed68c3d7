//! The shared schedule's SQL against a real PostgreSQL (skipped without
//! `LOOKOUT_TEST_POSTGRES_URL`): claims are disjoint, leases run out, releases move the slot on.

#![expect(clippy::unwrap_used, reason = "test helpers fail the test loudly")]

use std::time::Duration;

use lookout_domain::{CircuitBreaker, WebsiteId};
use lookout_jobs::{Release, ScheduleLeases};
use lookout_store::test_support::TestDatabase;
use lookout_store::{DatabaseUrl, Store, StoreOptions};

const NOW: Duration = Duration::ZERO;
const LEASE: Duration = Duration::from_secs(30);

/// A migrated database with `sites` enabled websites (interval 60 s) in the schedule, all due.
async fn schedule(sites: usize) -> Option<(TestDatabase, ScheduleLeases)> {
    let db = TestDatabase::postgres().await?;
    let url = DatabaseUrl::parse(db.url()).unwrap();
    Store::open(&url, StoreOptions::default()).unwrap().migrate().await.unwrap();
    let rows: Vec<String> = (1..=sites)
        .map(|n| format!("('https://s{n}.example/', 's{n}', true, 60, now(), now())"))
        .collect();
    db.execute(&format!(
        "INSERT INTO websites (url, name, enabled, check_interval, created_at, updated_at) VALUES {}",
        rows.join(", ")
    ))
    .await
    .unwrap();
    let leases = ScheduleLeases::connect(db.url(), 4, Duration::from_secs(5)).unwrap();
    assert_eq!(leases.sync().await.unwrap(), (sites, 0));
    db.execute(
        "UPDATE check_schedule SET next_due_at = (now() AT TIME ZONE 'UTC') - interval '1 second'",
    )
    .await
    .unwrap();
    Some((db, leases))
}

fn release(site: &lookout_jobs::LeasedSite, breaker: CircuitBreaker, ran: bool) -> Release {
    Release { id: site.target.id, due_at: site.due_at, breaker, ran }
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_claims_take_disjoint_sites() {
    let Some((_db, leases)) = schedule(300).await else { return };
    let claims = futures::future::join_all((0..6).map(|n| {
        let leases = leases.clone();
        async move { leases.claim(&format!("node-{n}"), NOW, LEASE, 80).await.unwrap() }
    }))
    .await;
    let mut ids: Vec<i64> =
        claims.iter().flat_map(|c| c.sites.iter().map(|s| s.target.id.get())).collect();
    let claimed = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), claimed, "no site claimed twice");
    assert_eq!(claimed, 300, "every due site claimed once");
    // Nothing is left to claim while the leases last.
    assert!(leases.claim("late", NOW, LEASE, 500).await.unwrap().sites.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lease_that_runs_out_is_taken_over_for_the_same_slot() {
    let Some((db, leases)) = schedule(1).await else { return };
    let first = leases.claim("dead", NOW, Duration::from_millis(200), 10).await.unwrap();
    assert_eq!(first.sites.len(), 1);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let taken = leases.claim("alive", NOW, LEASE, 10).await.unwrap();
    assert_eq!(taken.sites.len(), 1);
    assert_eq!(taken.sites[0].due_at, first.sites[0].due_at, "the unfinished slot");
    // The dead node's late release changes nothing; the new holder's moves the slot on.
    let late = release(&first.sites[0], CircuitBreaker::Closed { failures: 3 }, true);
    assert_eq!(leases.release("dead", &[late]).await.unwrap(), 0);
    let done = release(
        &taken.sites[0],
        CircuitBreaker::Open { until: first.db_now.unwrap() + time::Duration::hours(1) },
        true,
    );
    assert_eq!(leases.release("alive", &[done]).await.unwrap(), 1);
    let entry = leases.entries().await.unwrap()[0];
    assert!(matches!(entry.breaker, CircuitBreaker::Open { .. }), "the breaker is shared");
    let ahead = entry.next_due - first.db_now.unwrap();
    assert!(ahead > time::Duration::minutes(59), "due again when the breaker closes: {ahead}");
    assert_eq!(
        db.count("SELECT COUNT(*) AS n FROM check_schedule WHERE lease_owner IS NOT NULL").await,
        0
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_release_moves_to_the_next_future_slot_or_hands_an_unrun_slot_back() {
    let Some((_db, leases)) = schedule(2).await else { return };
    let claimed = leases.claim("n", NOW, LEASE, 10).await.unwrap();
    let db_now = claimed.db_now.unwrap();
    let [ran, unrun] = [&claimed.sites[0], &claimed.sites[1]];
    let released = [
        release(ran, CircuitBreaker::default(), true),
        release(unrun, CircuitBreaker::default(), false),
    ];
    assert_eq!(leases.release("n", &released).await.unwrap(), 2);
    let entries = leases.entries().await.unwrap();
    let due = |id: WebsiteId| entries.iter().find(|e| e.id == id).unwrap().next_due;
    assert_eq!(due(ran.target.id), ran.due_at + time::Duration::seconds(60), "one interval on");
    assert_eq!(due(unrun.target.id), unrun.due_at, "not run: due as before");
    let again = leases.claim("m", NOW, LEASE, 10).await.unwrap();
    assert_eq!(again.sites.len(), 1);
    assert_eq!(again.sites[0].target.id, unrun.target.id);
    assert!(due(ran.target.id) > db_now);
}

#[tokio::test(flavor = "multi_thread")]
async fn disabled_sites_are_never_claimed_and_changes_apply_to_free_rows() {
    let Some((db, leases)) = schedule(2).await else { return };
    db.execute("UPDATE websites SET enabled = false WHERE id = 1").await.unwrap();
    let claimed = leases.claim("n", NOW, LEASE, 10).await.unwrap();
    assert_eq!(claimed.sites.iter().map(|s| s.target.id.get()).collect::<Vec<_>>(), [2]);
    assert_eq!(leases.sync().await.unwrap(), (0, 1), "the disabled site's row goes");
    // Re-timing a held slot waits for its release; adding a site makes it due now.
    let two = WebsiteId::new(2).unwrap();
    leases.retime(two, Duration::from_secs(1)).await.unwrap();
    assert!(leases.claim("m", NOW, LEASE, 10).await.unwrap().sites.is_empty());
    db.execute("UPDATE websites SET enabled = true WHERE id = 1").await.unwrap();
    leases.add(WebsiteId::new(1).unwrap(), Duration::from_secs(60)).await.unwrap();
    let added = leases.claim("m", NOW, LEASE, 10).await.unwrap();
    assert_eq!(added.sites.iter().map(|s| s.target.id.get()).collect::<Vec<_>>(), [1]);
    // A restarting node takes back what its previous run held.
    assert_eq!(leases.return_all("n").await.unwrap(), 1);
    assert_eq!(leases.claim("n", NOW, LEASE, 10).await.unwrap().sites.len(), 1);
}
