//! `lookout-bench throughput`: sustained checks per second.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use lookout_target_farm::{TargetServer, TestCa, Tls};

use crate::bare_client;
use crate::lookout_process::{LookoutProcess, log_number, lookout_binary};
use crate::nginx::Nginx;
use crate::sites::{self, SiteSpec};
use crate::stats::quantile;
use crate::wrk;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Sites to check.
    #[arg(long, default_value_t = 8000)]
    sites: u64,
    /// Seconds between two checks of one site.
    #[arg(long, default_value_t = 1)]
    interval: u32,
    /// Seconds to run.
    #[arg(long, default_value_t = 30)]
    duration: u64,
    /// The farm's answer delay.
    #[arg(long, default_value_t = 0)]
    delay_ms: u64,
    /// Every n-th site answers 503 (0 = none).
    #[arg(long, default_value_t = 0)]
    error_every: u64,
    /// HTTPS with a new TLS handshake per check.
    #[arg(long)]
    https: bool,
    /// Offer HTTP/2 over TLS (wrk speaks HTTP/1.1 only; switch off for a like-for-like ratio).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    http2: bool,
    /// Farm listeners (ports).
    #[arg(long, default_value_t = 4)]
    listeners: usize,
    /// lookout's scheduler.max_concurrent_checks.
    #[arg(long, default_value_t = 1024)]
    concurrency: usize,
    /// wrk connections for the raw loopback limit (0 skips wrk).
    #[arg(long, default_value_t = 64)]
    wrk_connections: u32,
    /// Bytes in each answer's body (the farm's default is 2).
    #[arg(long)]
    body_bytes: Option<u64>,
    /// Also run the case with a `body_contains` assertion on every site, looking for this text
    /// (which the farm puts at the end of the body), and print its rate against the plain run's.
    #[arg(long)]
    body_contains: Option<String>,
    /// Also run the case with this `lookout` binary first (an older build) and print this
    /// build's rate and CPU per check against it.
    #[arg(long)]
    baseline_binary: Option<std::path::PathBuf>,
    /// What the sites point at: lookout's own target farm, or the reference nginx (one
    /// worker, `200 ok`), with wrk `-t1` against the same nginx in the same run.
    #[arg(long, value_enum, default_value = "farm")]
    target: Target,
}

/// What the checked sites point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Target {
    Farm,
    Nginx,
}

/// One run of the case: which binary, and whether the sites carry an assertion.
#[derive(Debug)]
struct Case {
    label: &'static str,
    binary: std::path::PathBuf,
    body_contains: Option<String>,
}

/// What one run measured.
#[derive(Debug)]
struct Figures {
    rate: f64,
    cpu_us_per_check: f64,
    lateness_p99_ms: f64,
}

pub(crate) async fn run(args: Args) -> anyhow::Result<()> {
    let current = lookout_binary()?;
    let mut cases = Vec::new();
    if let Some(binary) = &args.baseline_binary {
        cases.push(Case { label: "baseline", binary: binary.clone(), body_contains: None });
    }
    cases.push(Case { label: "this build", binary: current.clone(), body_contains: None });
    if let Some(text) = &args.body_contains {
        cases.push(Case {
            label: "body_contains",
            binary: current,
            body_contains: Some(text.clone()),
        });
    }
    let mut results = Vec::new();
    for case in &cases {
        results.push(run_case(&args, case).await?);
    }
    if results.len() > 1 {
        println!(
            "summary ({} sites every {} s, {} s per run)",
            args.sites, args.interval, args.duration
        );
        for (case, figures) in cases.iter().zip(&results) {
            println!(
                "  {:<14} {:>8.0} checks/s  {:>6.1} µs CPU per check  lateness p99 {:>7.1} ms",
                case.label, figures.rate, figures.cpu_us_per_check, figures.lateness_p99_ms
            );
        }
        let plain = cases.iter().position(|c| c.label == "this build").unwrap_or(0);
        if args.baseline_binary.is_some() {
            println!(
                "  this build / baseline: rate {:.3}, CPU per check {:.3}",
                results[plain].rate / results[0].rate,
                results[plain].cpu_us_per_check / results[0].cpu_us_per_check
            );
        }
        if let Some(last) = results.last().filter(|_| args.body_contains.is_some()) {
            println!(
                "  body_contains / this build: rate {:.3}, CPU per check {:.3}",
                last.rate / results[plain].rate,
                last.cpu_us_per_check / results[plain].cpu_us_per_check
            );
        }
    }
    Ok(())
}

