//! One PostgreSQL case of the multi-node benchmarks (`scale-out`, `regions`): a fresh database
//! with N sites, M `lookout` nodes (each with its own id, and a region when the case says), a
//! warm-up, then a measured window — stored checks/s, lateness, lookout's and the database's
//! CPU (every `postgres` process on the machine), row writes, commits and WAL.

use std::time::{Duration, Instant};

use anyhow::Context;
use diesel::sql_types::Double;
use diesel_async::{AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};

use crate::lookout_process::{LookoutProcess, log_number};
use crate::postgres_db::{BenchDatabase, number};
use crate::throughput::tempfile_dir;

/// The PostgreSQL server the multi-node benchmarks make their databases on.
#[derive(Debug, clap::Args)]
pub(crate) struct PgServer {
    /// A PostgreSQL server URL (any database): each case makes a database of its own there.
    #[arg(
        long,
        env = "LOOKOUT_BENCH_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    pub(crate) database_url: String,
}

/// What every case of one run shares.
#[derive(Debug, Clone)]
pub(crate) struct Workload {
    /// A PostgreSQL server URL (any database): each case makes a database of its own there.
    pub(crate) database_url: String,
    /// The farm's listeners (`http://127.0.0.1:PORT`).
    pub(crate) bases: Vec<String>,
    pub(crate) sites: u64,
    /// Seconds between two checks of one site.
    pub(crate) interval: u32,
    /// Seconds measured (after one interval and `warmup` s).
    pub(crate) duration: u64,
    pub(crate) warmup: u64,
    /// `scheduler.lease_secs` of every node: the shared schedule's check timeout is 2 s less,
    /// and a slot is claimed without a lease when the site's interval is longer than that.
    pub(crate) lease_secs: u64,
    /// `probe.timeout_secs` of every node (the lease must be at least this plus 5 s).
    pub(crate) probe_timeout_secs: f64,
}

/// One case: the schedule mode, each node's region, and the regions every site chooses.
#[derive(Debug, Clone)]
pub(crate) struct Case {
    pub(crate) name: String,
    pub(crate) mode: &'static str,
    /// One entry per node: its `node.region` (`None`: none).
    pub(crate) nodes: Vec<Option<&'static str>>,
    /// `websites.regions` of every site (a JSON array), `None`: any region.
    pub(crate) site_regions: Option<&'static str>,
}

/// One case's figures.
#[derive(Debug, Clone)]
pub(crate) struct Figures {
    pub(crate) name: String,
    pub(crate) checks_per_sec: f64,
    pub(crate) lateness_p50_ms: f64,
    pub(crate) lateness_p99_ms: f64,
    pub(crate) lateness_max_ms: f64,
    /// Checks the nodes' workers ran over the whole run (their "Check worker stopped" lines).
    pub(crate) worker_checks: f64,
    pub(crate) lookout_cores: f64,
    pub(crate) db_cores: f64,
    pub(crate) schedule_updates_per_sec: f64,
    pub(crate) check_inserts_per_sec: f64,
    pub(crate) commits_per_sec: f64,
    pub(crate) wal_bytes_per_check: f64,
}

impl Figures {
    pub(crate) fn db_ms_per_1k_checks(&self) -> f64 {
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

/// Runs `case` on a database of its own and returns its figures.
pub(crate) async fn run_case(load: &Workload, case: &Case) -> anyhow::Result<Figures> {
    let slug: String =
        case.name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    let name = format!("lookout_bench_{}_{slug}", std::process::id()).to_lowercase();
    let database = BenchDatabase::create(&load.database_url, &name).await?;
    database.insert_sites(&load.bases, load.sites, load.interval).await?;
    let mut conn = database.connect().await?;
    if let Some(regions) = case.site_regions {
        conn.batch_execute(&format!("UPDATE websites SET regions = '{regions}'")).await?;
    }
    let url = database.url.clone();

    let workdir = tempfile_dir()?.join(&name);
    let mut processes = Vec::new();
    for (node, region) in case.nodes.iter().enumerate() {
        let dir = workdir.join(format!("node-{node}"));
        std::fs::create_dir_all(&dir)?;
        let mut env = vec![
            ("DATABASE_URL", url.clone()),
            ("LOOKOUT__SCHEDULER__MODE", case.mode.to_owned()),
            ("LOOKOUT__SCHEDULER__LEASE_SECS", load.lease_secs.to_string()),
            ("LOOKOUT__NODE__ID", format!("bench-{node}")),
            ("LOOKOUT__PROBE__TIMEOUT_SECS", load.probe_timeout_secs.to_string()),
            ("LOOKOUT__PROBE__RETRIES", "0".to_owned()),
            ("LOOKOUT__RETENTION__ENABLED", "false".to_owned()),
        ];
        if let Some(region) = region {
            env.push(("LOOKOUT__NODE__REGION", (*region).to_owned()));
        }
        let mut process = LookoutProcess::start(&dir, &env)?;
        process.wait_for("Listening on", Duration::from_secs(120)).await?;
        processes.push(process);
    }
    tokio::time::sleep(Duration::from_secs(u64::from(load.interval) + load.warmup)).await;

    let db_clock = "SELECT EXTRACT(epoch FROM now() AT TIME ZONE 'UTC')::float8 AS s";
    let from: Seconds = diesel::sql_query(db_clock).get_result(&mut conn).await?;
    let before = write_counters(&mut conn).await?;
    let db_cpu_before = postgres_cpu_secs();
    let lookout_cpu_before: f64 =
        processes.iter().map(|p| p.usage().map_or(0.0, |u| u.cpu_secs)).sum();
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(load.duration)).await;
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
        name: case.name.clone(),
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
