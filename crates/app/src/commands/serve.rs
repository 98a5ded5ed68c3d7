//! `lookout serve`: the REST API and the monitoring engine, until SIGINT or SIGTERM. It builds
//! the adapters and the services, starts the jobs, serves until a signal, and stops in order.
//! Every periodic task is a job of lookout-jobs; nothing here loops.

use std::net::TcpListener;
use std::sync::Arc;

use anyhow::Context;
use lookout_domain::SystemClock;
use lookout_domain::alerting::{ChannelService, Dispatcher, IncidentService};
use lookout_domain::history::RollupService;
use lookout_domain::maintenance::{MaintenanceService, MaintenanceView};
use lookout_domain::website::WebsiteService;
use lookout_http::ApiState;
use lookout_jobs::{
    AlertUpkeep, IdUse, JobGroup, LiveMaintenance, MaintenanceRefresh, OutboxDispatch,
    OutboxOptions, PartitionUpkeep, SharedSchedule, SiteGauges, local_schedule, parse_cron,
    register, spawn_rollup_worker,
};
use lookout_notify::ChannelNotifier;
use lookout_store::CheckWriterOptions;
use time::OffsetDateTime;
use tokio::sync::Notify;

use crate::engine::{self, DRAIN_TIMEOUT, DueSource};
use crate::schedule_choice::ScheduleChoice;
use crate::settings::{SchedulerMode, Settings};
use crate::shutdown;

