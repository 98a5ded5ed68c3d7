//! The shared schedule's SQL against a real PostgreSQL (skipped without
//! `LOOKOUT_TEST_POSTGRES_URL`): claims are disjoint, leases run out, releases move the slot on.
//! Every site here has an interval within the check timeout, so every claim is leased.

use std::time::Duration;

use lookout_domain::monitoring::{LeasedSlot, SharedScheduleStore, SlotRelease};
use lookout_domain::node::NodeId;
use lookout_domain::{CircuitBreaker, WebsiteId};
use lookout_store::PgSharedSchedule;
use lookout_store::test_support::TestDatabase;

use super::open;

pub(crate) const NOW: Duration = Duration::ZERO;
pub(crate) const LEASE: Duration = Duration::from_secs(30);
/// A check timeout above every site's interval (60 s): every claim is leased (see
/// `shared_schedule_elision.rs` for the others).
const TIMEOUT_ABOVE_INTERVALS: Duration = Duration::from_secs(3600);

/// A migrated database with `sites` enabled websites (interval 60 s) in the schedule, all due.
pub(crate) async fn schedule(sites: usize) -> Option<(TestDatabase, PgSharedSchedule)> {
    let db = TestDatabase::postgres().await?;
    let leases = open(&db).await.shared_schedule().unwrap();
    let rows: Vec<String> = (1..=sites)
        .map(|n| format!("('https://s{n}.example/', 's{n}', true, 60, now(), now())"))
        .collect();
    db.execute(&format!(
        "INSERT INTO websites (url, name, enabled, check_interval, created_at, updated_at) VALUES {}",
        rows.join(", ")
    ))
    .await
    .unwrap();
    assert_eq!(leases.sync().await.unwrap(), (sites, 0));
    db.execute(
        "UPDATE check_schedule SET next_due_at = (now() AT TIME ZONE 'UTC') - interval '1 second'",
    )
    .await
    .unwrap();
    Some((db, leases))
}

pub(crate) fn node(id: &str) -> NodeId {
    NodeId::parse(id).unwrap()
}

