//! Release elision in the shared schedule against a real PostgreSQL (skipped without
//! `LOOKOUT_TEST_POSTGRES_URL`): a site whose interval exceeds the check timeout, due for a slot
//! of its own with a clean breaker, is claimed without a lease, its row moved on to the next
//! slot at once; only a check that changes the breaker releases it.

use std::time::Duration;

use lookout_domain::monitoring::{Claimed, LeasedSlot, SharedScheduleStore, SlotHold};
use lookout_domain::regions::Quorum;
use lookout_domain::{CircuitBreaker, WebsiteId};
use lookout_store::PgSharedSchedule;
use lookout_store::test_support::TestDatabase;

use crate::open;
use crate::regions::{chosen, region, site_in};
use crate::shared_schedule::{LEASE, NOW, node, release, schedule};

/// The check timeout of a node with a 30 s lease (lease − 2 s): below the sites' 60 s interval.
const CHECK_TIMEOUT: Duration = Duration::from_secs(28);

async fn claim(leases: &PgSharedSchedule, by: &str, horizon: Duration) -> Claimed {
    leases.claim(&node(by), horizon, LEASE, CHECK_TIMEOUT, 10).await.unwrap()
}

/// The next due time an elided slot's claim wrote.
fn elided_next(slot: &LeasedSlot) -> time::OffsetDateTime {
    match slot.hold {
        SlotHold::Elided { next_due } => next_due,
        SlotHold::Leased => panic!("site {} was leased", slot.target.id),
    }
}

