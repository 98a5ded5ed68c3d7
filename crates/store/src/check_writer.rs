//! The check writer: a task that stores checks in batches (group commit) and answers each
//! caller with what its check did. While one batch is written the next one queues, so under load
//! batches grow by themselves and at rest a check is written at once. While the database cannot
//! write (unavailable, disk full) it holds checks (see `writer_loop.rs`).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use diesel::SqliteConnection;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Timestamp};
use diesel_async::{AsyncConnection, RunQueryDsl};
use lookout_domain::alerting::AlertDefaults;
use lookout_domain::regions::RegionName;
use lookout_domain::{BreakerPolicy, CheckRecorder, MonitorCheck, RecordCheckError, RecordedCheck};
use time::{OffsetDateTime, PrimitiveDateTime};
use tokio::sync::{Notify, mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::alert_batch::{StateRow, plan_alerts, sites_needing_policy, states_query};
use crate::alert_batch_write::write_alert_plan;
use crate::alert_policies::{assemble, policies_query, policy_channels_query};
use crate::certificates::{certificate_rows, write_certificates};
use crate::check_batch::{
    Maker, OpenWindow, apply_rechecks, open_windows_query, plan, site_ids, stored_checks,
    stored_decisions,
};
use crate::check_batch_sqlite::write_batch_sqlite;
use crate::region_vote::{
    LiveSiteRow, LiveSites, lock_voting_sites_pg, region_verdicts_query, vote_batch,
    write_region_verdicts_pg,
};
use crate::schema::{downtime_windows, monitor_checks};
use crate::site_verdicts::{live_sites_query, verdict_changes, write_verdicts_pg};
use crate::sqlite_transaction::immediate_transaction;
use crate::store::Pools;
use crate::writer_health::CheckWriterHealth;
use crate::{Store, StoreError};

/// Batching settings.
#[derive(Debug, Clone)]
pub struct CheckWriterOptions {
    /// Most checks written in one transaction.
    pub max_batch: usize,
    /// Checks that may wait for the writer before callers wait too.
    pub queue_capacity: usize,
    /// Checks held while the database cannot write; beyond this they are dropped.
    pub outage_buffer: usize,
    /// How often the writer tries again while it holds checks.
    pub retry_interval: Duration,
    /// Recorded with every check: the node that made it.
    pub node_id: Option<String>,
    /// Recorded with every check: the node's region; the region whose verdict its checks are
    /// for sites that chose regions.
    pub region: Option<RegionName>,
    /// How much longer a region's failed verdict counts than two intervals: the circuit
    /// breaker's cool-down, while which the region does not check the site.
    pub failed_held_for: Duration,
    /// The alert settings of sites that have none of their own (config `alerts.*`).
    pub alerts: AlertDefaults,
    /// Woken when a batch queued deliveries, so the outbox worker sends them at once.
    pub outbox_signal: Option<Arc<Notify>>,
}

impl Default for CheckWriterOptions {
    fn default() -> Self {
        Self {
            max_batch: 1000,
            queue_capacity: 65_536,
            outage_buffer: 100_000,
            retry_interval: Duration::from_secs(1),
            node_id: None,
            region: None,
            failed_held_for: BreakerPolicy::default().open_for,
            alerts: AlertDefaults::default(),
            outbox_signal: None,
        }
    }
}

impl CheckWriterOptions {
    /// Who makes this writer's checks, as each row records it.
    pub(crate) fn maker(&self) -> Maker<'_> {
        Maker {
            node: self.node_id.as_deref(),
            region: self.region.as_ref().map(RegionName::as_str),
        }
    }
}

pub(crate) type Reply = oneshot::Sender<Result<RecordedCheck, RecordCheckError>>;

/// The `CheckRecorder` port over the check writer. Cheap to clone; when every clone is gone the
/// writer flushes what it holds and stops.
#[derive(Debug, Clone)]
pub struct BatchRecorder {
    queue: mpsc::Sender<(MonitorCheck, Reply)>,
    health: CheckWriterHealth,
}

impl BatchRecorder {
    /// The writer's health: writing, or holding results and why (outlives the writer).
    pub fn health(&self) -> CheckWriterHealth {
        self.health.clone()
    }
}

impl CheckRecorder for BatchRecorder {
    async fn record_check(&self, check: MonitorCheck) -> Result<RecordedCheck, RecordCheckError> {
        let (reply, answer) = oneshot::channel();
        self.queue.send((check, reply)).await.map_err(|_| RecordCheckError::Stopped)?;
        answer.await.map_err(|_| RecordCheckError::Stopped)?
    }
}

impl Store {
    /// Starts the check writer. Await the handle after dropping every recorder to be sure the
    /// last checks are stored.
    pub fn spawn_check_writer(
        &self,
        options: CheckWriterOptions,
    ) -> (BatchRecorder, JoinHandle<()>) {
        let (queue, receiver) = mpsc::channel(options.queue_capacity.max(1));
        let store = self.clone();
        let health = CheckWriterHealth::default();
        let published = health.clone();
        let task =
            tokio::spawn(async move { store.run_writer(receiver, options, published).await });
        (BatchRecorder { queue, health }, task)
    }

