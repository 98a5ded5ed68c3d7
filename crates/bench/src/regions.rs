//! `lookout-bench regions`: what checking from several regions costs one PostgreSQL. The same
//! sites are checked by three nodes with no regions (as before regions existed), by three nodes
//! of one region with every site choosing it (each check is a vote of one), and by three nodes in
//! three regions with every site choosing all three (three checks per site per interval, each a
//! vote over the regions' verdicts). Each case reports stored checks/s, lateness, the database's
//! CPU and WAL per 1,000 checks; then how many sites × regions one PostgreSQL carries at 60 s.

use lookout_target_farm::TargetServer;

use crate::pg_case::{Case, Figures, PgServer, Workload, run_case};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    server: PgServer,
    /// Sites to check.
    #[arg(long, default_value_t = 10_000)]
    sites: u64,
    /// Seconds between two checks of one site (from each region).
    #[arg(long, default_value_t = 10)]
    interval: u32,
    /// Seconds measured per case (after one interval and `--warmup` s of warm-up).
    #[arg(long, default_value_t = 60)]
    duration: u64,
    /// Warm-up seconds on top of one interval before the measured window.
    #[arg(long, default_value_t = 10)]
    warmup: u64,
    /// Farm listeners (ports).
    #[arg(long, default_value_t = 4)]
    listeners: usize,
}

pub(crate) async fn run(args: Args) -> anyhow::Result<()> {
    let mut farm = Vec::new();
    for _ in 0..args.listeners.max(1) {
        farm.push(TargetServer::start().await);
    }
    let load = Workload {
        database_url: args.server.database_url.clone(),
        bases: farm.iter().map(|t| format!("http://127.0.0.1:{}", t.address().port())).collect(),
        sites: args.sites,
        interval: args.interval,
        duration: args.duration,
        warmup: args.warmup,
        lease_secs: 30,
        probe_timeout_secs: 10.0,
    };
    let cases = [
        Case {
            name: "no regions".into(),
            mode: "shared",
            nodes: vec![None; 3],
            site_regions: None,
        },
        Case {
            name: "one region".into(),
            mode: "shared",
            nodes: vec![Some("eu"); 3],
            site_regions: Some(r#"["eu"]"#),
        },
        Case {
            name: "three regions".into(),
            mode: "shared",
            nodes: vec![Some("eu"), Some("us"), Some("ap")],
            site_regions: Some(r#"["eu","us","ap"]"#),
        },
    ];
    let mut results = Vec::new();
    for case in &cases {
        let figures = run_case(&load, case).await?;
        eprintln!("{}: {:.0} checks/s stored", figures.name, figures.checks_per_sec);
        results.push(figures);
    }
    print_report(&args, &results);
    Ok(())
}

fn print_report(args: &Args, results: &[Figures]) {
    println!(
        "lookout-bench regions ({} sites every {} s, 3 nodes, {} s measured per case)",
        args.sites, args.interval, args.duration
    );
    println!(
        "  {:<14} {:>8} {:>9} {:>22} {:>8} {:>8} {:>11} {:>12} {:>10}",
        "case",
        "offered",
        "checks/s",
        "late p50/p99/max ms",
        "lookout",
        "db cores",
        "db ms/1k ck",
        "WAL KB/1k ck",
        "commits/s"
    );
    for (f, per_site) in results.iter().zip([1.0, 1.0, 3.0]) {
        println!(
            "  {:<14} {:>8.0} {:>9.0} {:>6.1}/{:>7.1}/{:>7.1} {:>8.2} {:>8.2} {:>11.1} {:>12.1} {:>10.0}",
            f.name,
            args.sites as f64 * per_site / f64::from(args.interval),
            f.checks_per_sec,
            f.lateness_p50_ms,
            f.lateness_p99_ms,
            f.lateness_max_ms,
            f.lookout_cores,
            f.db_cores,
            f.db_ms_per_1k_checks(),
            f.wal_bytes_per_check,
            f.commits_per_sec,
        );
    }
    let [plain, one, three] = results else { return };
    println!(
        "  per check, against no regions: one region db CPU {:.2}× WAL {:.2}×; three regions db CPU {:.2}× WAL {:.2}×",
        one.db_ms_per_1k_checks() / plain.db_ms_per_1k_checks(),
        one.wal_bytes_per_check / plain.wal_bytes_per_check,
        three.db_ms_per_1k_checks() / plain.db_ms_per_1k_checks(),
        three.wal_bytes_per_check / plain.wal_bytes_per_check,
    );
    // One database core's worth of checks, as measured in the three-region case.
    let per_core = 1e6 / three.db_ms_per_1k_checks().max(f64::MIN_POSITIVE);
    let wal_mib_per_core = per_core * three.wal_bytes_per_check / 1_048_576.0;
    println!(
        "  estimate: one PostgreSQL core carries about {per_core:.0} region checks/s = {:.0} sites × regions at 60 s \
         ({wal_mib_per_core:.1} MiB/s of WAL); a 4-core server kept at 50 % about {:.0}",
        per_core * 60.0,
        per_core * 60.0 * 2.0,
    );
}
