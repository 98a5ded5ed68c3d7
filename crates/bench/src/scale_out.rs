//! `lookout-bench scale-out`: the shared schedule's cost on PostgreSQL. The same sites are
//! checked by 1 node with the local schedule, 1 node with the shared one, and N nodes with the
//! shared one; each case reports stored checks/s, lateness, lookout's CPU and the database's
//! CPU (every `postgres` process on the machine), and the database's row writes.
//! Also runs as `lookout-bench scale`.

use std::time::{Duration, Instant};

use anyhow::Context;
use diesel::sql_types::Double;
use diesel_async::{AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use lookout_target_farm::TargetServer;

use crate::lookout_process::{LookoutProcess, log_number};
use crate::postgres_db::{BenchDatabase, number};
use crate::throughput::tempfile_dir;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A PostgreSQL server URL (any database): each case makes a database of its own there.
    #[arg(
        long,
        env = "LOOKOUT_BENCH_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    database_url: String,
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
    /// Farm listeners (ports).
    #[arg(long, default_value_t = 4)]
    listeners: usize,
}

/// One case's figures.
#[derive(Debug, Clone)]
struct Figures {
    name: String,
    checks_per_sec: f64,
    lateness_p50_ms: f64,
    lateness_p99_ms: f64,
    lateness_max_ms: f64,
    /// Checks the nodes' workers ran over the whole run (their "Check worker stopped" lines).
    worker_checks: f64,
    lookout_cores: f64,
    db_cores: f64,
    schedule_updates_per_sec: f64,
    check_inserts_per_sec: f64,
    commits_per_sec: f64,
    wal_bytes_per_check: f64,
}

impl Figures {
    fn db_ms_per_1k_checks(&self) -> f64 {
        self.db_cores * 1000.0 / self.checks_per_sec * 1000.0
    }
}

#[derive(diesel::QueryableByName)]
struct Seconds {
    #[diesel(sql_type = Double)]
    s: f64,
}

/// CPU seconds used so far by every process named `postgres` (the server and its backends).
fn postgres_cpu_secs() -> f64 {
    let ticks_per_sec = 100.0;
    let Ok(entries) = std::fs::read_dir("/proc") else { return 0.0 };
    entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|e| std::fs::read_to_string(e.path().join("stat")).ok())
        .filter(|stat| stat.contains("(postgres)"))
        .map(|stat| {
            let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
            let fields: Vec<&str> = after.split_whitespace().collect();
            let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
            (ticks(11) + ticks(12)) / ticks_per_sec
        })
        .sum()
}

/// The database's write counters at one moment.
#[derive(Debug, Clone, Copy)]
struct WriteCounters {
    /// Rows updated in `check_schedule`.
    schedule_updates: i64,
    /// Rows inserted into `monitor_checks` (all its partitions).
    check_inserts: i64,
    /// Commits in the database.
    commits: i64,
    /// WAL bytes written (the whole server).
    wal_bytes: i64,
}

async fn write_counters(conn: &mut AsyncPgConnection) -> anyhow::Result<WriteCounters> {
    // The statistics collector's counters are cached per transaction; read fresh ones.
    conn.batch_execute("SELECT pg_stat_clear_snapshot()").await?;
    let schedule_updates = number(
        conn,
        "SELECT COALESCE(SUM(n_tup_upd), 0)::bigint AS n FROM pg_stat_user_tables \
         WHERE relname = 'check_schedule'",
    )
    .await?;
    let check_inserts = number(
        conn,
        "SELECT COALESCE(SUM(n_tup_ins), 0)::bigint AS n FROM pg_stat_user_tables \
         WHERE relname LIKE 'monitor_checks%'",
    )
    .await?;
    let commits = number(
        conn,
        "SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()",
    )
    .await?;
    let wal_bytes =
        number(conn, "SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint AS n").await?;
    Ok(WriteCounters { schedule_updates, check_inserts, commits, wal_bytes })
}

