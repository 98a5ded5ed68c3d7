//! 10,000 checks against hostile targets through the real binary — silent, garbage, closing,
//! 100 KB header, reset mid-body, slowloris, endless body, redirect loop, expired / self-signed
//! / wrong-host certificates — leave lookout's file descriptors and memory where they started.
//! (The targets run in the test process, so their sockets do not count.)

use std::time::{Duration, Instant};

use lookout_target_farm::{RawBehaviour, RawTarget, TargetServer, TestCa, Tls};
use serde_json::json;

use crate::helpers::{TestApp, TestDatabase};

const CHECKS: f64 = 10_000.0;

fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).unwrap().count()
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Checks made so far, from `/metrics`.
async fn checks_made(app: &TestApp) -> f64 {
    let text = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    text.lines()
        .filter(|l| l.starts_with("lookout_checks_total{"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

async fn set_enabled(app: &TestApp, ids: &[serde_json::Value], enabled: bool) {
    for id in ids {
        let (status, body) =
            app.patch_json(&format!("/api/websites/{id}"), &json!({ "enabled": enabled })).await;
        assert_eq!(status, 200, "{body}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn ten_thousand_hostile_checks_leak_no_descriptor_and_no_memory() {
    let mut urls = Vec::new();
    let mut raw = Vec::new();
    for behaviour in [
        RawBehaviour::Silent,
        RawBehaviour::Garbage,
        RawBehaviour::Close,
        RawBehaviour::HugeHeader,
        RawBehaviour::ResetMidBody,
        RawBehaviour::Slowloris,
    ] {
        let target = RawTarget::start(behaviour).await;
        urls.push(target.url());
        raw.push(target);
    }
    let plain = TargetServer::start().await;
    urls.push(plain.url("/big?endless=1"));
    urls.push(plain.url("/loop?loop=1"));
    urls.push(plain.url("/drip?trickle=1"));
    let ca = TestCa::new();
    let expired =
        TargetServer::start_with(Tls::Https(ca.server_config(&["localhost"], true)), "127.0.0.1:0")
            .await;
    let self_signed = TargetServer::start_with(
        Tls::Https(TestCa::new().server_config(&["localhost"], false)),
        "127.0.0.1:0",
    )
    .await;
    let wrong_host = TargetServer::start_with(
        Tls::Https(ca.server_config(&["other.example"], false)),
        "127.0.0.1:0",
    )
    .await;
    urls.extend([expired.url("/"), self_signed.url("/"), wrong_host.url("/")]);
    let ca_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(ca_file.path(), ca.certificate_pem()).unwrap();

    let db = TestDatabase::sqlite();
    let app = TestApp::start(
        &db,
        &[
            ("LOOKOUT__MONITOR__MIN_INTERVAL_SECS", "1"),
            ("LOOKOUT__PROBE__TIMEOUT_SECS", "1"),
            ("LOOKOUT__PROBE__RETRIES", "0"),
            ("LOOKOUT__PROBE__FOLLOW_REDIRECTS", "true"),
            ("LOOKOUT__PROBE__CA_FILE", ca_file.path().to_str().unwrap()),
            ("LOOKOUT__LOG__CHECKS", "none"),
            ("LOOKOUT__CIRCUIT_BREAKER__FAILURE_THRESHOLD", "1000000"),
        ],
    )
    .await;
    // 25 sites per hostile case, each checked every second, created disabled.
    let mut ids = Vec::new();
    for (case, url) in urls.iter().enumerate() {
        for n in 0..25 {
            let separator = if url.contains('?') { '&' } else { '?' };
            let body = json!({
                "url": format!("{url}{separator}site={case}-{n}"),
                "name": format!("hostile {case}-{n}"),
                "check_interval": 1,
                "enabled": false,
            });
            let (status, site) = app.post_json("/api/websites", &body).await;
            assert_eq!(status, 201, "{site}");
            ids.push(site["id"].clone());
        }
    }
    let pid = app.pid();
    let idle_fds = open_fds(pid);

    set_enabled(&app, &ids, true).await;
    let deadline = Instant::now() + Duration::from_secs(240);
    while checks_made(&app).await < 1_000.0 {
        assert!(Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let warm_rss = rss_kib(pid);
    let warm_checks = checks_made(&app).await;
    while checks_made(&app).await < warm_checks + CHECKS {
        assert!(Instant::now() < deadline, "10,000 checks within the deadline");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let end_rss = rss_kib(pid);
    set_enabled(&app, &ids, false).await;
    // In-flight checks end within the probe timeout — on a busy machine later: wait for the
    // descriptors to come back (a leak never does), with a generous bound.
    let settled = Instant::now() + Duration::from_secs(60);
    while open_fds(pid) > idle_fds + 4 && Instant::now() < settled {
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let end_fds = open_fds(pid);
    let made = checks_made(&app).await - warm_checks;
    eprintln!(
        "hostile targets: {made} checks; fds {idle_fds} idle → {end_fds} after; RSS {warm_rss} KiB after warm-up → {end_rss} KiB after"
    );
    assert!(end_fds <= idle_fds + 4, "file descriptors leaked: {idle_fds} → {end_fds}");
    assert!(end_rss < warm_rss + 20 * 1024, "memory grew: {warm_rss} KiB → {end_rss} KiB");
    let stored =
        db.count("SELECT COUNT(*) AS n FROM monitor_checks WHERE error_message IS NOT NULL").await;
    assert!(stored as f64 >= made * 0.9, "hostile checks are recorded with their errors: {stored}");
}
