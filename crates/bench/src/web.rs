//! `lookout-bench web`: the web pages over the history benchmark's data (N sites × D days of
//! checks on SQLite, rolled up, every site's kept verdict set, a status page of 100 sites):
//! latency of the overview (first page, a deep page, a state filter, a search), a site's page
//! (24 h and 30 d charts) and the status page; then, in headless Chromium over WebDriver (when
//! `chromedriver` is installed), the time until the overview is complete, charts drawn.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use diesel::SqliteConnection;
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::{AsyncConnection, SimpleAsyncConnection};
use lookout_target_farm::TargetServer;
use serde_json::{Value, json};

use crate::history;
use crate::lookout_process::LookoutProcess;
use crate::stats::quantile;
use crate::throughput::tempfile_dir;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    data: history::HistoryData,
    /// Requests per measured case.
    #[arg(long, default_value_t = 60)]
    requests: usize,
}

/// Every site's kept verdict from its latest check, and a status page `bench` of sites 1–100.
async fn prepare(path: &Path) -> anyhow::Result<()> {
    let mut conn =
        SyncConnectionWrapper::<SqliteConnection>::establish(&path.to_string_lossy()).await?;
    conn.batch_execute(
        "UPDATE websites SET verdict = (SELECT CASE WHEN NOT c.is_available THEN 2 WHEN c.degraded THEN 1 ELSE 0 END \
           FROM monitor_checks c WHERE c.website_id = websites.id ORDER BY c.timestamp DESC LIMIT 1); \
         INSERT INTO status_pages (slug, title, description, created_at, updated_at) \
           VALUES ('bench', 'Bench status', 'One hundred sites', '2026-01-01 00:00:00', '2026-01-01 00:00:00'); \
         INSERT INTO status_page_sites (status_page_id, website_id, position) \
           SELECT (SELECT id FROM status_pages WHERE slug = 'bench'), id, id FROM websites WHERE id <= 100;",
    )
    .await
    .context("setting verdicts and the status page")?;
    Ok(())
}

