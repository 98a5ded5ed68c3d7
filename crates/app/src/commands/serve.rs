//! `lookout serve`: the REST API and the monitoring engine, until SIGINT or SIGTERM.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use lookout_domain::history::RollupService;
use lookout_domain::website::{WebsiteRepository, WebsiteService};
use lookout_domain::{EngineState, MonitoringService, SystemClock};
use lookout_http::ApiState;
use lookout_jobs::{
    CheckWorkerOptions, ScheduleSource, local_schedule, parse_cron, spawn_check_worker,
    spawn_rollup_worker,
};
use lookout_probe::HyperProber;
use lookout_store::{CheckWriterOptions, Store};
use tokio::sync::watch;

use crate::engine_view::EngineView;
use crate::settings::Settings;
use crate::shutdown;

/// How long in-flight checks may run on after SIGTERM before they are abandoned.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// Websites read per query while the schedule loads (keeps start-up memory flat).
const LOAD_PAGE: usize = 10_000;

/// Loads every enabled website into the schedule, page by page; returns how many.
async fn load_schedule(store: &Store, source: &mut ScheduleSource) -> anyhow::Result<usize> {
    let start = tokio::time::Instant::now();
    let mut after = None;
    let mut synced = 0;
    loop {
        let page =
            store.list_enabled_websites(after, LOAD_PAGE).await.context("cannot load websites")?;
        synced += source.load(&page, start);
        match page.last() {
            Some(last) if page.len() == LOAD_PAGE => after = Some(last.id),
            _ => return Ok(synced),
        }
    }
}

pub(crate) async fn serve(settings: Settings) -> anyhow::Result<()> {
    // First: metric handles taken before the recorder exists would record nothing.
    let metrics = if settings.metrics.enabled { Some(crate::metrics::install()?) } else { None };
    let store = super::open_store(&settings).await?;
    let (access, token_refresh) = crate::access::start(&settings, &store).await?;
    let interval_bounds = settings.interval_bounds()?;
    let node_id = settings.node_id()?;
    let heartbeat = crate::heartbeat::spawn_heartbeat(
        store.clone(),
        node_id.clone(),
        settings.node.region.clone(),
    );

    let (schedule, mut source) = local_schedule();
    let (stop_checks, checks_stopped) = watch::channel(false);
    let rollups_stopped = checks_stopped.clone();
    let (recorder, writer) = store.spawn_check_writer(CheckWriterOptions {
        max_batch: settings.database.max_batch,
        outage_buffer: settings.database.outage_buffer,
        node_id: Some(node_id.to_string()),
        ..CheckWriterOptions::default()
    });
    let schedule_view = source.view();
    let mut engine: Option<Arc<dyn EngineState>> = None;
    let worker = if settings.scheduler.enabled {
        let synced = load_schedule(&store, &mut source).await?;
        tracing::info!(websites = synced, "Starting scheduler: {synced} websites synced");
        let probe_options = settings.probe_options()?;
        let check_timeout = probe_options.timeout + Duration::from_secs(30);
        let prober = HyperProber::new(probe_options).context("cannot set up TLS")?;
        let monitoring = Arc::new(MonitoringService::new(
            prober,
            recorder,
            SystemClock,
            settings.breaker_policy(),
            settings.check_log_policy(),
        ));
        let options = CheckWorkerOptions {
            concurrency: settings.scheduler.max_concurrent_checks,
            check_timeout,
            drain_timeout: DRAIN_TIMEOUT,
            per_site_labels: settings.metrics.per_site_labels,
        };
        engine = Some(Arc::new(EngineView::new(&monitoring, schedule_view)));
        Some(spawn_check_worker(source.into_stream(), monitoring, options, checks_stopped))
    } else {
        tracing::info!("Scheduler disabled (scheduler.enabled = false): no checks will run");
        drop(recorder);
        None
    };

    let rollups = settings.retention.enabled.then(|| {
        let service = RollupService::new(store.clone(), SystemClock, settings.retention_policy());
        let schedule = parse_cron(&settings.retention.schedule);
        schedule.map(|schedule| {
            spawn_rollup_worker(Arc::new(service), schedule, DRAIN_TIMEOUT, rollups_stopped)
        })
    });
    let rollups = rollups.transpose().context("retention.schedule")?;

    let gauges =
        metrics.is_some().then(|| crate::metrics::spawn_gauges(store.clone(), engine.clone()));
    let websites = WebsiteService::new(store, schedule, SystemClock)
        .with_address_policy(settings.address_policy()?);
    if settings.probe.allow_private {
        tracing::warn!(
            "probe.allow_private = true: sites may point at private and loopback addresses"
        );
    }
    let listener = TcpListener::bind((settings.server.host.as_str(), settings.server.port))
        .with_context(|| {
            format!("cannot listen on {}:{}", settings.server.host, settings.server.port)
        })?;
    listener.set_nonblocking(true)?;
    let address = listener.local_addr()?;
    let workers = match settings.server.workers {
        0 => std::thread::available_parallelism().map_or(2, usize::from),
        n => n,
    };
    let server = lookout_http::start(
        listener,
        ApiState { websites, interval_bounds, engine, metrics },
        access,
        workers,
    )?;
    let handle = server.handle();
    let mut server = tokio::spawn(server);
    tracing::info!("Listening on http://{address}");

    let result = tokio::select! {
        signal = shutdown::signal_received() => {
            tracing::info!("{}: shutting down", signal?);
            Ok(())
        }
        result = &mut server => result.context("HTTP server task failed")?.context("HTTP server failed"),
    };
    if let Some(gauges) = gauges {
        gauges.abort();
    }
    heartbeat.abort();
    token_refresh.abort();
    // Stop taking checks, let in-flight ones finish (bounded), then flush their results.
    let _ = stop_checks.send(true);
    if let Some(worker) = worker {
        worker.await.context("check worker failed")?;
    }
    if let Some(rollups) = rollups {
        rollups.await.context("roll-up worker failed")?;
    }
    writer.await.context("check writer failed")?;
    handle.stop(true).await;
    tracing::info!("Stopped");
    result
}