    /// Stores `checks` and applies their downtime and incident transitions in one transaction
    /// (queuing the deliveries of the incidents they open and resolve). A site deleted by a
    /// concurrent transaction makes the insert fail its foreign key: plan again.
    pub(crate) async fn write_checks(
        &self,
        checks: &[MonitorCheck],
        options: &CheckWriterOptions,
    ) -> Result<Vec<RecordedCheck>, StoreError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.write_checks_once(checks, options).await {
                Ok((results, queued)) => {
                    if queued > 0
                        && let Some(signal) = &options.outbox_signal
                    {
                        signal.notify_one();
                    }
                    return Ok(results);
                }
                Err(StoreError::Query(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::ForeignKeyViolation,
                    _,
                ))) if attempt < 3 => {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                Err(other) => return Err(other),
            }
        }
    }

    /// One attempt: the results, and how many deliveries the batch queued.
    async fn write_checks_once(
        &self,
        checks: &[MonitorCheck],
        options: &CheckWriterOptions,
    ) -> Result<(Vec<RecordedCheck>, usize), StoreError> {
        let now = OffsetDateTime::now_utc();
        match &self.pools {
            Pools::Sqlite { writer, .. } => {
                let mut conn = writer.get().await?;
                let checks = checks.to_vec();
                let options = options.clone();
                // One blocking hop for the whole batch, on SQLite's single writer connection.
                Ok(conn
                    .spawn_blocking(move |conn: &mut SqliteConnection| {
                        immediate_transaction(conn, |conn| {
                            write_batch_sqlite(conn, &checks, now, &options)
                        })
                    })
                    .await?)
            }
            Pools::Postgres(pool) => {
                let mut conn = pool.get().await?;
                let results = conn
                    .transaction(async |conn| write_batch_pg(conn, checks, now, options).await)
                    .await?;
                Ok(results)
            }
        }
    }
}

/// One batch on PostgreSQL, inside the caller's transaction.
async fn write_batch_pg(
    conn: &mut diesel_async::AsyncPgConnection,
    checks: &[MonitorCheck],
    now: OffsetDateTime,
    options: &CheckWriterOptions,
) -> Result<(Vec<RecordedCheck>, usize), diesel::result::Error> {
    let defaults = &options.alerts;
    let ids = site_ids(checks);
    lock_voting_sites_pg(conn, &ids).await?;
    let rows: Vec<LiveSiteRow> = live_sites_query(&ids).load(conn).await?;
    let LiveSites { verdicts, live, ids: live_ids, voting } =
        LiveSites::of(&rows, options.failed_held_for);
    let stored_verdicts = if voting.is_empty() {
        Vec::new()
    } else {
        region_verdicts_query(&voting.keys().copied().collect::<Vec<_>>()).load(conn).await?
    };
    let voted = vote_batch(checks, &voting, stored_verdicts, options.region.as_ref());
    let open: Vec<OpenWindow> = open_windows_query(&live_ids).load(conn).await?;
    let mut plan = plan(checks, &voted.decisions, &live, &open, now, options.maker());
    diesel::insert_into(monitor_checks::table).values(&plan.checks).execute(conn).await?;
    if !plan.new_windows.is_empty() {
        diesel::insert_into(downtime_windows::table)
            .values(&plan.new_windows)
            .execute(conn)
            .await?;
    }
    if !plan.closes.is_empty() {
        let (ids, ends): (Vec<i64>, Vec<PrimitiveDateTime>) = plan.closes.iter().copied().unzip();
        diesel::sql_query(
            "UPDATE downtime_windows SET end_time = closing.end_time \
             FROM unnest($1, $2) AS closing(id, end_time) \
             WHERE downtime_windows.id = closing.id",
        )
        .bind::<Array<BigInt>, _>(ids)
        .bind::<Array<Timestamp>, _>(ends)
        .execute(conn)
        .await?;
    }
    write_region_verdicts_pg(conn, &voted.verdicts).await?;
    write_verdicts_pg(conn, &verdict_changes(&voted.decisions, &verdicts)).await?;
    let stored = stored_checks(checks, &live);
    let certificates = certificate_rows(&stored);
    if !certificates.is_empty() {
        write_certificates!(async, &mut *conn, certificates);
    }
    let decided = stored_decisions(checks, &voted.decisions, &live);
    let states: Vec<StateRow> = states_query(&live_ids).load(conn).await?;
    let needing = sites_needing_policy(&decided, &states);
    let policies = if needing.is_empty() {
        HashMap::new()
    } else {
        assemble(
            policies_query(&needing).load(conn).await?,
            policy_channels_query(&needing).load(conn).await?,
        )
    };
    let alerts = plan_alerts(&decided, &states, &policies, defaults);
    let queued = write_alert_plan!(async, conn, &alerts, &policies, defaults, now);
    apply_rechecks(&mut plan.results, &alerts.recheck_after);
    Ok((plan.results, queued))
}
