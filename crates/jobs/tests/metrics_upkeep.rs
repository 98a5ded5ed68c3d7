//! The `metrics-upkeep` job keeps a Prometheus recorder that nobody scrapes from holding every
//! histogram sample it records (issue 17: 20 MiB a minute at 10,000 checks/s), and loses none:
//! a scrape after many runs counts every sample.
//!
//! One test in a binary of its own: it measures the process's resident memory.

#![expect(clippy::expect_used, reason = "test helpers fail the test loudly")]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use lookout_jobs::{MetricsUpkeep, spawn_periodic};
use metrics::{Key, Level, Metadata, Recorder};
use metrics_exporter_prometheus::PrometheusBuilder;
use tokio::sync::watch;

static METADATA: Metadata<'static> = Metadata::new(module_path!(), Level::INFO, None);

/// Samples recorded between two runs of the job.
const CHUNK: u64 = 100_000;
/// Chunks recorded: 4 million samples, about 100 MB if the recorder kept them all.
const ROUNDS: u64 = 40;

/// The process's resident set (VmRSS), in bytes.
fn resident_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).expect("VmRSS line");
    let kib: u64 = line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).expect("VmRSS kB");
    kib * 1024
}

/// Lets the paused clock run until the job has run `want` times (bounded: a minute of job time
/// per run wanted).
async fn wait_for_runs(runs: &AtomicU64, want: u64) {
    let mut waited = Duration::ZERO;
    while runs.load(Ordering::SeqCst) < want {
        assert!(waited < MetricsUpkeep::EVERY * 12 * want as u32, "the upkeep job did not run");
        tokio::time::sleep(Duration::from_millis(100)).await;
        waited += Duration::from_millis(100);
    }
}

/// `lookout_check_duration_seconds_count` as a scrape renders it.
fn rendered_count(text: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix("lookout_check_duration_seconds_count "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no count in:\n{text}"))
}

#[tokio::test(start_paused = true)]
async fn histogram_samples_do_not_pile_up_while_nobody_scrapes() {
    let recorder = PrometheusBuilder::new()
        .set_buckets(&[0.001, 0.01, 0.1, 1.0, 10.0])
        .expect("buckets")
        .build_recorder();
    let handle = recorder.handle();
    let runs = Arc::new(AtomicU64::new(0));
    let counted = Arc::clone(&runs);
    let job = MetricsUpkeep::new(move || {
        handle.run_upkeep();
        counted.fetch_add(1, Ordering::SeqCst);
    });
    let (stop, stopped) = watch::channel(false);
    let task = spawn_periodic(job, Duration::from_secs(1), stopped);

    let histogram =
        recorder.register_histogram(&Key::from_name("lookout_check_duration_seconds"), &METADATA);
    let record = |round: u64| {
        for i in 0..CHUNK {
            histogram.record(((round * CHUNK + i) % 1000) as f64 / 1000.0);
        }
    };
    // One round first, so that the allocator's and the runtime's own growth is behind us.
    record(0);
    wait_for_runs(&runs, 1).await;
    let before = resident_bytes();
    for round in 1..=ROUNDS {
        record(round);
        wait_for_runs(&runs, round + 1).await;
    }
    let grown = resident_bytes().saturating_sub(before);
    assert!(
        grown < 24 << 20,
        "{} samples recorded with no scrape grew the process by {} MiB: the recorder keeps them",
        ROUNDS * CHUNK,
        grown >> 20
    );
    // Drained samples are folded into the histogram, not dropped: a scrape counts them all.
    assert_eq!(rendered_count(&recorder.handle().render()), (ROUNDS + 1) * CHUNK);
    stop.send(true).expect("stop");
    task.await.expect("the job stops on the signal");
}
