//! The monitoring engine of `lookout serve`: the schedule (local or shared) feeding the check
//! worker, and what the API reads of it.

use lookout_domain::maintenance::MaintenanceView;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use lookout_domain::monitoring::SharedScheduleStore;
use lookout_domain::node::NodeId;
use lookout_domain::website::WebsiteRepository;
use lookout_domain::{EngineState, ErrorChain, MonitoringService, SystemClock};
use lookout_jobs::{
    CheckWorkerOptions, ScheduleSource, SharedScheduleOptions, SharedScheduleSource,
    SharedScheduleView, spawn_check_worker, spawn_schedule_upkeep,
};
use lookout_probe::HyperProber;
use lookout_store::{BatchRecorder, PgSharedSchedule, Store};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::settings::Settings;

/// How long in-flight checks may run on after SIGTERM before they are abandoned.
pub(crate) const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// Websites read per query while the local schedule loads (keeps start-up memory flat).
const LOAD_PAGE: usize = 10_000;

/// The running engine.
pub(crate) struct Engine {
    /// What the API shows of it: breakers and next due times, from the schedule.
    pub(crate) state: Arc<dyn EngineState>,
    /// None on a shared node that only serves the API.
    worker: Option<JoinHandle<()>>,
    /// Shared mode: the task returning slots, the upkeep, and where to hand back the slots
    /// this node still holds when it stops.
    releaser: Option<JoinHandle<()>>,
    upkeep: Option<JoinHandle<()>>,
    holder: Option<(PgSharedSchedule, NodeId)>,
}

/// Where due checks come from.
pub(crate) enum DueSource {
    Local(ScheduleSource),
    Shared(PgSharedSchedule),
}

/// Loads every enabled website into the local schedule, page by page; returns how many.
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

/// Starts checking: the schedule, the monitoring service and the worker.
pub(crate) async fn start(
    settings: &Settings,
    store: &Store,
    recorder: BatchRecorder,
    due: DueSource,
    node: &NodeId,
    maintenance: Arc<dyn MaintenanceView>,
    stop: watch::Receiver<bool>,
) -> anyhow::Result<Engine> {
    let probe_options = settings.probe_options()?;
    let lease = Duration::from_secs(settings.scheduler.lease_secs);
    let check_timeout = match &due {
        DueSource::Local(_) => probe_options.timeout + Duration::from_secs(30),
        // A check must end before its lease does, or another node could take its slot.
        DueSource::Shared(_) => lease.saturating_sub(Duration::from_secs(2)),
    };
    let prober = HyperProber::new(probe_options).context("cannot set up TLS")?;
    let monitoring = Arc::new(
        MonitoringService::new(
            prober,
            recorder,
            SystemClock,
            settings.breaker_policy(),
            settings.check_log_policy(),
        )
        .with_maintenance(maintenance),
    );
    let options = CheckWorkerOptions {
        concurrency: settings.scheduler.max_concurrent_checks,
        check_timeout,
        drain_timeout: DRAIN_TIMEOUT,
        per_site_labels: settings.metrics.per_site_labels,
        region: settings.node_region()?.map(|r| r.as_str().to_owned()),
    };
    match due {
        DueSource::Local(mut source) => {
            let synced = load_schedule(store, &mut source).await?;
            tracing::info!(websites = synced, "Starting scheduler: {synced} websites synced");
            let state = Arc::new(source.view());
            let worker = spawn_check_worker(source, monitoring, options, stop);
            Ok(Engine { state, worker: Some(worker), releaser: None, upkeep: None, holder: None })
        }
        DueSource::Shared(leases) => {
            let returned =
                leases.return_all(node).await.context("cannot reach the shared schedule")?;
            let (added, _) = leases.sync().await.context("cannot sync the shared schedule")?;
            let scheduled = leases.scheduled().await.context("cannot read the shared schedule")?;
            tracing::info!(
                websites = scheduled,
                added,
                returned,
                lease_secs = lease.as_secs(),
                "Starting scheduler (shared): {scheduled} websites in the shared schedule"
            );
            let view = SharedScheduleView::default();
            let upkeep = spawn_schedule_upkeep(leases.clone(), view.clone());
            let shared =
                SharedScheduleOptions::new(lease, options.check_timeout, options.concurrency);
            let (source, releaser) = SharedScheduleSource::start(leases.clone(), node, shared);
            let worker = spawn_check_worker(source, monitoring, options, stop);
            Ok(Engine {
                state: Arc::new(view),
                worker: Some(worker),
                releaser: Some(releaser),
                upkeep: Some(upkeep),
                holder: Some((leases, node.clone())),
            })
        }
    }
}

/// What an API-only node (`scheduler.enabled = false`) in shared mode shows of the engine: the
/// shared schedule's slots and breakers, which other nodes run.
pub(crate) fn watch_shared(leases: PgSharedSchedule) -> Engine {
    let view = SharedScheduleView::default();
    let upkeep = spawn_schedule_upkeep(leases, view.clone());
    Engine {
        state: Arc::new(view),
        worker: None,
        releaser: None,
        upkeep: Some(upkeep),
        holder: None,
    }
}

impl Engine {
    /// Waits for the worker to drain (after the stop signal), for finished slots to go back,
    /// then hands back the slots never checked (claimed ahead, or abandoned at the drain bound).
    pub(crate) async fn stopped(self) -> anyhow::Result<()> {
        if let Some(worker) = self.worker {
            worker.await.context("check worker failed")?;
        }
        if let Some(releaser) = self.releaser
            && tokio::time::timeout(DRAIN_TIMEOUT, releaser).await.is_err()
        {
            tracing::warn!("Slots not all returned to the shared schedule: their leases run out");
        }
        if let Some((leases, node)) = self.holder {
            match leases.return_all(&node).await {
                Ok(0) => {}
                Ok(returned) => tracing::debug!(returned, "Unchecked slots handed back"),
                Err(error) => tracing::warn!(
                    error = %ErrorChain(&error),
                    "Unchecked slots not handed back: their leases run out"
                ),
            }
        }
        if let Some(upkeep) = self.upkeep {
            upkeep.abort();
        }
        Ok(())
    }
}
