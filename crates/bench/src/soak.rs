//! `lookout-bench soak`: the real release `lookout` for many minutes at a steady rate against
//! the local farm, nobody scraping `/metrics` (the bench never asks lookout anything). Every
//! minute it prints what lookout holds (anonymous RSS, descriptors, threads, from /proc), the
//! WAL's size, the database bytes per stored check, the lateness p99 (estimated from the stored
//! checks' start times against their sites' slot grid: see `soak/grid_lateness.rs`) and the
//! checks stored per second; at the end a verdict (see `soak/verdict.rs`: RSS judged by the
//! trend, the judged minutes' second half's median against the first half's) and, when the run
//! was saturated (lateness p99 ≥ 250 ms, or under 95 % of the offered rate stored), a note that
//! memory then follows the backlog of checks in flight.

mod database;
mod grid_lateness;
mod postgres;
mod sqlite;
mod verdict;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use lookout_target_farm::TargetServer;

use self::database::SoakDatabase;
use self::grid_lateness::GridLateness;
use self::postgres::PostgresSoak;
use self::sqlite::SqliteSoak;
use self::verdict::{Bounds, Minute};
use crate::lookout_process::{LookoutProcess, log_number, lookout_binary};
use crate::sites::SiteSpec;
use crate::stats::quantile;
use crate::throughput::tempfile_dir;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Checks per second offered: `rate × interval` sites, each checked every `interval` s.
    /// For a leak test stay below saturation (the report says when a run was saturated).
    #[arg(long, default_value_t = 10_000)]
    rate: u64,
    /// Seconds between two checks of one site.
    #[arg(long, default_value_t = 1)]
    interval: u32,
    /// Minutes to run, warm-up included.
    #[arg(long, default_value_t = 10)]
    minutes: usize,
    /// Minutes at the start the verdict does not judge. Of the minutes after it, the RSS
    /// criterion compares the second half's median RssAnon with the first half's (growth < 5 %;
    /// with one judged minute, the warm-up's last minute with it).
    #[arg(long, default_value_t = 2)]
    warmup: usize,
    /// The database lookout writes to.
    #[arg(long, value_enum, default_value_t = Backend::Sqlite)]
    backend: Backend,
    /// PostgreSQL server (with `--backend postgres`): a fresh database is made there.
    #[arg(
        long,
        env = "LOOKOUT_BENCH_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    postgres_url: String,
    /// SQLite: the WAL size the verdict allows after the warm-up (PostgreSQL: max_wal_size).
    #[arg(long, default_value_t = 64)]
    wal_limit_mib: u64,
    /// Farm listeners (ports).
    #[arg(long, default_value_t = 4)]
    listeners: usize,
    /// lookout's scheduler.max_concurrent_checks.
    #[arg(long, default_value_t = 1024)]
    concurrency: usize,
    /// A `lookout` binary to soak instead of the release build next to lookout-bench (e.g. an
    /// older commit's, for a before/after comparison).
    #[arg(long)]
    lookout: Option<PathBuf>,
}

pub(crate) async fn run(args: Args) -> anyhow::Result<()> {
    let workdir = tempfile_dir()?.join("soak");
    std::fs::create_dir_all(&workdir)?;
    let mut farm = Vec::new();
    for _ in 0..args.listeners.max(1) {
        farm.push(TargetServer::start().await);
    }
    let bases: Vec<String> =
        farm.iter().map(|t| format!("http://127.0.0.1:{}", t.address().port())).collect();
    let sites = args.rate * u64::from(args.interval);
    match args.backend {
        Backend::Sqlite => {
            let spec = SiteSpec {
                bases,
                count: sites,
                interval_secs: args.interval,
                delay_ms: 0,
                error_every: 0,
            };
            let limit = args.wal_limit_mib << 20;
            let database = SqliteSoak::create(&workdir.join("soak.db"), &spec, limit).await?;
            soak(&args, database, &workdir).await?;
        }
        Backend::Postgres => {
            let name = format!("lookout_bench_soak_{}", std::process::id());
            let database =
                PostgresSoak::create(&args.postgres_url, &name, &bases, sites, args.interval)
                    .await?;
            soak(&args, database, &workdir).await?;
        }
    }
    std::fs::remove_dir_all(&workdir).ok();
    Ok(())
}