async fn run_case(
    args: &Args,
    bases: &[String],
    mode: &str,
    nodes: usize,
) -> anyhow::Result<Figures> {
    let name = format!("lookout_bench_{}_{mode}_{nodes}", std::process::id());
    let database = BenchDatabase::create(&args.database_url, &name).await?;
    database.insert_sites(bases, args.sites, args.interval).await?;
    let url = database.url.clone();
    let mut conn = database.connect().await?;

    let workdir = tempfile_dir()?.join(&name);
    let mut processes = Vec::new();
    for node in 0..nodes {
        let dir = workdir.join(format!("node-{node}"));
        std::fs::create_dir_all(&dir)?;
        let env = vec![
            ("DATABASE_URL", url.clone()),
            ("LOOKOUT__SCHEDULER__MODE", mode.to_owned()),
            ("LOOKOUT__SCHEDULER__LEASE_SECS", "30".to_owned()),
            ("LOOKOUT__NODE__ID", format!("bench-{node}")),
            ("LOOKOUT__PROBE__TIMEOUT_SECS", "10".to_owned()),
            ("LOOKOUT__PROBE__RETRIES", "0".to_owned()),
            ("LOOKOUT__RETENTION__ENABLED", "false".to_owned()),
        ];
        let mut process = LookoutProcess::start(&dir, &env)?;
        process.wait_for("Listening on", Duration::from_secs(120)).await?;
        processes.push(process);
    }
    tokio::time::sleep(Duration::from_secs(u64::from(args.interval) + args.warmup)).await;

    let db_clock = "SELECT EXTRACT(epoch FROM now() AT TIME ZONE 'UTC')::float8 AS s";
    let from: Seconds = diesel::sql_query(db_clock).get_result(&mut conn).await?;
    let before = write_counters(&mut conn).await?;
    let db_cpu_before = postgres_cpu_secs();
    let lookout_cpu_before: f64 =
        processes.iter().map(|p| p.usage().map_or(0.0, |u| u.cpu_secs)).sum();
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(args.duration)).await;
    let elapsed = started.elapsed().as_secs_f64();
    let db_cpu = postgres_cpu_secs() - db_cpu_before;
    let lookout_cpu = processes.iter().map(|p| p.usage().map_or(0.0, |u| u.cpu_secs)).sum::<f64>()
        - lookout_cpu_before;
    let to: Seconds = diesel::sql_query(db_clock).get_result(&mut conn).await?;
    let after = write_counters(&mut conn).await?;

    let (mut p50, mut p99, mut max, mut worker_checks) = (0.0_f64, 0.0_f64, 0.0_f64, 0.0_f64);
    for process in processes {
        let logs = process.stop()?;
        let stopped = logs
            .iter()
            .find(|l| l.contains("Check worker stopped"))
            .context("lookout did not report its worker stats")?;
        p50 = p50.max(log_number(stopped, "lateness_p50_ms").unwrap_or(f64::NAN));
        p99 = p99.max(log_number(stopped, "lateness_p99_ms").unwrap_or(f64::NAN));
        max = max.max(log_number(stopped, "lateness_max_ms").unwrap_or(f64::NAN));
        worker_checks += log_number(stopped, "checks").unwrap_or(0.0);
    }
    let checks = number(
        &mut conn,
        &format!(
            "SELECT COUNT(*) AS n FROM monitor_checks WHERE timestamp >= \
             to_timestamp({}) AT TIME ZONE 'UTC' AND timestamp < to_timestamp({}) AT TIME ZONE 'UTC'",
            from.s, to.s
        ),
    )
    .await?;
    drop(conn);
    database.drop_database().await?;
    std::fs::remove_dir_all(&workdir).ok();
    let window = to.s - from.s;
    Ok(Figures {
        name: format!("{nodes} node{} {mode}", if nodes == 1 { "" } else { "s" }),
        checks_per_sec: checks as f64 / window,
        lateness_p50_ms: p50,
        lateness_p99_ms: p99,
        lateness_max_ms: max,
        worker_checks,
        lookout_cores: lookout_cpu / elapsed,
        db_cores: db_cpu / elapsed,
        schedule_updates_per_sec: (after.schedule_updates - before.schedule_updates) as f64
            / elapsed,
        check_inserts_per_sec: (after.check_inserts - before.check_inserts) as f64 / elapsed,
        commits_per_sec: (after.commits - before.commits) as f64 / elapsed,
        wal_bytes_per_check: (after.wal_bytes - before.wal_bytes) as f64 / checks.max(1) as f64,
    })
}

pub(crate) async fn run(args: Args) -> anyhow::Result<()> {
    let mut farm = Vec::new();
    for _ in 0..args.listeners.max(1) {
        farm.push(TargetServer::start().await);
    }
    let bases: Vec<String> =
        farm.iter().map(|t| format!("http://127.0.0.1:{}", t.address().port())).collect();
    let cases = [("local", 1), ("shared", 1), ("shared", args.nodes.max(1))];
    let mut results = Vec::new();
    for (mode, nodes) in cases {
        let figures = run_case(&args, &bases, mode, nodes).await?;
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
