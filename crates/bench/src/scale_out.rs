//! `lookout-bench scale-out`: the shared schedule's cost on PostgreSQL. The same sites are
//! checked by 1 node with the local schedule, 1 node with the shared one, and N nodes with the
//! shared one; each case reports stored checks/s, lateness, lookout's CPU and the database's
//! CPU (every `postgres` process on the machine), and the database's row writes.
//! Also runs as `lookout-bench scale`.

use lookout_target_farm::TargetServer;

use crate::pg_case::{Case, Figures, PgServer, Workload, run_case};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    server: PgServer,
    /// Sites to check.
    #[arg(long, default_value_t = 6000)]
    sites: u64,
    /// Seconds between two checks of one site.
    #[arg(long, default_value_t = 2)]
    interval: u32,
    /// Seconds measured per case (after one interval and `--warmup` s of warm-up).
    #[arg(long, default_value_t = 30)]
    duration: u64,
    /// Warm-up seconds on top of one interval before the measured window.
    #[arg(long, default_value_t = 3)]
    warmup: u64,
    /// Nodes of the last case.
    #[arg(long, default_value_t = 3)]
    nodes: usize,
    /// `scheduler.lease_secs` of every node. A site whose interval is longer than the lease
    /// less 2 s is claimed without a lease (one row write per check); e.g. `--lease-secs 6
    /// --probe-timeout-secs 1 --interval 5`.
    #[arg(long, default_value_t = 30)]
    lease_secs: u64,
    /// `probe.timeout_secs` of every node.
    #[arg(long, default_value_t = 10.0)]
    probe_timeout_secs: f64,
    /// Farm listeners (ports).
    #[arg(long, default_value_t = 4)]
    listeners: usize,
}

pub(crate) async fn run(args: Args) -> anyhow::Result<()> {
    let mut farm = Vec::new();
    for _ in 0..args.listeners.max(1) {
        farm.push(TargetServer::start().await);
    }
    let bases: Vec<String> =
        farm.iter().map(|t| format!("http://127.0.0.1:{}", t.address().port())).collect();
    let load = Workload {
        database_url: args.server.database_url.clone(),
        bases,
        sites: args.sites,
        interval: args.interval,
        duration: args.duration,
        warmup: args.warmup,
        lease_secs: args.lease_secs,
        probe_timeout_secs: args.probe_timeout_secs,
    };
    let cases = [("local", 1), ("shared", 1), ("shared", args.nodes.max(1))];
    let mut results = Vec::new();
    for (mode, nodes) in cases {
        let case = Case {
            name: format!("{nodes} node{} {mode}", if nodes == 1 { "" } else { "s" }),
            mode,
            nodes: vec![None; nodes],
            site_regions: None,
        };
        let figures = run_case(&load, &case).await?;
        eprintln!("{}: {:.0} checks/s stored", figures.name, figures.checks_per_sec);
        results.push(figures);
    }
    print_report(&args, &results);
    Ok(())
}

fn print_report(args: &Args, results: &[Figures]) {
    let offered = args.sites as f64 / f64::from(args.interval);
    println!(
        "lookout-bench scale-out ({} sites every {} s = {offered:.0} checks/s offered, {} s measured per case)",
        args.sites, args.interval, args.duration
    );
    println!(
        "  {:<16} {:>9} {:>22} {:>9} {:>7} {:>8} {:>11} {:>11} {:>11} {:>9} {:>8} {:>9}",
        "case",
        "checks/s",
        "late p50/p99/max ms",
        "worker ck",
        "lookout",
        "db cores",
        "db ms/1k ck",
        "sched upd/s",
        "check ins/s",
        "commits/s",
        "WAL B/ck",
        "upd/check"
    );
    for f in results {
        println!(
            "  {:<16} {:>9.0} {:>6.1}/{:>7.1}/{:>7.1} {:>9.0} {:>7.2} {:>8.2} {:>11.1} {:>11.0} {:>11.0} {:>9.0} {:>8.0} {:>9.2}",
            f.name,
            f.checks_per_sec,
            f.lateness_p50_ms,
            f.lateness_p99_ms,
            f.lateness_max_ms,
            f.worker_checks,
            f.lookout_cores,
            f.db_cores,
            f.db_ms_per_1k_checks(),
            f.schedule_updates_per_sec,
            f.check_inserts_per_sec,
            f.commits_per_sec,
            f.wal_bytes_per_check,
            f.schedule_updates_per_sec / f.checks_per_sec,
        );
    }
    if let [local, shared, many] = results {
        println!(
            "  shared/local (1 node): checks/s {:.2}, db CPU per 1k checks {:.2}, lateness p99 {:.2}, lookout CPU {:.2}",
            shared.checks_per_sec / local.checks_per_sec,
            shared.db_ms_per_1k_checks() / local.db_ms_per_1k_checks(),
            shared.lateness_p99_ms / local.lateness_p99_ms,
            shared.lookout_cores / local.lookout_cores,
        );
        println!(
            "  {} nodes / 1 node (shared): checks/s {:.2}, db CPU per 1k checks {:.2}",
            args.nodes,
            many.checks_per_sec / shared.checks_per_sec,
            many.db_ms_per_1k_checks() / shared.db_ms_per_1k_checks(),
        );
    }
}
