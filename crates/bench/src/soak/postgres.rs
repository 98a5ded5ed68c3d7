//! The soak on PostgreSQL: a fresh database on the server (dropped afterwards); the checks'
//! storage is the total size (heap, indexes, TOAST) of every partition of `monitor_checks`
//! (one per day); the WAL is the server's `pg_wal` directory, bounded by `max_wal_size` —
//! server-wide, so another database's writes count too.

use diesel_async::AsyncPgConnection;
use diesel_async::RunQueryDsl;

use super::database::{CheckRow, Footprint, SoakDatabase, checks_query, into_checks};
use super::grid_lateness::StoredCheck;
use crate::postgres_db::{BenchDatabase, number};

pub(crate) struct PostgresSoak {
    database: BenchDatabase,
    conn: AsyncPgConnection,
    start_bytes: i64,
    start_wal_lsn: i64,
    max_wal_bytes: u64,
}

const CHECKS_BYTES: &str = "SELECT COALESCE(SUM(pg_total_relation_size(relid)), 0)::bigint AS n \
     FROM pg_partition_tree('monitor_checks')";
const WAL_DIR_BYTES: &str = "SELECT COALESCE(SUM(size), 0)::bigint AS n FROM pg_ls_waldir()";
const WAL_LSN: &str = "SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint AS n";

impl PostgresSoak {
    /// A database called `name` on the server at `server_url` with `sites` sites every
    /// `interval` s spread over the farm's `bases`.
    pub(crate) async fn create(
        server_url: &str,
        name: &str,
        bases: &[String],
        sites: u64,
        interval: u32,
    ) -> anyhow::Result<Self> {
        let database = BenchDatabase::create(server_url, name).await?;
        database.insert_sites(bases, sites, interval).await?;
        let mut conn = database.connect().await?;
        let start_bytes = number(&mut conn, CHECKS_BYTES).await?;
        let start_wal_lsn = number(&mut conn, WAL_LSN).await?;
        if number(&mut conn, "SELECT (current_setting('autovacuum') = 'off')::int::bigint AS n")
            .await?
            == 1
        {
            println!(
                "  WARNING: this server's autovacuum is off: check_schedule gains two dead rows per check, \
                 claims slow down and checks fall behind within minutes; the soak then measures that \
                 (ALTER SYSTEM SET autovacuum = on; SELECT pg_reload_conf();)"
            );
        }
        let max_wal_bytes = u64::try_from(
            number(&mut conn, "SELECT pg_size_bytes(current_setting('max_wal_size')) AS n").await?,
        )?;
        Ok(Self { database, conn, start_bytes, start_wal_lsn, max_wal_bytes })
    }
}

impl SoakDatabase for PostgresSoak {
    fn url(&self) -> String {
        self.database.url.clone()
    }

    fn wal_limit_bytes(&self) -> u64 {
        self.max_wal_bytes
    }

    fn wal_meaning(&self) -> &'static str {
        "size of the server's pg_wal directory (all databases; bound: max_wal_size)"
    }

    async fn checks_after(&mut self, after_id: i64) -> anyhow::Result<(Vec<StoredCheck>, i64)> {
        let rows: Vec<CheckRow> =
            diesel::sql_query(checks_query(after_id)).load(&mut self.conn).await?;
        Ok(into_checks(rows, after_id))
    }

    async fn footprint(&mut self) -> anyhow::Result<Footprint> {
        let checks = number(&mut self.conn, CHECKS_BYTES).await? - self.start_bytes;
        let wal = number(&mut self.conn, WAL_DIR_BYTES).await?;
        Ok(Footprint {
            checks_bytes: u64::try_from(checks.max(0))?,
            wal_bytes: u64::try_from(wal.max(0))?,
        })
    }

    async fn final_figures(&mut self, stored: i64) -> anyhow::Result<Vec<String>> {
        let conn = &mut self.conn;
        let rows = number(conn, "SELECT COUNT(*) AS n FROM monitor_checks").await?.max(1);
        let heap = number(
            conn,
            "SELECT COALESCE(SUM(pg_table_size(relid)), 0)::bigint AS n \
             FROM pg_partition_tree('monitor_checks')",
        )
        .await?;
        let indexes = number(
            conn,
            "SELECT COALESCE(SUM(pg_indexes_size(relid)), 0)::bigint AS n \
             FROM pg_partition_tree('monitor_checks')",
        )
        .await?;
        let partitions = number(
            conn,
            "SELECT COUNT(*) AS n FROM pg_partition_tree('monitor_checks') WHERE isleaf",
        )
        .await?;
        let wal = number(conn, WAL_LSN).await? - self.start_wal_lsn;
        let rollups = number(conn, "SELECT COUNT(*) AS n FROM check_rollups").await?;
        let rollup_bytes =
            number(conn, "SELECT pg_total_relation_size('check_rollups') AS n").await?;
        let per_check = |bytes: i64| bytes as f64 / rows as f64;
        let mut lines = vec![
            format!(
                "raw checks: {rows} rows ({stored} counted during the run) in {partitions} \
                 partitions (one per day + DEFAULT), heap {:.1} + indexes {:.1} = {:.1} bytes per \
                 check (the partitions' size before the run included)",
                per_check(heap),
                per_check(indexes),
                per_check(heap + indexes),
            ),
            format!(
                "WAL written during the run (whole server): {:.0} MiB = {:.0} bytes per stored check",
                wal as f64 / 1_048_576.0,
                per_check(wal),
            ),
        ];
        if rollups > 0 {
            lines.push(format!(
                "roll-ups: {rollups} rows, {:.0} bytes per row",
                rollup_bytes as f64 / rollups as f64
            ));
        }
        Ok(lines)
    }

    async fn remove(self) -> anyhow::Result<()> {
        drop(self.conn);
        self.database.drop_database().await
    }
}
