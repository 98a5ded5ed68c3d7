//! `lookout serve`: the REST API and the scheduler, until SIGINT or SIGTERM.

use std::net::TcpListener;

use anyhow::Context;
use lookout_domain::SystemClock;
use lookout_domain::website::{WebsiteRepository, WebsiteService};
use lookout_http::ApiState;
use lookout_jobs::local_schedule;

use crate::settings::Settings;
use crate::shutdown;

pub(crate) async fn serve(settings: Settings) -> anyhow::Result<()> {
    let store = super::open_store(&settings).await?;
    let interval_bounds = settings.interval_bounds()?;

    let (schedule, mut source) = local_schedule();
    if settings.scheduler.enabled {
        let websites = store.list_websites().await.context("cannot load websites")?;
        let synced = source.load(&websites, tokio::time::Instant::now());
        tracing::info!(websites = synced, "Starting scheduler: {synced} websites synced");
    } else {
        tracing::info!("Scheduler disabled (scheduler.enabled = false): no checks will run");
    }

    let websites = WebsiteService::new(store, schedule, SystemClock);
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
    let server = lookout_http::start(listener, ApiState { websites, interval_bounds }, workers)?;
    let handle = server.handle();
    let mut server = tokio::spawn(server);
    tracing::info!("Listening on http://{address}");

    tokio::select! {
        signal = shutdown::signal_received() => {
            tracing::info!("{}: shutting down", signal?);
            handle.stop(true).await;
            drop(source);
            server.await.context("HTTP server task failed")??;
        }
        result = &mut server => {
            result.context("HTTP server task failed")?.context("HTTP server failed")?;
        }
    }
    tracing::info!("Stopped");
    Ok(())
}