/// p50 and p99 (ms) of GETs of `paths` (round robin), after one warm-up each.
async fn timed(
    client: &reqwest::Client,
    base: &str,
    paths: &[String],
    requests: usize,
) -> anyhow::Result<(f64, f64)> {
    for path in paths {
        client.get(format!("{base}{path}")).send().await?.bytes().await?;
    }
    let mut times = Vec::with_capacity(requests);
    for i in 0..requests {
        let path = &paths[i % paths.len()];
        let start = Instant::now();
        let response = client.get(format!("{base}{path}")).send().await?;
        let status = response.status();
        let body = response.bytes().await?;
        if !status.is_success() {
            bail!("{path}: {status} {}", String::from_utf8_lossy(&body));
        }
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    Ok((quantile(&mut times, 0.5), quantile(&mut times, 0.99)))
}

/// The overview in headless Chromium: milliseconds from navigation to the load event (every
/// sparkline is server-drawn SVG, so the page is complete then), over `runs` loads; `None`
/// when chromedriver is not installed.
async fn browser_load(base: &str, runs: usize) -> anyhow::Result<Option<(f64, f64, u64)>> {
    let Ok(mut driver) = Command::new("chromedriver")
        .arg("--port=9516")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    else {
        return Ok(None);
    };
    let http = reqwest::Client::new();
    let webdriver = "http://127.0.0.1:9516";
    let deadline = Instant::now() + Duration::from_secs(20);
    while http.get(format!("{webdriver}/status")).send().await.is_err() {
        if Instant::now() > deadline {
            bail!("chromedriver did not start");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
        "binary": "/usr/bin/chromium",
        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000"]}}}});
    let session: Value =
        http.post(format!("{webdriver}/session")).json(&caps).send().await?.json().await?;
    let id = session["value"]["sessionId"].as_str().context("no WebDriver session")?.to_owned();
    let url = format!("{webdriver}/session/{id}");
    let mut times = Vec::new();
    let mut sparklines = 0;
    for _ in 0..runs {
        http.post(format!("{url}/url")).json(&json!({"url": "about:blank"})).send().await?;
        http.post(format!("{url}/url")).json(&json!({"url": format!("{base}/")})).send().await?;
        let answer: Value = http
            .post(format!("{url}/execute/sync"))
            .json(&json!({"script": "const n = performance.getEntriesByType('navigation')[0]; \
                return [n.loadEventEnd - n.startTime, document.querySelectorAll('svg.spark').length];", "args": []}))
            .send()
            .await?
            .json()
            .await?;
        times.push(answer["value"][0].as_f64().context("no navigation timing")?);
        sparklines = answer["value"][1].as_u64().unwrap_or(0);
    }
    http.delete(&url).send().await.ok();
    driver.kill().ok();
    driver.wait().ok();
    Ok(Some((quantile(&mut times, 0.5), quantile(&mut times, 0.99), sparklines)))
}

pub(crate) async fn run(args: Args) -> anyhow::Result<()> {
    let workdir = tempfile_dir()?.join("web");
    std::fs::create_dir_all(&workdir)?;
    let db_path = workdir.join("web.db");
    let farm = TargetServer::start().await;
    let (url, checks) = history::create_history(&db_path, &farm, &args.data).await?;
    history::roll_up(&workdir, &url, args.data.days)?;
    prepare(&db_path).await?;
    println!("lookout-bench web");
    println!(
        "  data        {} sites × {} days, {checks} checks, rolled up; a status page of 100 sites",
        args.data.sites, args.data.days
    );

    let env = [
        ("DATABASE_URL", url.clone()),
        ("SCHEDULER_ENABLED", "false".to_owned()),
        ("LOOKOUT__RETENTION__ENABLED", "false".to_owned()),
    ];
    let mut lookout = LookoutProcess::start(&workdir, &env)?;
    let base = lookout.wait_for_address(Duration::from_secs(120)).await?;
    let client = reqwest::Client::new();
    let deep = (args.data.sites / 100 / 2).max(1);
    let sites_24h: Vec<String> =
        (0..40).map(|i| format!("/sites/{}", 1 + i * 97 % args.data.sites)).collect();
    let sites_30d: Vec<String> = sites_24h.iter().map(|p| format!("{p}?chart=30d")).collect();
    let cases: Vec<(&str, Vec<String>, f64)> = vec![
        ("overview, first page", vec!["/".into()], 100.0),
        ("overview, a deep page", vec![format!("/?page={deep}")], 100.0),
        ("overview, sorted by name", vec!["/?sort=name".into()], 100.0),
        ("overview, search", vec!["/?q=site%2012".into()], 100.0),
        ("overview, live part", vec!["/?fragment=1".into()], 100.0),
        ("a site's page, 24 h chart", sites_24h, 50.0),
        ("a site's page, 30 d chart", sites_30d, 50.0),
        ("status page of 100 sites", vec!["/status/bench".into()], 50.0),
    ];
    for (label, paths, target) in cases {
        let (p50, p99) = timed(&client, &base, &paths, args.requests).await?;
        let verdict = if p99 < target { "met" } else { "MISSED" };
        println!(
            "  {label:<28} p50 {p50:>7.1} ms  p99 {p99:>7.1} ms  (target p99 < {target:.0} ms: {verdict})"
        );
    }
    match browser_load(&base, 10).await? {
        Some((p50, p99, drawn)) => {
            let verdict = if p99 < 1000.0 { "met" } else { "MISSED" };
            println!(
                "  Chromium: overview complete ({drawn} sparklines drawn) p50 {p50:.0} ms p99 {p99:.0} ms (target < 1000 ms: {verdict})"
            );
        }
        None => println!("  Chromium: chromedriver not installed; not measured"),
    }
    lookout.stop()?;
    std::fs::remove_dir_all(&workdir).ok();
    Ok(())
}
