//! The check writer on a full disk (SQLite on a small tmpfs; needs root to mount, else
//! `skipped`): results are held, then dropped and counted, the health says why, no batch is
//! half-written, and the held results are written in order once space returns.

use std::time::{Duration, Instant};

use lookout_domain::history::{CheckHistory, TimeRange};
use lookout_domain::website::WebsiteRepository;
use lookout_domain::{
    AppliedTransition, CheckRecorder, RecordCheckError, RecordedCheck, WriteFault, WriteHealth,
    WriterState,
};
use lookout_store::CheckWriterOptions;
use lookout_store::test_support::{SmallFilesystem, sqlite_integrity_check};

use crate::checks::check;
use crate::*;

const BUFFER: usize = 20;

async fn rows(db: &TestDatabase, table: &str) -> i64 {
    count(db, &format!("SELECT COUNT(*) AS n FROM {table}")).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_disk_holds_results_and_writing_resumes_when_space_returns() {
    let fs = match SmallFilesystem::mount(2 << 20) {
        Ok(fs) => fs,
        Err(refused) => {
            eprintln!("skipped: {refused}");
            return;
        }
    };
    let db = TestDatabase::sqlite_file(&fs.path().join("lookout.db"));
    let store = open(&db).await;
    let site = store.create_website(&new_site("https://example.com", true), T0).await.unwrap().id;
    // Room for a few checks (each commit appends whole pages to the WAL).
    fs.fill_leaving(64 * 1024).unwrap();
    let options = CheckWriterOptions { outage_buffer: BUFFER, ..CheckWriterOptions::default() };
    let (recorder, writer) = store.spawn_check_writer(options);
    let health = recorder.health();

    // Checks go on until the disk is full: the first that cannot be written is held.
    let mut stored = 0;
    let mut n = 0;
    loop {
        let answer = recorder.record_check(check(site, n, true)).await.unwrap();
        n += 1;
        match answer {
            RecordedCheck::Stored { .. } => stored += 1,
            RecordedCheck::Buffered => break,
            RecordedCheck::SiteGone => panic!("the site exists"),
        }
        assert!(n < 10_000, "the disk never filled up");
    }
    let disk_full = WriteHealth { fault: Some(WriteFault::DiskFull), held: 1, dropped: 0 };
    assert_eq!(health.write_health(), disk_full);
    assert_eq!(rows(&db, "monitor_checks").await, stored, "no half-written batch; reads work");

    // Held up to the bound (the site goes down meanwhile), then dropped and counted.
    for _ in 1..BUFFER {
        let answer = recorder.record_check(check(site, n, false)).await.unwrap();
        assert_eq!(answer, RecordedCheck::Buffered);
        n += 1;
    }
    for _ in 0..3 {
        let answer = recorder.record_check(check(site, n, false)).await;
        assert!(matches!(answer, Err(RecordCheckError::Unavailable(_))), "{answer:?}");
        n += 1;
    }
    let health_now = health.write_health();
    assert_eq!((health_now.held, health_now.dropped), (BUFFER as u64, 3), "{health_now:?}");
    assert_eq!(rows(&db, "monitor_checks").await, stored);
    assert_eq!(rows(&db, "downtime_windows").await, 0);

    // Room again: the held results are written by themselves, in order.
    fs.remove_filler().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !health.write_health().is_writing() {
        assert!(Instant::now() < deadline, "writing did not resume: {:?}", health.write_health());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(health.write_health(), WriteHealth::default());
    assert_eq!(rows(&db, "monitor_checks").await, stored + BUFFER as i64);
    let windows = store.list_downtimes(site, TimeRange::default()).await.unwrap();
    assert_eq!(windows.len(), 1, "{windows:?}");
    let went_down = T0 + time::Duration::seconds(stored + 1);
    assert_eq!(windows[0].start_time, went_down, "opened by the first failed check held");
    assert_eq!(windows[0].end_time, None);
    let answer = recorder.record_check(check(site, n, true)).await.unwrap();
    assert!(matches!(
        answer,
        RecordedCheck::Stored { window: AppliedTransition::Closed { .. }, .. }
    ));

    drop(recorder);
    writer.await.unwrap();
    let path = fs.path().join("lookout.db");
    assert_eq!(sqlite_integrity_check(&path).unwrap(), "ok");
}
