//! `lookout serve`: the REST API and the monitoring engine, until SIGINT or SIGTERM.

use std::net::TcpListener;
use std::sync::Arc;

use anyhow::Context;
use lookout_domain::SystemClock;
use lookout_domain::history::RollupService;
use lookout_domain::website::WebsiteService;
use lookout_http::ApiState;
use lookout_jobs::{
    SharedSchedule, local_schedule, parse_cron, spawn_periodic, spawn_rollup_worker,
};
use lookout_store::CheckWriterOptions;
use tokio::sync::watch;

use crate::engine::{self, DueSource};
use crate::heartbeat::IdUse;
use crate::schedule_choice::ScheduleChoice;
use crate::settings::{SchedulerMode, Settings};
use crate::shutdown;

pub(crate) async fn serve(settings: Settings) -> anyhow::Result<()> {
    // First: metric handles taken before the recorder exists would record nothing.
    let (metrics, metrics_upkeep) = match settings.metrics.enabled {
        true => crate::metrics::install().map(|(render, upkeep)| (Some(render), Some(upkeep)))?,
        false => (None, None),
    };
    let store = super::open_store(&settings).await?;
    let (access, token_refresh) = crate::access::start(&settings, &store).await?;
    let interval_bounds = settings.interval_bounds()?;
    let node_id = settings.node_id()?;
    let mode = settings.scheduler_mode()?;
    // Before the engine: a node must not hand back the leases of another node with its id.
    let id_use = match mode {
        SchedulerMode::Shared if settings.scheduler.enabled => IdUse::Leases,
        _ => IdUse::Label,
    };
    let mut heartbeat = crate::heartbeat::register(
        store.clone(),
        node_id.clone(),
        settings.node.region.clone(),
        id_use,
    )
    .await?;

    let partitions = crate::partitions::spawn_partition_upkeep(store.clone());
    let (local, source) = local_schedule();
    let (stop_checks, checks_stopped) = watch::channel(false);
    let rollups_stopped = checks_stopped.clone();
    let upkeep = metrics_upkeep
        .map(|job| spawn_periodic(job, engine::DRAIN_TIMEOUT, checks_stopped.clone()));
    let (recorder, writer) = store.spawn_check_writer(CheckWriterOptions {
        max_batch: settings.database.max_batch,
        outage_buffer: settings.database.outage_buffer,
        node_id: Some(node_id.to_string()),
        ..CheckWriterOptions::default()
    });
    let writes = recorder.health();
    let (schedule, due) = match mode {
        SchedulerMode::Shared => {
            let leases = store.shared_schedule().context("the shared schedule needs PostgreSQL")?;
            (ScheduleChoice::Shared(SharedSchedule::new(leases.clone())), DueSource::Shared(leases))
        }
        _ => (ScheduleChoice::Local(local), DueSource::Local(source)),
    };
    let engine = if settings.scheduler.enabled {
        Some(engine::start(&settings, &store, recorder, due, &node_id, checks_stopped).await?)
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

    let rollups = settings.retention.enabled.then(|| {
        let service = RollupService::new(store.clone(), SystemClock, settings.retention_policy());
        let schedule = parse_cron(&settings.retention.schedule);
        schedule.map(|schedule| {
            spawn_rollup_worker(Arc::new(service), schedule, engine::DRAIN_TIMEOUT, rollups_stopped)
        })
    });
    let rollups = rollups.transpose().context("retention.schedule")?;

    let gauges = metrics
        .is_some()
        .then(|| crate::metrics::spawn_gauges(store.clone(), engine_state.clone()));
    let websites = WebsiteService::new(store, schedule, SystemClock)
        .with_engine_state(engine_state)
        .with_address_policy(settings.address_policy()?)
        .with_writer_state(Arc::new(writes));
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
        ApiState { websites, interval_bounds, metrics },
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
        result = &mut heartbeat.task => {
            result.map_err(anyhow::Error::from).and_then(|taken| taken).context("node registration")
        }
    };
    if let Some(gauges) = gauges {
        gauges.abort();
    }
    partitions.abort();
    token_refresh.abort();
    // Stop taking checks, let in-flight ones finish (bounded), then flush their results.
    let _ = stop_checks.send(true);
    if let Some(engine) = engine {
        engine.stopped().await?;
    }
    if let Some(rollups) = rollups {
        rollups.await.context("roll-up worker failed")?;
    }
    writer.await.context("check writer failed")?;
    if let Some(upkeep) = upkeep {
        upkeep.await.context("metrics upkeep failed")?;
    }
    // Last: the id stays this node's until its slots and results are back.
    heartbeat.deregister().await;
    handle.stop(true).await;
    tracing::info!("Stopped");
    result
}