/// The machine's 1-minute load average (how busy the shared cores were).
fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse().ok())
        .unwrap_or(f64::NAN)
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / 1_048_576.0
}

async fn soak<D: SoakDatabase>(
    args: &Args,
    mut database: D,
    workdir: &std::path::Path,
) -> anyhow::Result<()> {
    let env = vec![
        ("DATABASE_URL", database.url()),
        ("LOOKOUT__SCHEDULER__MAX_CONCURRENT_CHECKS", args.concurrency.to_string()),
        ("LOOKOUT__PROBE__RETRIES", "0".to_owned()),
    ];
    let binary = args.lookout.clone().map_or_else(lookout_binary, Ok)?;
    let mut lookout = LookoutProcess::start_binary(&binary, workdir, &env)?;
    lookout.wait_for("Listening on", Duration::from_secs(300)).await?;
    let started = Instant::now();

    let sites = args.rate * u64::from(args.interval);
    println!(
        "lookout-bench soak ({:?}, {sites} sites every {} s = {} checks/s offered, {} minutes, \
         nobody scrapes /metrics; {})",
        args.backend,
        args.interval,
        args.rate,
        args.minutes,
        binary.display()
    );
    println!(
        "  {:>3} {:>11} {:>11} {:>11} {:>8} {:>8} {:>11} {:>9} {:>8} {:>5}",
        "min",
        "RssAnon MiB",
        "fds",
        "threads",
        "WAL MiB",
        "B/check",
        "late p99 ms",
        "checks/s",
        "CPU",
        "load"
    );
    let mut grid = GridLateness::new(Duration::from_secs(u64::from(args.interval)));
    let mut minutes: Vec<Minute> = Vec::new();
    let mut rates = Vec::new();
    let (mut last_id, mut stored) = (0_i64, 0_i64);
    let (mut read_at, mut cpu_secs) = (started, lookout.usage()?.cpu_secs);
    for minute in 1..=args.minutes {
        let end = started + Duration::from_secs(60 * minute as u64);
        let (mut fds, mut threads) = ((u64::MAX, 0), (u64::MAX, 0));
        // Sampled every second; the minute's median is its level (a leak moves it, the batch
        // in flight at one instant does not).
        let mut rss = Vec::with_capacity(61);
        loop {
            lookout.ensure_running()?;
            let held = lookout.holdings()?;
            rss.push(held.rss_anon_kib);
            fds = (fds.0.min(held.fds), fds.1.max(held.fds));
            threads = (threads.0.min(held.threads), threads.1.max(held.threads));
            let now = Instant::now();
            if now >= end {
                break;
            }
            tokio::time::sleep((end - now).min(Duration::from_secs(1))).await;
        }
        rss.push(lookout.holdings()?.rss_anon_kib);
        rss.sort_unstable();
        let rss_median = rss[rss.len() / 2];
        let cpu_now = lookout.usage()?.cpu_secs;
        let (checks, last) = database.checks_after(last_id).await?;
        let now = Instant::now();
        let rate = checks.len() as f64 / (now - read_at).as_secs_f64();
        let mut lateness = grid.lateness_ms(&checks);
        let footprint = database.footprint().await?;
        (last_id, read_at) = (last, now);
        stored += i64::try_from(checks.len())?;
        rates.push(rate);
        let row = Minute { rss_anon_kib: rss_median, fds, threads, wal_bytes: footprint.wal_bytes };
        minutes.push(row);
        println!(
            "  {minute:>3} {:>11.1} {:>11} {:>11} {:>8.1} {:>8.0} {:>11.1} {:>9.0} {:>8.2} {:>5.2}",
            row.rss_anon_kib as f64 / 1024.0,
            format!("{}–{}", fds.0, fds.1),
            format!("{}–{}", threads.0, threads.1),
            mib(footprint.wal_bytes),
            footprint.checks_bytes as f64 / stored.max(1) as f64,
            quantile(&mut lateness, 0.99),
            rate,
            (cpu_now - cpu_secs) / 60.0,
            load_average(),
        );
        cpu_secs = cpu_now;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let logs = lookout.stop()?;
    report(args, &mut database, &logs, stored, elapsed, &rates, &minutes).await?;
    database.remove().await
}

async fn report<D: SoakDatabase>(
    args: &Args,
    database: &mut D,
    logs: &[String],
    stored: i64,
    elapsed: f64,
    rates: &[f64],
    minutes: &[Minute],
) -> anyhow::Result<()> {
    let judged = rates.get(args.warmup..).filter(|rest| !rest.is_empty());
    let overall_rate = stored as f64 / elapsed;
    let judged_rate =
        judged.map_or(overall_rate, |rest| rest.iter().sum::<f64>() / rest.len() as f64);
    println!(
        "  achieved: {stored} checks stored in {elapsed:.0} s = {overall_rate:.0} checks/s \
         ({judged_rate:.0} checks/s after the warm-up; {} offered)",
        args.rate,
    );
    let stopped = logs
        .iter()
        .find(|l| l.contains("Check worker stopped"))
        .context("lookout did not report its worker stats")?;
    let p99 = log_number(stopped, "lateness_p99_ms").unwrap_or(f64::NAN);
    println!(
        "  lateness over the whole run (lookout's own figures, logged at shutdown): p50 {:.1} / \
         p99 {p99:.1} / max {:.1} ms over {:.0} checks",
        log_number(stopped, "lateness_p50_ms").unwrap_or(f64::NAN),
        log_number(stopped, "lateness_max_ms").unwrap_or(f64::NAN),
        log_number(stopped, "checks").unwrap_or(f64::NAN),
    );
    if p99 * 2.0 >= f64::from(args.interval) * 1000.0 {
        println!(
            "  note: lateness reached half an interval: the per-minute estimates wrap round and \
             are too small; the shutdown figure holds"
        );
    }
    for line in database.final_figures(stored).await? {
        println!("  {line}");
    }
    println!("  RssAnon: the median of the minute's per-second samples");
    println!("  WAL: {}", database.wal_meaning());
    let bounds = Bounds {
        warmup_minutes: args.warmup,
        rss_growth_percent: 5.0,
        fd_rise: FD_RISE,
        thread_rise: THREAD_RISE,
        wal_limit_bytes: database.wal_limit_bytes(),
    };
    let saturated = verdict::saturation(p99, judged_rate, args.rate);
    if let Some(note) = &saturated {
        println!("  {note}");
    }
    let Some(criteria) = verdict::judge(minutes, &bounds) else {
        println!(
            "  verdict: none (the run was not longer than its {}-minute warm-up)",
            args.warmup
        );
        return Ok(());
    };
    println!(
        "  verdict (minutes {}–{} judged, after a {}-minute warm-up):",
        args.warmup + 1,
        minutes.len(),
        args.warmup
    );
    for criterion in &criteria {
        let outcome = if criterion.pass { "PASS" } else { "FAIL" };
        println!("    {:<12} {outcome}  {}", criterion.name, criterion.figures);
    }
    let overall = if criteria.iter().all(|c| c.pass) { "PASS" } else { "FAIL" };
    println!("    {:<12} {overall}", "overall");
    if saturated.is_some() {
        println!("    (a saturated run: see the note above before reading the RSS criterion)");
    }
    Ok(())
}

/// How far the per-minute minimum of open descriptors may rise after the warm-up. The samples
/// include the sockets of in-flight checks (bursts of tens at 10,000 checks/s); a leak raises
/// the minimum minute after minute.
const FD_RISE: u64 = 16;
/// The same for threads (tokio's blocking pool starts and retires threads as it needs them).
const THREAD_RISE: u64 = 8;