pub(crate) async fn serve(settings: Settings) -> anyhow::Result<()> {
    // Adapters. The metrics recorder first: handles taken before it exists would record nothing.
    let (metrics, metrics_upkeep) = match settings.metrics.enabled {
        true => crate::metrics::install().map(|(render, upkeep)| (Some(render), Some(upkeep)))?,
        false => (None, None),
    };
    let store = super::open_store(&settings).await?;
    let (access, token_refresh) = crate::access::start(&settings, &store).await?;
    let session_key = crate::web_pages::session_key(&settings.web, &store).await?;
    let interval_bounds = settings.interval_bounds()?;
    let node_id = settings.node_id()?;
    let region = settings.node_region()?;
    let mode = settings.scheduler_mode()?;
    if matches!(mode, SchedulerMode::Shared) && store.autovacuum_is_off().await.unwrap_or(false) {
        tracing::warn!(
            "PostgreSQL's autovacuum is off: the shared schedule's table (check_schedule) gains one \
             or two dead rows per check, so claims slow down and checks fall behind within minutes; \
             turn autovacuum on, or VACUUM check_schedule every minute"
        );
    }
    // Before the engine: a node must not hand back the leases of another node with its id. The
    // heartbeat starts at once (loading the engine may outlast a heartbeat) and stops last.
    let id_use = match mode {
        SchedulerMode::Shared if settings.scheduler.enabled => IdUse::Leases,
        _ => IdUse::Label,
    };
    let (mut node, heartbeat) =
        register(store.clone(), node_id.clone(), settings.node.region.clone(), id_use).await?;
    let mut node_jobs = JobGroup::new(DRAIN_TIMEOUT);
    node_jobs.start(heartbeat);
    // Woken when deliveries are queued (by a check's transaction or a reminder), so the
    // outbox worker sends them at once.
    let outbox_signal = Arc::new(Notify::new());
    let alert_defaults = settings.alerts.defaults()?;
    let (recorder, writer) = store.spawn_check_writer(CheckWriterOptions {
        max_batch: settings.database.max_batch,
        outage_buffer: settings.database.outage_buffer,
        node_id: Some(node_id.to_string()),
        region: region.clone(),
        failed_held_for: settings.breaker_policy().open_for,
        alerts: alert_defaults,
        outbox_signal: Some(Arc::clone(&outbox_signal)),
        ..CheckWriterOptions::default()
    });
    let writes = recorder.health();
    let (local, source) = local_schedule(region.clone());
    let (schedule, due) = match mode {
        SchedulerMode::Shared => {
            let leases = store
                .shared_schedule()
                .context("the shared schedule needs PostgreSQL")?
                .for_region(region.as_ref());
            (ScheduleChoice::Shared(SharedSchedule::new(leases.clone())), DueSource::Shared(leases))
        }
        _ => (ScheduleChoice::Local(local), DueSource::Local(source)),
    };

    // The maintenance windows, read before the first check (a paused site is never checked).
    let maintenance = LiveMaintenance::new();
    maintenance.load(&store, OffsetDateTime::now_utc()).await;
    let maintenance_view: Arc<dyn MaintenanceView> = Arc::new(maintenance.clone());

    // Services, and the engine running checks through them (until the checks' stop signal).
    let mut check_jobs = JobGroup::new(DRAIN_TIMEOUT);
    let engine = if settings.scheduler.enabled {
        let stop = check_jobs.stop_signal();
        let view = Arc::clone(&maintenance_view);
        Some(engine::start(&settings, &store, recorder, due, &node_id, view, stop).await?)
    } else {
        tracing::info!("Scheduler disabled (scheduler.enabled = false): no checks will run");
        drop(recorder);
        match due {
            // Other nodes run the shared schedule; the status endpoint shows theirs.
            DueSource::Shared(leases) => Some(engine::watch_shared(leases)),
            DueSource::Local(_) => None,
        }
    };
    let engine_state = engine.as_ref().map(|e| Arc::clone(&e.state));
    let rollups = match settings.retention.enabled {
        true => Some((
            RollupService::new(store.clone(), SystemClock, settings.retention_policy()),
            parse_cron(&settings.retention.schedule).context("retention.schedule")?,
        )),
        false => None,
    };
    let notifier = ChannelNotifier::new(crate::alert_settings::notify_options(&settings)?)
        .context("cannot set up the notifier")?;
    let channels = ChannelService::new(
        store.clone(),
        store.clone(),
        notifier.clone(),
        SystemClock,
        settings.address_policy()?,
        node_id.to_string(),
    );
    let incidents = IncidentService::new(store.clone(), store.clone(), SystemClock);
    let maintenance_service =
        MaintenanceService::new(store.clone(), SystemClock).on_change(maintenance.on_change());
    let mut websites = WebsiteService::new(store.clone(), schedule, SystemClock)
        .on_maintenance_change(maintenance.on_change())
        .with_engine_state(engine_state.clone())
        .with_address_policy(settings.address_policy()?)
        .with_writer_state(Arc::new(writes));
    let config_file = crate::config_file_job::prepare(&settings, interval_bounds)?;
    if let Some((_, watch)) = &config_file {
        websites = websites.with_config_file(Arc::clone(watch) as _);
    }

    // Jobs. Those that only keep things up to date stop first; the rest stop with the checks.
    let mut upkeep_jobs = JobGroup::new(DRAIN_TIMEOUT);
    upkeep_jobs.start(PartitionUpkeep::new(store.clone(), SystemClock));
    upkeep_jobs.start(token_refresh);
    upkeep_jobs.start(MaintenanceRefresh::new(store.clone(), SystemClock, maintenance));
    if let Some((file, watch)) = config_file {
        upkeep_jobs.start(file.job(websites.clone(), watch));
    }
    // What this node was sending when it stopped goes out again at once.
    match lookout_domain::alerting::Outbox::release_leases(&store, node_id.as_str()).await {
        Ok(0) => {}
        Ok(released) => {
            tracing::info!(released, "Deliveries left in flight by the last run queued again")
        }
        Err(error) => tracing::warn!(%error, "Cannot release this node's delivery leases"),
    }
    check_jobs.start(OutboxDispatch::new(
        store.clone(),
        Dispatcher::new(notifier, SystemClock, settings.alerts.retry_policy()?),
        SystemClock,
        outbox_options(&settings, &node_id)?,
        Arc::clone(&outbox_signal),
    ));
    upkeep_jobs.start(AlertUpkeep::new(
        store.clone(),
        SystemClock,
        alert_defaults,
        Arc::clone(&outbox_signal),
        maintenance_view,
    ));
    if metrics.is_some() {
        upkeep_jobs.start(SiteGauges::new(store, engine_state.clone()));
    }
    if let Some(upkeep) = metrics_upkeep {
        check_jobs.start(upkeep);
    }
    let rollups = rollups.map(|(service, schedule)| {
        let stop = check_jobs.stop_signal();
        spawn_rollup_worker(Arc::new(service), schedule, DRAIN_TIMEOUT, stop)
    });

    // Serve until a signal (or until another process takes this node's id).
    if settings.probe.allow_private {
        tracing::warn!(
            "probe.allow_private = true: sites may point at private and loopback addresses"
        );
    }
    let (listener, workers) = listen(&settings)?;
    let address = listener.local_addr()?;
    let pages = crate::web_pages::routes(
        settings.web.enabled,
        websites.clone(),
        Arc::clone(&access.control),
        session_key,
        interval_bounds,
    );
    let state = ApiState {
        websites,
        channels,
        incidents,
        maintenance: maintenance_service,
        interval_bounds,
        metrics,
    };
    let server = lookout_http::start(listener, state, access, workers, pages)?;
    let handle = server.handle();
    let mut server = tokio::spawn(server);
    tracing::info!("Listening on http://{address}");
    let result = tokio::select! {
        signal = shutdown::signal_received() => {
            tracing::info!("{}: shutting down", signal?);
            Ok(())
        }
        result = &mut server => result.context("HTTP server task failed")?.context("HTTP server failed"),
        taken = node.taken_over() => Err(anyhow::Error::new(taken).context("node registration")),
    };

    // Stop in order: stop taking checks, let in-flight ones finish (bounded), then flush their
    // results.
    upkeep_jobs.signal_stop();
    check_jobs.signal_stop();
    if let Some(engine) = engine {
        engine.stopped().await?;
    }
    if let Some(rollups) = rollups {
        rollups.await.context("roll-up worker failed")?;
    }
    writer.await.context("check writer failed")?;
    check_jobs.stop().await.context("metrics upkeep failed")?;
    upkeep_jobs.stop().await.context("upkeep jobs failed")?;
    // Last: the id stays this node's until its slots and results are back.
    node_jobs.stop().await.context("node heartbeat failed")?;
    node.deregister().await;
    handle.stop(true).await;
    tracing::info!("Stopped");
    result
}

