//! `lookout-bench alerts`: the alert path under load (issue 12). The release `lookout` checks N
//! sites (default 10,000) against the local farm and alerts a webhook receiver in this
//! process. Two runs, each on a fresh database:
//!
//! 1. grouping off (`alerts.group_wait_secs = 0`, the rate limit out of the way): a healthy
//!    baseline (the check rate with no storm); a trickle of single outages (latency from the
//!    check that crossed the threshold, `check.timestamp` in the event, to the receiver getting
//!    it — one clock); a storm (every site down at once: deliveries per second, the check rate
//!    meanwhile as a ratio of the baseline, latency); the storm back up; then every site down
//!    again while the receiver fails every other request (every event must arrive, and once
//!    per dedup key after the receiver's dedup).
//! 2. grouping and rate limit at their defaults: a baseline, then the storm: how many messages
//!    carry the events, and how many arrive within `--grouped-secs`.
//!
//! Circuit breakers are off (threshold 1,000,000): a down site keeps being checked, so the
//! check rate compares like with like.

mod farm;
mod phases;
mod received;
mod report;
mod setup;

use std::path::Path;
use std::time::Duration;

use lookout_target_farm::WebhookReceiver;

use self::farm::Farm;
use self::phases::Rig;
use self::report::{GroupedRun, UngroupedRun};
use self::setup::{Api, Backend, RunDatabase};
use crate::lookout_process::LookoutProcess;
use crate::throughput::tempfile_dir;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Runs {
    Both,
    Ungrouped,
    Grouped,
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Sites, every one alerting the one webhook channel.
    #[arg(long, default_value_t = 10_000)]
    sites: u64,
    /// Seconds between two checks of one site.
    #[arg(long, default_value_t = 2)]
    interval: u32,
    /// Seconds of the healthy baseline.
    #[arg(long, default_value_t = 20)]
    baseline_secs: u64,
    /// Sites taken down (and back up) one at a time for the latency figures.
    #[arg(long, default_value_t = 100)]
    trickle_sites: u64,
    /// Milliseconds between two of them.
    #[arg(long, default_value_t = 100)]
    trickle_ms: u64,
    /// Longest wait for a phase's events (run 1).
    #[arg(long, default_value_t = 600)]
    timeout_secs: u64,
    /// How long run 2 (grouping and rate limit at their defaults) waits for the storm's events.
    #[arg(long, default_value_t = 120)]
    grouped_secs: u64,
    /// Which runs: 1 (grouping off), 2 (grouping on) or both.
    #[arg(long, value_enum, default_value_t = Runs::Both)]
    runs: Runs,
    /// `alerts.retry_max_secs` (the default, 300, lets the half-failing phase's unluckiest
    /// events wait minutes between attempts).
    #[arg(long, default_value_t = 10)]
    retry_max_secs: u64,
    /// The database lookout writes to.
    #[arg(long, value_enum, default_value_t = Backend::Sqlite)]
    backend: Backend,
    /// PostgreSQL server (with `--backend postgres`): a fresh database is made there per run.
    #[arg(
        long,
        env = "LOOKOUT_BENCH_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    postgres_url: String,
    /// Farm listeners (ports).
    #[arg(long, default_value_t = 4)]
    listeners: usize,
    /// lookout's scheduler.max_concurrent_checks.
    #[arg(long, default_value_t = 1024)]
    concurrency: usize,
}

