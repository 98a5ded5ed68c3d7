//! Keeps the daily check partitions (PostgreSQL) made ahead: hourly, so a node that runs for
//! days always writes into a partition of its own day rather than the DEFAULT one.

use std::time::Duration;

use lookout_store::Store;
use time::OffsetDateTime;
use tokio::task::JoinHandle;

const EVERY: Duration = Duration::from_secs(3600);

/// Runs until aborted; `Store::migrate` has made the first ones.
pub(crate) fn spawn_partition_upkeep(store: Store) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + EVERY, EVERY);
        loop {
            ticks.tick().await;
            match store.ensure_check_partitions(OffsetDateTime::now_utc()).await {
                Ok(0) => {}
                Ok(made) => tracing::info!(partitions = made, "Made daily check partitions"),
                Err(error) => {
                    tracing::warn!(%error, "Cannot make daily check partitions; retrying in an hour")
                }
            }
        }
    })
}