/// The release of a checked slot, due again one interval on (or when an open breaker closes).
pub(crate) fn release(slot: &LeasedSlot, breaker: CircuitBreaker) -> SlotRelease {
    let next = slot.due_at + slot.interval;
    let next_due = match breaker {
        CircuitBreaker::Open { until } => next.max(until),
        _ => next,
    };
    SlotRelease {
        id: slot.target.id,
        slot: slot.due_at,
        hold: slot.hold,
        breaker,
        next_due,
        interval: slot.interval,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_claims_take_disjoint_sites() {
    let Some((_db, leases)) = schedule(300).await else { return };
    let claims = futures::future::join_all((0..6).map(|n| {
        let leases = leases.clone();
        async move {
            leases
                .claim(&node(&format!("node-{n}")), NOW, LEASE, TIMEOUT_ABOVE_INTERVALS, 80)
                .await
                .unwrap()
        }
    }))
    .await;
    let mut ids: Vec<i64> =
        claims.iter().flat_map(|c| c.slots.iter().map(|s| s.target.id.get())).collect();
    let claimed = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), claimed, "no site claimed twice");
    assert_eq!(claimed, 300, "every due site claimed once");
    // Nothing is left to claim while the leases last.
    assert!(
        leases
            .claim(&node("late"), NOW, LEASE, TIMEOUT_ABOVE_INTERVALS, 500)
            .await
            .unwrap()
            .slots
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lease_that_runs_out_is_taken_over_for_the_same_slot() {
    let Some((db, leases)) = schedule(1).await else { return };
    let first = leases
        .claim(&node("dead"), NOW, Duration::from_millis(200), TIMEOUT_ABOVE_INTERVALS, 10)
        .await
        .unwrap();
    assert_eq!(first.slots.len(), 1);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let taken =
        leases.claim(&node("alive"), NOW, LEASE, TIMEOUT_ABOVE_INTERVALS, 10).await.unwrap();
    assert_eq!(taken.slots.len(), 1);
    assert_eq!(taken.slots[0].due_at, first.slots[0].due_at, "the unfinished slot");
    // The dead node's late release changes nothing; the new holder's moves the slot on.
    let late = release(&first.slots[0], CircuitBreaker::Closed { failures: 3 });
    assert_eq!(leases.release(&node("dead"), &[late]).await.unwrap(), 0);
    let done = release(
        &taken.slots[0],
        CircuitBreaker::Open { until: first.db_now.unwrap() + time::Duration::hours(1) },
    );
    assert_eq!(leases.release(&node("alive"), &[done]).await.unwrap(), 1);
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
async fn a_release_sets_the_next_slot_and_unrun_slots_are_handed_back() {
    let Some((_db, leases)) = schedule(2).await else { return };
    let claimed = leases.claim(&node("n"), NOW, LEASE, TIMEOUT_ABOVE_INTERVALS, 10).await.unwrap();
    let db_now = claimed.db_now.unwrap();
    let [ran, unrun] = [&claimed.slots[0], &claimed.slots[1]];
    let released = [release(ran, CircuitBreaker::default())];
    assert_eq!(leases.release(&node("n"), &released).await.unwrap(), 1);
    // The node stops before checking the other: it hands it back as it was.
    assert_eq!(leases.return_all(&node("n")).await.unwrap(), 1);
    let entries = leases.entries().await.unwrap();
    let due = |id: WebsiteId| entries.iter().find(|e| e.id == id).unwrap().next_due;
    assert_eq!(due(ran.target.id), ran.due_at + time::Duration::seconds(60), "one interval on");
    assert_eq!(due(unrun.target.id), unrun.due_at, "not run: due as before");
    let again = leases.claim(&node("m"), NOW, LEASE, TIMEOUT_ABOVE_INTERVALS, 10).await.unwrap();
    assert_eq!(again.slots.len(), 1);
    assert_eq!(again.slots[0].target.id, unrun.target.id);
    assert!(due(ran.target.id) > db_now);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_interval_changed_during_the_check_takes_effect_at_the_release() {
    let Some((db, leases)) = schedule(1).await else { return };
    let claimed = leases.claim(&node("n"), NOW, LEASE, TIMEOUT_ABOVE_INTERVALS, 10).await.unwrap();
    let slot = &claimed.slots[0];
    assert_eq!(slot.interval, Duration::from_secs(60));
    // Through the API, while the check runs: every 3600 s now.
    db.execute("UPDATE websites SET check_interval = 3600").await.unwrap();
    assert_eq!(
        leases.release(&node("n"), &[release(slot, CircuitBreaker::default())]).await.unwrap(),
        1
    );
    let entry = leases.entries().await.unwrap()[0];
    assert_eq!(entry.next_due, slot.due_at + time::Duration::seconds(3600), "the new interval");
}

#[tokio::test(flavor = "multi_thread")]
async fn disabled_sites_are_never_claimed_and_changes_apply_to_free_rows() {
    let Some((db, leases)) = schedule(2).await else { return };
    db.execute("UPDATE websites SET enabled = false WHERE id = 1").await.unwrap();
    let claimed = leases.claim(&node("n"), NOW, LEASE, TIMEOUT_ABOVE_INTERVALS, 10).await.unwrap();
    assert_eq!(claimed.slots.iter().map(|s| s.target.id.get()).collect::<Vec<_>>(), [2]);
    assert_eq!(leases.sync().await.unwrap(), (0, 1), "the disabled site's row goes");
    // Re-timing a held slot waits for its release; adding a site makes it due now.
    let two = WebsiteId::new(2).unwrap();
    leases.add(two, Duration::from_secs(1)).await.unwrap();
    assert!(
        leases
            .claim(&node("m"), NOW, LEASE, TIMEOUT_ABOVE_INTERVALS, 10)
            .await
            .unwrap()
            .slots
            .is_empty()
    );
    db.execute("UPDATE websites SET enabled = true WHERE id = 1").await.unwrap();
    leases.add(WebsiteId::new(1).unwrap(), Duration::from_secs(60)).await.unwrap();
    let added = leases.claim(&node("m"), NOW, LEASE, TIMEOUT_ABOVE_INTERVALS, 10).await.unwrap();
    assert_eq!(added.slots.iter().map(|s| s.target.id.get()).collect::<Vec<_>>(), [1]);
    // A restarting node takes back what its previous run held.
    assert_eq!(leases.return_all(&node("n")).await.unwrap(), 1);
    assert_eq!(
        leases
            .claim(&node("n"), NOW, LEASE, TIMEOUT_ABOVE_INTERVALS, 10)
            .await
            .unwrap()
            .slots
            .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_regional_node_claims_the_earliest_slots_of_its_region_and_of_any_region() {
    let Some((db, leases)) = schedule(6).await else { return };
    // Sites 1–3 are checked from any region, 4–6 from "eu"; their slots alternate.
    db.execute(r#"UPDATE websites SET regions = '["eu"]' WHERE id > 3"#).await.unwrap();
    assert_eq!(leases.sync().await.unwrap(), (3, 3));
    db.execute(
        "UPDATE check_schedule SET next_due_at = (now() AT TIME ZONE 'UTC') \
             - (7 - (CASE WHEN website_id > 3 THEN 2 * (website_id - 3) ELSE 2 * website_id - 1 END)) \
             * interval '1 second'",
    )
    .await
    .unwrap();
    let eu = lookout_domain::regions::RegionName::parse("eu").unwrap();
    let regional = leases.clone().for_region(Some(&eu));
    let claim = |limit| {
        let regional = regional.clone();
        async move {
            let claimed = regional
                .claim(&node("eu-1"), NOW, LEASE, TIMEOUT_ABOVE_INTERVALS, limit)
                .await
                .unwrap();
            let mut slots: Vec<_> =
                claimed.slots.iter().map(|s| (s.due_at, s.target.id.get())).collect();
            slots.sort();
            slots.into_iter().map(|(_, id)| id).collect::<Vec<_>>()
        }
    };
    // Slots in order: 1 (−6 s), 4 (−5 s), 2 (−4 s), 5 (−3 s), 3 (−2 s), 6 (−1 s).
    assert_eq!(claim(3).await, [1, 4, 2], "the earliest three of both ranges");
    assert_eq!(claim(10).await, [5, 3, 6], "then the rest, and no row twice");
    assert!(claim(10).await.is_empty());
    // A node with no region never claims the "eu" rows.
    assert_eq!(leases.return_all(&node("eu-1")).await.unwrap(), 6);
    let plain = leases.claim(&node("plain"), NOW, LEASE, TIMEOUT_ABOVE_INTERVALS, 10).await;
    let mut ids: Vec<i64> = plain.unwrap().slots.iter().map(|s| s.target.id.get()).collect();
    ids.sort_unstable();
    assert_eq!(ids, [1, 2, 3]);
}
