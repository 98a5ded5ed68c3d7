//! Daily partitions of `monitor_checks` on PostgreSQL: made ahead, rows of a day that had none
//! moved out of the DEFAULT partition, safe to make from several nodes at once, and dropped
//! whole by retention while newer checks stay.

use lookout_domain::history::{CheckPartitions, Expiring, RollupStore};
use time::Duration as TimeDuration;

use super::*;

async fn postgres() -> Option<(TestDatabase, Store)> {
    let Some(db) = TestDatabase::postgres().await else {
        eprintln!("skipped: {POSTGRES_URL_VAR} is not set");
        return None;
    };
    let store = open(&db).await;
    Some((db, store))
}

fn partition(day: time::Date) -> String {
    format!("monitor_checks_p{:04}{:02}{:02}", day.year(), u8::from(day.month()), day.day())
}

async fn partition_exists(db: &TestDatabase, day: time::Date) -> bool {
    let sql = format!(
        "SELECT COUNT(*) AS n FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
         WHERE i.inhparent = 'monitor_checks'::regclass AND c.relname = '{}'",
        partition(day)
    );
    count(db, &sql).await == 1
}

async fn insert_check(db: &TestDatabase, at: &str) {
    execute(
        db,
        &format!(
            "INSERT INTO monitor_checks (website_id, timestamp, response_time, is_available) \
             VALUES (1, '{at}', 0.1, true)"
        ),
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn days_are_partitioned_ahead_and_late_partitions_take_their_rows() {
    let Some((db, store)) = postgres().await else { return };
    let today = OffsetDateTime::now_utc().date();
    for offset in -1..=3 {
        assert!(partition_exists(&db, today + TimeDuration::days(offset)).await, "day {offset}");
    }
    store.create_website(&new_site("https://p.example", true), T0).await.unwrap();
    insert_check(&db, "2035-06-01 10:00:00").await;
    let in_default = "SELECT COUNT(*) AS n FROM monitor_checks_default";
    assert_eq!(count(&db, in_default).await, 1, "a day without a partition goes to DEFAULT");

    // Five nodes make the same partitions at once: each is made once, the row moves into it.
    let later = time::macros::datetime!(2035-06-01 12:00 UTC);
    let made = futures::future::join_all((0..5).map(|_| store.ensure_check_partitions(later)))
        .await
        .into_iter()
        .map(Result::unwrap)
        .sum::<usize>();
    assert_eq!(made, 5, "2035-05-31 to 2035-06-04, once each");
    assert_eq!(count(&db, in_default).await, 0);
    let day = time::macros::date!(2035 - 06 - 01);
    let moved = format!("SELECT COUNT(*) AS n FROM {}", partition(day));
    assert_eq!(count(&db, &moved).await, 1);
    assert_eq!(store.ensure_check_partitions(later).await.unwrap(), 0, "idempotent");
}

#[tokio::test(flavor = "multi_thread")]
async fn retention_drops_whole_days_and_deletes_the_rest() {
    let Some((db, store)) = postgres().await else { return };
    store.create_website(&new_site("https://r.example", true), T0).await.unwrap();
    let old = time::macros::datetime!(2026-10-01 00:00 UTC);
    store.ensure_check_partitions(old).await.unwrap();
    for at in
        ["2026-09-30 23:00:00", "2026-10-01 06:00:00", "2026-10-02 06:00:00", "2026-10-02 18:00:00"]
    {
        insert_check(&db, at).await;
    }
    insert_check(&db, "2026-10-03 12:00:00").await;
    // Cut off at 2026-10-02 12:00: two whole days go as partitions, the morning of the 2nd
    // row by row, the evening and the 3rd stay.
    let cutoff = time::macros::datetime!(2026-10-02 12:00 UTC);
    let mut deleted = 0;
    let mut after = None;
    while let Some((last, n)) =
        store.delete_before(Expiring::RawChecks, cutoff, after, 500).await.unwrap()
    {
        deleted += n;
        after = Some(last);
    }
    assert_eq!(deleted, 3);
    assert!(!partition_exists(&db, time::macros::date!(2026 - 09 - 30)).await);
    assert!(!partition_exists(&db, time::macros::date!(2026 - 10 - 01)).await);
    assert!(partition_exists(&db, time::macros::date!(2026 - 10 - 02)).await);
    let left = "SELECT COUNT(*) AS n FROM monitor_checks";
    assert_eq!(count(&db, left).await, 2);
    let kept = "SELECT COUNT(*) AS n FROM monitor_checks WHERE timestamp >= '2026-10-02 12:00'";
    assert_eq!(count(&db, kept).await, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_check_written_while_a_day_is_partitioned_lands_in_the_new_partition() {
    use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
    let Some((db, store)) = postgres().await else { return };
    store.create_website(&new_site("https://race.example", true), T0).await.unwrap();
    insert_check(&db, "2035-07-01 10:00:00").await;

    // Another node's check of that day, in a transaction still open when partitioning starts.
    let mut writer = AsyncPgConnection::establish(db.url()).await.unwrap();
    writer
        .batch_execute(
            "BEGIN; INSERT INTO monitor_checks (website_id, timestamp, response_time, \
             is_available) VALUES (1, '2035-07-01 11:00:00', 0.1, true)",
        )
        .await
        .unwrap();
    // The day's partition is the first one this call makes. Before migration 000008 it moved
    // the day's rows out of DEFAULT, then waited for the writer's lock to create the partition,
    // and the writer's row, committed meanwhile into DEFAULT, failed the CREATE.
    let partitioning = tokio::spawn({
        let url = db.url().to_owned();
        async move {
            let mut conn = AsyncPgConnection::establish(&url).await.unwrap();
            conn.batch_execute("SELECT lookout_ensure_check_partitions('2035-07-01', '2035-07-02')")
                .await
        }
    });
    let waiting = "SELECT COUNT(*) AS n FROM pg_stat_activity \
                   WHERE wait_event_type = 'Lock' AND query LIKE '%lookout_ensure_check_partitions%'";
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while count(&db, waiting).await == 0 {
        assert!(std::time::Instant::now() < deadline, "partitioning never waited for the writer");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    writer.batch_execute("COMMIT").await.unwrap();

    partitioning.await.unwrap().expect("partitioning succeeds");
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM monitor_checks_default").await, 0);
    let day =
        format!("SELECT COUNT(*) AS n FROM {}", partition(time::macros::date!(2035 - 07 - 01)));
    assert_eq!(count(&db, &day).await, 2, "both checks of the day are in its partition");
}

on_both_backends!(the_partition_port_makes_the_days_around_now_once, |store, _db| {
    let now = time::macros::datetime!(2036-01-10 12:00 UTC);
    let made = CheckPartitions::ensure_check_partitions(&store, now).await.unwrap();
    let days = match store.backend() {
        Backend::Postgres => 5,
        // One table: nothing to make.
        Backend::Sqlite => 0,
    };
    assert_eq!(made, days, "2036-01-09 to 2036-01-13");
    assert_eq!(CheckPartitions::ensure_check_partitions(&store, now).await.unwrap(), 0);
});