/// Rows with no lease (`claimed_due` and `lease_owner` NULL).
async fn unleased(db: &TestDatabase) -> i64 {
    db.count(
        "SELECT COUNT(*) AS n FROM check_schedule WHERE claimed_due IS NULL AND lease_owner IS NULL",
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_elided_claim_moves_the_row_to_the_next_slot_without_a_lease() {
    let Some((db, leases)) = schedule(3).await else { return };
    // Site 2 missed two slots (the cluster was down): its next slot is the first one ahead.
    // Site 3 is claimed 300 ms ahead of its slot, within the horizon.
    db.execute(
        "UPDATE check_schedule SET next_due_at = (now() AT TIME ZONE 'UTC') - interval '150 seconds' \
         WHERE website_id = 2",
    )
    .await
    .unwrap();
    db.execute(
        "UPDATE check_schedule SET next_due_at = (now() AT TIME ZONE 'UTC') + interval '300 milliseconds' \
         WHERE website_id = 3",
    )
    .await
    .unwrap();
    let claimed = claim(&leases, "n", Duration::from_secs(1)).await;
    let db_now = claimed.db_now.unwrap();
    assert_eq!(claimed.slots.len(), 3);
    let slot = |id: i64| claimed.slots.iter().find(|s| s.target.id.get() == id).unwrap();
    let minute = time::Duration::seconds(60);
    assert_eq!(elided_next(slot(1)), slot(1).due_at + minute, "one interval on");
    assert_eq!(elided_next(slot(2)), slot(2).due_at + 3 * minute, "the first slot after now");
    assert!(slot(2).due_at + 2 * minute <= db_now);
    assert!(slot(3).due_at > db_now, "a slot ahead of now");
    assert_eq!(elided_next(slot(3)), slot(3).due_at + minute);
    assert_eq!(unleased(&db).await, 3, "no lease held, claimed_due left NULL");
    let entries = leases.entries().await.unwrap();
    for entry in entries {
        assert_eq!(entry.next_due, elided_next(slot(entry.id.get())), "the row moved on");
    }
    // Nothing is due until the next slots; a restarting node holds nothing to hand back.
    assert!(claim(&leases, "m", NOW).await.slots.is_empty());
    assert_eq!(leases.return_all(&node("n")).await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn sites_in_doubt_or_with_short_intervals_are_leased_as_before() {
    let Some((db, leases)) = schedule(5).await else { return };
    // 1: a clean breaker and a 60 s interval (elided); 2: failures counted; 3: a breaker whose
    // cool-down is over (the trial); 4: an interval within the check timeout; 5: a slot whose
    // holder died (its lease ran out).
    for sql in [
        "UPDATE check_schedule SET breaker_failures = 2 WHERE website_id = 2",
        "UPDATE check_schedule SET breaker_open_until = (now() AT TIME ZONE 'UTC') - interval '1 second' \
         WHERE website_id = 3",
        "UPDATE websites SET check_interval = 28 WHERE id = 4",
        "UPDATE check_schedule SET claimed_due = next_due_at - interval '30 seconds', \
         lease_owner = 'dead' WHERE website_id = 5",
    ] {
        db.execute(sql).await.unwrap();
    }
    let claimed = claim(&leases, "n", NOW).await;
    let db_now = claimed.db_now.unwrap();
    let mut holds: Vec<(i64, SlotHold)> =
        claimed.slots.iter().map(|s| (s.target.id.get(), s.hold)).collect();
    holds.sort_by_key(|(id, _)| *id);
    assert!(matches!(holds[0], (1, SlotHold::Elided { .. })), "{holds:?}");
    for (id, hold) in &holds[1..] {
        assert_eq!(*hold, SlotHold::Leased, "site {id}");
    }
    assert_eq!(holds.len(), 5);
    let leased = db
        .count(
            "SELECT COUNT(*) AS n FROM check_schedule \
             WHERE lease_owner = 'n' AND claimed_due IS NOT NULL AND website_id <> 1",
        )
        .await;
    assert_eq!(leased, 4, "held under a lease");
    let taken_over = claimed.slots.iter().find(|s| s.target.id.get() == 5).unwrap();
    assert!(taken_over.due_at < db_now - time::Duration::seconds(29), "the unfinished slot");
    // A leased slot's release clears its lease as before.
    let released: Vec<_> = claimed
        .slots
        .iter()
        .filter(|s| s.hold == SlotHold::Leased)
        .map(|s| release(s, CircuitBreaker::default()))
        .collect();
    assert_eq!(leases.release(&node("n"), &released).await.unwrap(), 4);
    assert_eq!(unleased(&db).await, 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failure_on_an_elided_slot_is_released_into_the_row() {
    let Some((db, leases)) = schedule(2).await else { return };
    let claimed = claim(&leases, "n", NOW).await;
    let [failed, tripped] = [&claimed.slots[0], &claimed.slots[1]];
    let until = claimed.db_now.unwrap() + time::Duration::hours(1);
    let releases = [
        release(failed, CircuitBreaker::Closed { failures: 1 }),
        release(tripped, CircuitBreaker::Open { until }),
    ];
    assert!(releases.iter().all(|r| r.is_needed()));
    assert_eq!(leases.release(&node("n"), &releases).await.unwrap(), 2);
    let entries = leases.entries().await.unwrap();
    let entry = |id: WebsiteId| *entries.iter().find(|e| e.id == id).unwrap();
    let counted = entry(failed.target.id);
    assert_eq!(counted.breaker, CircuitBreaker::Closed { failures: 1 }, "the failure counts");
    assert_eq!(counted.next_due, elided_next(failed), "due at the slot the claim wrote");
    let open = entry(tripped.target.id);
    assert!(matches!(open.breaker, CircuitBreaker::Open { .. }), "{:?}", open.breaker);
    assert!(open.next_due > claimed.db_now.unwrap() + time::Duration::minutes(59));
    assert_eq!(unleased(&db).await, 2);
    // Its next slot is leased: the breaker is no longer clean.
    db.execute(&format!(
        "UPDATE check_schedule SET next_due_at = (now() AT TIME ZONE 'UTC') - interval '1 second' \
         WHERE website_id = {}",
        failed.target.id
    ))
    .await
    .unwrap();
    let next = claim(&leases, "m", NOW).await;
    assert_eq!(next.slots.len(), 1);
    assert_eq!(next.slots[0].hold, SlotHold::Leased);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_release_after_the_row_moved_on_matches_nothing() {
    let Some((_db, leases)) = schedule(1).await else { return };
    let first = claim(&leases, "slow", NOW).await;
    let slot = &first.slots[0];
    // Another node claims the next slot (a horizon reaching it stands in for the minute).
    let next = claim(&leases, "other", Duration::from_secs(61)).await;
    assert_eq!(next.slots.len(), 1);
    assert_eq!(next.slots[0].due_at, elided_next(slot), "the next slot");
    // The slow node's failure comes too late: not counted.
    let late = release(slot, CircuitBreaker::Closed { failures: 1 });
    assert_eq!(leases.release(&node("slow"), &[late]).await.unwrap(), 0);
    let entry = leases.entries().await.unwrap()[0];
    assert_eq!(entry.breaker, CircuitBreaker::default());
    assert_eq!(entry.next_due, elided_next(&next.slots[0]));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_elided_release_touches_only_its_own_region() {
    let Some(db) = TestDatabase::postgres().await else { return };
    let store = open(&db).await;
    let site = site_in(&store, "https://two.example", chosen(&["eu", "us"], Quorum::All)).await;
    let leases = store.shared_schedule().unwrap();
    assert_eq!(leases.sync().await.unwrap(), (2, 0));
    // Both rows on the same slot: their claims write the same next due time.
    db.execute(
        "UPDATE check_schedule SET next_due_at = date_trunc('second', now() AT TIME ZONE 'UTC') \
         - interval '1 second'",
    )
    .await
    .unwrap();
    let [eu, us] = [region("eu"), region("us")];
    let eu_node = leases.clone().for_region(Some(&eu));
    let us_node = leases.clone().for_region(Some(&us));
    let by_eu = claim(&eu_node, "node-eu", NOW).await;
    let by_us = claim(&us_node, "node-us", NOW).await;
    assert_eq!(elided_next(&by_eu.slots[0]), elided_next(&by_us.slots[0]));
    let failed = release(&by_eu.slots[0], CircuitBreaker::Closed { failures: 1 });
    assert_eq!(eu_node.release(&node("node-eu"), &[failed]).await.unwrap(), 1);
    let failures = |region: &str| {
        format!(
            "SELECT breaker_failures::bigint AS n FROM check_schedule \
             WHERE website_id = {site} AND region = '{region}'"
        )
    };
    assert_eq!(db.count(&failures("eu")).await, 1);
    assert_eq!(db.count(&failures("us")).await, 0, "the other region's row is its own");
}
