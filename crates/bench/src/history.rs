//! `lookout-bench history`: statistics latency over a large history on SQLite — N sites with D
//! days of checks (and some downtime windows) — first from raw checks only, then after
//! `lookout rollup`, through the real binary's HTTP API. Also times the roll-up itself.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use diesel::SqliteConnection;
use diesel::sql_types::{BigInt, Double};
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::{AsyncConnection, RunQueryDsl, SimpleAsyncConnection};
use lookout_target_farm::TargetServer;

use crate::lookout_process::{LookoutProcess, lookout_binary};
use crate::sites::{self, SiteSpec};
use crate::stats::quantile;
use crate::throughput::tempfile_dir;

/// The generated history: `sites` × `days` with a check every `interval` seconds (shared with
/// the web benchmark).
#[derive(Debug, clap::Args)]
pub(crate) struct HistoryData {
    #[arg(long, default_value_t = 10_000)]
    pub(crate) sites: u64,
    #[arg(long, default_value_t = 30)]
    pub(crate) days: u64,
    /// Seconds between two checks of a site in the generated history.
    #[arg(long, default_value_t = 300)]
    pub(crate) interval: u64,
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    data: HistoryData,
    /// Requests per measured case.
    #[arg(long, default_value_t = 40)]
    requests: usize,
}

/// Writes `days` days of checks ending now, one statement (one transaction) per day, and a
/// 10-minute downtime window a day on every 50th site.
async fn write_history(path: &Path, args: &HistoryData) -> anyhow::Result<u64> {
    let mut conn =
        SyncConnectionWrapper::<SqliteConnection>::establish(&path.to_string_lossy()).await?;
    conn.batch_execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;").await?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp() as u64;
    let per_day = 86_400 / args.interval;
    for day in 0..args.days {
        let day_start = now - (args.days - day) * 86_400;
        let sql = format!(
            "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {sites}), \
             k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < {last}) \
             INSERT INTO monitor_checks (website_id, timestamp, status_code, response_time, \
                                         is_available, error_message) \
             SELECT n, datetime({day_start} + i * {interval} + n % {interval}, 'unixepoch'), \
                    CASE WHEN (n * 7 + i) % 97 = 0 THEN NULL ELSE 200 END, \
                    ((n * 31 + i * 17) % 800 + 20) / 1000.0, \
                    (n * 7 + i) % 97 != 0, \
                    CASE WHEN (n * 7 + i) % 97 = 0 THEN 'connection refused' END \
             FROM s, k; \
             WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {sites}) \
             INSERT INTO downtime_windows (website_id, start_time, end_time, created_at) \
             SELECT n, datetime({day_start} + n * 7 % 80000, 'unixepoch'), \
                    datetime({day_start} + n * 7 % 80000 + 600, 'unixepoch'), \
                    datetime({day_start} + n * 7 % 80000, 'unixepoch') \
             FROM s WHERE n % 50 = 0;",
            sites = args.sites,
            last = per_day - 1,
            interval = args.interval,
        );
        conn.batch_execute(&sql).await.with_context(|| format!("writing day {day}"))?;
    }
    Ok(args.sites * per_day * args.days)
}

/// Latencies (ms) of `requests` GETs of `path`, after one warm-up.
async fn latencies(
    client: &reqwest::Client,
    base: &str,
    paths: &[String],
    requests: usize,
) -> anyhow::Result<Vec<f64>> {
    let mut times = Vec::with_capacity(requests);
    for i in 0..=requests {
        let path = &paths[i % paths.len()];
        let start = Instant::now();
        let response = client.get(format!("{base}{path}")).send().await?;
        let status = response.status();
        let body = response.bytes().await?;
        if !status.is_success() {
            bail!("{path}: {status} {}", String::from_utf8_lossy(&body));
        }
        if i > 0 {
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
    }
    Ok(times)
}

/// Time (ms) to walk every page of `/api/stats?{query}&limit=100`.
async fn walk_pages(
    client: &reqwest::Client,
    base: &str,
    query: &str,
) -> anyhow::Result<(f64, u64)> {
    let start = Instant::now();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut url = format!("{base}/api/stats?{query}&limit=100");
        if let Some(cursor) = &cursor {
            url.push_str(&format!("&cursor={cursor}"));
        }
        let page: serde_json::Value = client.get(url).send().await?.json().await?;
        pages += 1;
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return Ok((start.elapsed().as_secs_f64() * 1000.0, pages)),
        }
    }
}