/// The outbox worker's settings: a lease outlasts the slowest batch of sends.
fn outbox_options(
    settings: &Settings,
    node: &lookout_domain::node::NodeId,
) -> anyhow::Result<OutboxOptions> {
    const BATCH: u32 = 256;
    const CONCURRENCY: usize = 32;
    let rounds = BATCH.div_ceil(CONCURRENCY as u32);
    Ok(OutboxOptions {
        owner: node.to_string(),
        lease: settings.alerts.send_timeout()? * rounds + std::time::Duration::from_secs(30),
        batch: BATCH,
        concurrency: CONCURRENCY,
        grouping: settings.alerts.group_wait_secs > 0,
        pacing: settings.alerts.pacing(),
    })
}

/// The server's socket (port 0 allowed) and how many HTTP workers serve it.
fn listen(settings: &Settings) -> anyhow::Result<(TcpListener, usize)> {
    let listener = TcpListener::bind((settings.server.host.as_str(), settings.server.port))
        .with_context(|| {
            format!("cannot listen on {}:{}", settings.server.host, settings.server.port)
        })?;
    listener.set_nonblocking(true)?;
    let workers = match settings.server.workers {
        0 => std::thread::available_parallelism().map_or(2, usize::from),
        n => n,
    };
    Ok((listener, workers))
}