/// Starts lookout on `database` with the run's own settings; returns it and its API once it
/// listens and has a default webhook channel to the receiver, after one interval of checks.
async fn start(
    args: &Args,
    database: &RunDatabase,
    workdir: &Path,
    receiver: &WebhookReceiver,
    extra: &[(&'static str, String)],
) -> anyhow::Result<(LookoutProcess, Api)> {
    let mut env = vec![
        ("DATABASE_URL", database.url()),
        ("LOOKOUT__SCHEDULER__MAX_CONCURRENT_CHECKS", args.concurrency.to_string()),
        ("LOOKOUT__PROBE__RETRIES", "0".to_owned()),
        ("LOOKOUT__CIRCUIT_BREAKER__FAILURE_THRESHOLD", "1000000".to_owned()),
        ("LOOKOUT__ALERTS__RETRY_MAX_SECS", args.retry_max_secs.to_string()),
    ];
    env.extend_from_slice(extra);
    let mut lookout = LookoutProcess::start(workdir, &env)?;
    let api = Api::of(&mut lookout).await?;
    api.default_webhook(&receiver.url("/hook")).await?;
    // The first checks spread over one interval; then every site has been checked once.
    tokio::time::sleep(Duration::from_secs(u64::from(args.interval) + 5)).await;
    Ok((lookout, api))
}

async fn database(
    args: &Args,
    workdir: &Path,
    farm: &Farm,
    name: &str,
) -> anyhow::Result<RunDatabase> {
    RunDatabase::create(
        args.backend,
        &args.postgres_url,
        workdir,
        name,
        farm.bases(),
        args.sites,
        args.interval,
    )
    .await
}

async fn ungrouped(
    args: &Args,
    workdir: &Path,
    farm: &Farm,
    receiver: &WebhookReceiver,
) -> anyhow::Result<UngroupedRun> {
    let database = database(args, workdir, farm, "alerts_ungrouped").await?;
    let extra = [
        ("LOOKOUT__ALERTS__GROUP_WAIT_SECS", "0".to_owned()),
        ("LOOKOUT__ALERTS__RATE_LIMIT_PER_HOUR", "1000000".to_owned()),
    ];
    let (mut lookout, api) = start(args, &database, workdir, receiver, &extra).await?;
    let mut rig = Rig {
        farm,
        receiver,
        lookout: &mut lookout,
        sites: args.sites,
        timeout: Duration::from_secs(args.timeout_secs),
    };
    let baseline = rig.baseline(args.baseline_secs).await?;
    report::progress("baseline", &report::load_average());
    let trickle = rig.trickle(args.trickle_sites, Duration::from_millis(args.trickle_ms)).await?;
    report::progress("trickle", &report::load_average());
    let down = rig.storm(503, false).await?;
    report::progress("storm down", &report::load_average());
    let up = rig.storm(200, false).await?;
    report::progress("storm up", &report::load_average());
    let flaky = rig.flaky(Duration::from_secs(5)).await?;
    report::progress("half-failing receiver", &report::load_average());
    let dead = api.deliveries("dead").await?;
    let waiting = api.deliveries("pending").await? + api.deliveries("failed").await?;
    lookout.stop()?;
    database.remove().await?;
    Ok(UngroupedRun { sites: args.sites, baseline, trickle, down, up, flaky, dead, waiting })
}

async fn grouped(
    args: &Args,
    workdir: &Path,
    farm: &Farm,
    receiver: &WebhookReceiver,
) -> anyhow::Result<GroupedRun> {
    receiver.clear();
    // Every site healthy again (run 1 left them down).
    farm.set(1..=args.sites, 200);
    let database = database(args, workdir, farm, "alerts_grouped").await?;
    let (mut lookout, _api) = start(args, &database, workdir, receiver, &[]).await?;
    let mut rig = Rig {
        farm,
        receiver,
        lookout: &mut lookout,
        sites: args.sites,
        timeout: Duration::from_secs(args.grouped_secs),
    };
    let baseline = rig.baseline(args.baseline_secs).await?;
    let down = rig.storm(503, true).await?;
    report::progress("grouped storm", &report::load_average());
    lookout.stop()?;
    database.remove().await?;
    Ok(GroupedRun { baseline, down, waited_secs: args.grouped_secs })
}

pub(crate) async fn run(args: Args) -> anyhow::Result<()> {
    let workdir = tempfile_dir()?.join("alerts");
    std::fs::create_dir_all(&workdir)?;
    let farm = Farm::start(args.listeners).await;
    let receiver = WebhookReceiver::start().await;
    let header = report::Header {
        backend: args.backend,
        sites: args.sites,
        interval: args.interval,
        load_at_start: report::load_average(),
    };
    header.print();
    let first = if args.runs == Runs::Grouped {
        None
    } else {
        let first = ungrouped(&args, &workdir, &farm, &receiver).await?;
        first.print(&args);
        Some(first)
    };
    let second = if args.runs == Runs::Ungrouped {
        None
    } else {
        let second = grouped(&args, &workdir, &farm, &receiver).await?;
        second.print(args.sites);
        Some(second)
    };
    report::verdicts(first.as_ref(), second.as_ref());
    std::fs::remove_dir_all(&workdir).ok();
    Ok(())
}