async fn measure(label: &str, workdir: &Path, url: &str, args: &Args) -> anyhow::Result<()> {
    let env = [
        ("DATABASE_URL", url.to_owned()),
        ("SCHEDULER_ENABLED", "false".to_owned()),
        ("LOOKOUT__RETENTION__ENABLED", "false".to_owned()),
    ];
    let mut lookout = LookoutProcess::start(workdir, &env)?;
    let base = lookout.wait_for_address(Duration::from_secs(120)).await?;
    let client = reqwest::Client::new();
    let pages: Vec<String> = (0..(args.data.sites / 100).max(1))
        .map(|p| if p == 0 { String::new() } else { format!("&cursor={}", p * 100) })
        .collect();
    let one_site: Vec<String> =
        (0..50).map(|i| format!("/api/websites/{}/stats", 1 + i * 97 % args.data.sites)).collect();
    println!("  {label}");
    for window in ["24h", "7d", "30d"] {
        let page_paths: Vec<String> =
            pages.iter().map(|c| format!("/api/stats?window={window}&limit=100{c}")).collect();
        let mut page = latencies(&client, &base, &page_paths, args.requests).await?;
        let site_paths: Vec<String> =
            one_site.iter().map(|p| format!("{p}?window={window}")).collect();
        let mut site = latencies(&client, &base, &site_paths, args.requests).await?;
        println!(
            "    window {window:>3}: /api/stats page of 100 p50 {:>8.1} ms p99 {:>8.1} ms | one site p50 {:>7.2} ms p99 {:>7.2} ms",
            quantile(&mut page, 0.5),
            quantile(&mut page, 0.99),
            quantile(&mut site, 0.5),
            quantile(&mut site, 0.99),
        );
    }
    let (ms, pages) = walk_pages(&client, &base, "window=30d").await?;
    println!("    all {} sites, 30d: {pages} pages in {:.0} ms", args.data.sites, ms);
    lookout.stop()?;
    Ok(())
}

#[derive(diesel::QueryableByName)]
struct GrainSize {
    #[diesel(sql_type = BigInt)]
    grain: i64,
    #[diesel(sql_type = BigInt)]
    rows: i64,
    #[diesel(sql_type = Double)]
    histogram_bytes: f64,
}

#[derive(diesel::QueryableByName)]
struct Bytes {
    #[diesel(sql_type = BigInt)]
    bytes: i64,
}