async fn run_case(args: &Args, case: &Case) -> anyhow::Result<Figures> {
    let workdir = tempfile_dir()?;
    let ca = TestCa::new();
    let tls =
        if args.https { Tls::Https(ca.server_config(&["127.0.0.1"], false)) } else { Tls::Plain };
    let mut farm = Vec::new();
    let mut nginx = None;
    let bases: Vec<String> = match args.target {
        Target::Farm => {
            for _ in 0..args.listeners.max(1) {
                farm.push(TargetServer::start_with(tls.clone(), "127.0.0.1:0").await);
            }
            let scheme = if args.https { "https" } else { "http" };
            farm.iter().map(|t| format!("{scheme}://127.0.0.1:{}", t.address().port())).collect()
        }
        Target::Nginx => {
            if args.https
                || args.delay_ms > 0
                || args.error_every > 0
                || case.body_contains.is_some()
            {
                bail!(
                    "--target nginx answers plain HTTP `200 ok` only: no --https, --delay-ms, --error-every or --body-contains"
                );
            }
            let server = Nginx::start(&workdir)?;
            let base = server.base();
            nginx = Some(server);
            vec![base]
        }
    };

    let mut body_query = args.body_bytes.map(|n| format!("&body_bytes={n}")).unwrap_or_default();
    if let Some(text) = &case.body_contains {
        body_query.push_str(&format!("&body_end={text}"));
    }
    // wrk as the reference runs it against nginx (one thread); two against the farm.
    let wrk_threads = if args.target == Target::Nginx { 1 } else { 2 };
    let wrk_rate = if args.wrk_connections > 0 {
        let url = format!("{}/wrk?delay_ms={}{body_query}", bases[0], args.delay_ms);
        wrk::new_connection_rate(&url, wrk_threads, args.wrk_connections, 10)
    } else {
        None
    };
    // The bare hyper client against nginx, with wrk's connections: the stack's own ceiling.
    let bare_rate = match (&nginx, args.wrk_connections) {
        (Some(server), connections) if connections > 0 => {
            let address = server.address();
            Some(
                tokio::task::spawn_blocking(move || {
                    bare_client::new_connection_rate(address, connections, 10)
                })
                .await??,
            )
        }
        _ => None,
    };

    let db_path = workdir.join("bench.db");
    let spec = SiteSpec {
        bases,
        count: args.sites,
        interval_secs: args.interval,
        delay_ms: args.delay_ms,
        error_every: args.error_every,
    };
    let database_url = sites::create(&db_path, &spec).await?;
    sites::append_query(&db_path, &body_query).await?;
    if let Some(text) = &case.body_contains {
        let assertion = serde_json::json!([{"kind": "body_contains", "value": text}]);
        sites::set_assertions(&db_path, &assertion.to_string()).await?;
    }
    let farm_hits_before: u64 = farm.iter().map(TargetServer::total_hits).sum();

    let ca_file = workdir.join("ca.pem");
    std::fs::write(&ca_file, ca.certificate_pem())?;
    let env = vec![
        ("DATABASE_URL", database_url),
        ("LOOKOUT__SCHEDULER__MAX_CONCURRENT_CHECKS", args.concurrency.to_string()),
        ("LOOKOUT__PROBE__RETRIES", "0".to_owned()),
        ("LOOKOUT__PROBE__CA_FILE", ca_file.display().to_string()),
        ("LOOKOUT__PROBE__HTTP2", args.http2.to_string()),
    ];
    let mut lookout = LookoutProcess::start_binary(&case.binary, &workdir, &env)?;
    lookout.wait_for("Listening on", Duration::from_secs(120)).await?;
    let started = Instant::now();
    let mut peak_rss = 0;
    while started.elapsed() < Duration::from_secs(args.duration) {
        tokio::time::sleep(Duration::from_secs(1)).await;
        peak_rss = peak_rss.max(lookout.usage()?.rss_kib);
    }
    let usage = lookout.usage()?;
    let elapsed = started.elapsed().as_secs_f64();
    let logs = lookout.stop()?;
    let farm_hits: u64 = farm.iter().map(TargetServer::total_hits).sum::<u64>() - farm_hits_before;

    let stopped = logs
        .iter()
        .find(|l| l.contains("Check worker stopped"))
        .context("lookout did not report its worker stats")?;
    let stored = sites::count_checks(&db_path).await?;
    let mut errors_ms: Vec<f64> = sites::response_times(&db_path)
        .await?
        .into_iter()
        .map(|secs| secs * 1000.0 - args.delay_ms as f64)
        .collect();

    let target_rate = args.sites as f64 / f64::from(args.interval);
    let achieved = stored as f64 / elapsed;
    let protocol = match (args.https, args.http2) {
        (false, _) => "HTTP/1.1",
        (true, true) => "HTTPS, HTTP/2 offered",
        (true, false) => "HTTPS, HTTP/1.1",
    };
    println!(
        "lookout-bench throughput ({protocol}, new connection per check): {} ({})",
        case.label,
        case.binary.display()
    );
    println!(
        "  sites {} every {}s, farm delay {} ms, {} s run",
        args.sites, args.interval, args.delay_ms, args.duration
    );
    println!("  target rate           {target_rate:>10.0} checks/s");
    println!(
        "  achieved rate         {achieved:>10.0} checks/s ({stored} stored in {elapsed:.1} s)"
    );
    match args.target {
        Target::Farm => println!(
            "  farm requests         {farm_hits:>10} (stored − requests = {})",
            stored - i64::try_from(farm_hits)?
        ),
        Target::Nginx => println!("  target                nginx, one worker, `200 ok`"),
    }
    println!(
        "  lateness p50/p99/max  {:>7.1} / {:.1} / {:.1} ms",
        log_number(stopped, "lateness_p50_ms").unwrap_or(f64::NAN),
        log_number(stopped, "lateness_p99_ms").unwrap_or(f64::NAN),
        log_number(stopped, "lateness_max_ms").unwrap_or(f64::NAN),
    );
    println!(
        "  reported − true time  p50 {:.3} ms, p99 {:.3} ms",
        quantile(&mut errors_ms, 0.5),
        quantile(&mut errors_ms, 0.99)
    );
    println!(
        "  peak RSS              {:>10} KiB ({:.2} KiB per site)",
        usage.peak_rss_kib.max(peak_rss),
        usage.peak_rss_kib.max(peak_rss) as f64 / args.sites as f64
    );
    println!(
        "  CPU                   {:>10.1} s ({:.2} cores; user {:.1} s, system {:.1} s)",
        usage.cpu_secs,
        usage.cpu_secs / elapsed,
        usage.user_secs,
        usage.system_secs
    );
    match wrk_rate {
        Some(rate) => println!(
            "  wrk -t{wrk_threads} new-connection {rate:>9.0} req/s (lookout/wrk = {:.2})",
            achieved / rate
        ),
        None => println!("  wrk                   not run (not installed or --wrk-connections 0)"),
    }
    if let Some(rate) = bare_rate {
        let of_wrk =
            wrk_rate.map_or(String::new(), |wrk| format!(", bare/wrk = {:.2}", rate / wrk));
        println!(
            "  bare hyper client     {rate:>9.0} req/s (lookout/bare = {:.2}{of_wrk})",
            achieved / rate
        );
    }
    drop(nginx);
    std::fs::remove_dir_all(&workdir).ok();
    Ok(Figures {
        rate: achieved,
        cpu_us_per_check: usage.cpu_secs * 1e6 / stored.max(1) as f64,
        lateness_p99_ms: log_number(stopped, "lateness_p99_ms").unwrap_or(f64::NAN),
    })
}

/// A fresh directory under the system temp dir.
pub(crate) fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("lookout-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
