//! `lookout-bench idle`: RSS per scheduled site, with many sites at a long interval.

use std::time::Duration;

use lookout_target_farm::TargetServer;

use crate::lookout_process::LookoutProcess;
use crate::sites::{self, SiteSpec};
use crate::throughput::tempfile_dir;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Sites to schedule.
    #[arg(long, default_value_t = 1_000_000)]
    sites: u64,
    /// Seconds between checks (long: most sites stay idle during the run).
    #[arg(long, default_value_t = 3600)]
    interval: u32,
    /// Seconds to let lookout settle before reading its RSS.
    #[arg(long, default_value_t = 10)]
    settle: u64,
}

async fn measure(count: u64, interval: u32, settle: u64, base: &str) -> anyhow::Result<(u64, u64)> {
    let workdir = tempfile_dir()?.join(format!("idle-{count}"));
    std::fs::create_dir_all(&workdir)?;
    let db_path = workdir.join("idle.db");
    let spec = SiteSpec {
        bases: vec![base.to_owned()],
        count,
        interval_secs: interval,
        delay_ms: 0,
        error_every: 0,
    };
    let database_url = sites::create(&db_path, &spec).await?;
    let mut lookout = LookoutProcess::start(&workdir, &[("DATABASE_URL", database_url)])?;
    lookout.wait_for("Listening on", Duration::from_secs(600)).await?;
    tokio::time::sleep(Duration::from_secs(settle)).await;
    let usage = lookout.usage()?;
    lookout.stop()?;
    std::fs::remove_dir_all(&workdir).ok();
    Ok((usage.rss_kib, usage.peak_rss_kib))
}

pub(crate) async fn run(args: Args) -> anyhow::Result<()> {
    let farm = TargetServer::start().await;
    let base = format!("http://127.0.0.1:{}", farm.address().port());
    let (empty_rss, empty_peak) = measure(0, args.interval, args.settle, &base).await?;
    let (rss, peak) = measure(args.sites, args.interval, args.settle, &base).await?;
    let per_site = (rss.saturating_sub(empty_rss)) as f64 * 1024.0 / args.sites as f64;
    let peak_per_site = (peak.saturating_sub(empty_peak)) as f64 * 1024.0 / args.sites as f64;
    println!("lookout-bench idle");
    println!("  sites                 {:>10} every {} s", args.sites, args.interval);
    println!("  RSS with no sites     {empty_rss:>10} KiB");
    println!("  RSS with the sites    {rss:>10} KiB (peak {peak} KiB)");
    println!("  RSS per site          {per_site:>10.0} bytes (peak {peak_per_site:.0} bytes)");
    Ok(())
}