/// Bytes per raw check and per roll-up row (dbstat: pages of each table and index). Hourly
/// and daily rows share one table; they differ by their histogram's length, so each grain is
/// given the table's fixed part per row plus its own average histogram length.
async fn print_storage(path: &Path) -> anyhow::Result<()> {
    let mut conn =
        SyncConnectionWrapper::<SqliteConnection>::establish(&path.to_string_lossy()).await?;
    conn.batch_execute("PRAGMA wal_checkpoint(TRUNCATE);").await?;
    let pages = |names: &str| {
        format!("SELECT COALESCE(SUM(pgsize), 0) AS bytes FROM dbstat WHERE name IN ({names})")
    };
    let raw: Bytes =
        diesel::sql_query(pages("'monitor_checks', 'monitor_checks_website_timestamp'"))
            .get_result(&mut conn)
            .await?;
    let rollups: Bytes = diesel::sql_query(pages("'check_rollups'")).get_result(&mut conn).await?;
    let checks: Bytes = diesel::sql_query("SELECT COUNT(*) AS bytes FROM monitor_checks")
        .get_result(&mut conn)
        .await?;
    let grains: Vec<GrainSize> = diesel::sql_query(
        "SELECT grain, COUNT(*) AS rows,                 CAST(AVG(LENGTH(response_histogram)) AS REAL) AS histogram_bytes          FROM check_rollups GROUP BY grain ORDER BY grain",
    )
    .load(&mut conn)
    .await?;
    let rows: i64 = grains.iter().map(|g| g.rows).sum();
    let histograms: f64 = grains.iter().map(|g| g.histogram_bytes * g.rows as f64).sum();
    let fixed = (rollups.bytes as f64 - histograms) / rows.max(1) as f64;
    println!(
        "  storage        raw checks {:.1} bytes each (table + index, {} rows)",
        raw.bytes as f64 / checks.bytes.max(1) as f64,
        checks.bytes
    );
    for grain in &grains {
        let name = if grain.grain == 3600 { "hourly" } else { "daily" };
        println!(
            "                 {name} roll-ups {:.0} bytes per row ({} rows, histogram {:.0} bytes)",
            fixed + grain.histogram_bytes,
            grain.rows,
            grain.histogram_bytes
        );
    }
    Ok(())
}

/// The benchmark database at `db_path`: the sites (pointing at `farm`, which is never asked:
/// the scheduler stays off) and their history. Returns its URL and how many checks it holds.
pub(crate) async fn create_history(
    db_path: &Path,
    farm: &TargetServer,
    args: &HistoryData,
) -> anyhow::Result<(String, u64)> {
    let spec = SiteSpec {
        bases: vec![format!("http://127.0.0.1:{}", farm.address().port())],
        count: args.sites,
        interval_secs: 3600,
        delay_ms: 0,
        error_every: 0,
    };
    let url = sites::create(db_path, &spec).await?;
    let checks = write_history(db_path, args).await?;
    Ok((url, checks))
}

/// `lookout rollup` over the database at `url` (raw checks kept for `days` + 1 days); its output.
pub(crate) fn roll_up(workdir: &Path, url: &str, days: u64) -> anyhow::Result<String> {
    let output = std::process::Command::new(lookout_binary()?)
        .arg("rollup")
        .current_dir(workdir)
        .env("DATABASE_URL", url)
        .env("LOOKOUT__RETENTION__RAW_DAYS", (days + 1).to_string())
        .output()?;
    if !output.status.success() {
        bail!("lookout rollup failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

pub(crate) async fn run(args: Args) -> anyhow::Result<()> {
    let workdir = tempfile_dir()?.join("history");
    std::fs::create_dir_all(&workdir)?;
    let db_path = workdir.join("history.db");
    let farm = TargetServer::start().await;
    let start = Instant::now();
    let (url, checks) = create_history(&db_path, &farm, &args.data).await?;
    let size = std::fs::metadata(&db_path)?.len() as f64 / 1e9;
    println!("lookout-bench history");
    println!(
        "  history        {} sites × {} days, a check every {} s: {checks} checks ({size:.1} GB), written in {:.0} s",
        args.data.sites,
        args.data.days,
        args.data.interval,
        start.elapsed().as_secs_f64()
    );
    measure("raw checks only (before any roll-up)", &workdir, &url, &args).await?;

    let start = Instant::now();
    let output = roll_up(&workdir, &url, args.data.days)?;
    let secs = start.elapsed().as_secs_f64();
    println!(
        "  lookout rollup {:.0} s ({:.0} checks/s): {}",
        secs,
        checks as f64 / secs,
        output.trim()
    );
    print_storage(&db_path).await?;
    measure("with roll-ups", &workdir, &url, &args).await?;
    std::fs::remove_dir_all(&workdir).ok();
    Ok(())
}
