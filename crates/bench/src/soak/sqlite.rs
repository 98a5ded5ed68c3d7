//! The soak on SQLite: a fresh database file (lookout's migrations, the sites inserted before
//! lookout starts), its size and its `-wal` file's read from the file system, the new checks
//! through a reader connection of the bench's own (WAL mode: it never blocks lookout's writer).

use std::path::{Path, PathBuf};

use diesel::SqliteConnection;
use diesel::sql_types::{BigInt, Text};
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::{AsyncConnection, RunQueryDsl, SimpleAsyncConnection};

use super::database::{CheckRow, Footprint, SoakDatabase, checks_query, into_checks};
use super::grid_lateness::StoredCheck;
use crate::sites::{self, SiteSpec};

type Connection = SyncConnectionWrapper<SqliteConnection>;

pub(crate) struct SqliteSoak {
    path: PathBuf,
    url: String,
    reader: Connection,
    /// The file's size before lookout started (schema and sites).
    start_bytes: u64,
    wal_limit_bytes: u64,
}

#[derive(diesel::QueryableByName)]
struct NamedBytes {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = BigInt)]
    bytes: i64,
}

#[derive(diesel::QueryableByName)]
struct Number {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

impl SqliteSoak {
    pub(crate) async fn create(
        path: &Path,
        spec: &SiteSpec,
        wal_limit_bytes: u64,
    ) -> anyhow::Result<Self> {
        let url = sites::create(path, spec).await?;
        let mut reader = Connection::establish(&path.to_string_lossy()).await?;
        reader.batch_execute("PRAGMA busy_timeout = 5000;").await?;
        let start_bytes = file_size(path);
        Ok(Self { path: path.to_path_buf(), url, reader, start_bytes, wal_limit_bytes })
    }

    fn wal_path(&self) -> PathBuf {
        let mut name = self.path.clone().into_os_string();
        name.push("-wal");
        PathBuf::from(name)
    }

    async fn number(&mut self, sql: &str) -> anyhow::Result<i64> {
        let row: Number = diesel::sql_query(sql).get_result(&mut self.reader).await?;
        Ok(row.n)
    }
}

impl SoakDatabase for SqliteSoak {
    fn url(&self) -> String {
        self.url.clone()
    }

    fn wal_limit_bytes(&self) -> u64 {
        self.wal_limit_bytes
    }

    fn wal_meaning(&self) -> &'static str {
        "size of the -wal file (SQLite checkpoints it every 1,000 pages = 4 MiB; the file keeps \
         its largest size)"
    }

    async fn checks_after(&mut self, after_id: i64) -> anyhow::Result<(Vec<StoredCheck>, i64)> {
        let rows: Vec<CheckRow> =
            diesel::sql_query(checks_query(after_id)).load(&mut self.reader).await?;
        Ok(into_checks(rows, after_id))
    }

    async fn footprint(&mut self) -> anyhow::Result<Footprint> {
        Ok(Footprint {
            checks_bytes: file_size(&self.path).saturating_sub(self.start_bytes),
            wal_bytes: file_size(&self.wal_path()),
        })
    }

    async fn final_figures(&mut self, stored: i64) -> anyhow::Result<Vec<String>> {
        self.reader.batch_execute("PRAGMA wal_checkpoint(TRUNCATE);").await?;
        // dbstat (compiled into the bundled SQLite) gives every table's and index's pages.
        let tables: Vec<NamedBytes> = diesel::sql_query(
            "SELECT name, SUM(pgsize) AS bytes FROM dbstat \
             WHERE name IN ('monitor_checks', 'monitor_checks_website_timestamp', 'check_rollups') \
             GROUP BY name",
        )
        .load(&mut self.reader)
        .await?;
        let bytes = |name: &str| tables.iter().find(|t| t.name == name).map_or(0, |t| t.bytes);
        let (table, index) = (bytes("monitor_checks"), bytes("monitor_checks_website_timestamp"));
        let rows = self.number("SELECT COUNT(*) AS n FROM monitor_checks").await?;
        let rollups = self.number("SELECT COUNT(*) AS n FROM check_rollups").await?;
        let per_check = |b: i64| b as f64 / rows.max(1) as f64;
        let mut lines = vec![
            format!(
                "raw checks (dbstat after a checkpoint): {rows} rows ({stored} counted during the \
                 run), table {:.1} + index {:.1} = {:.1} bytes per check",
                per_check(table),
                per_check(index),
                per_check(table + index),
            ),
            format!(
                "database file {:.1} MiB after the checkpoint ({:.1} MiB before the run)",
                file_size(&self.path) as f64 / 1_048_576.0,
                self.start_bytes as f64 / 1_048_576.0,
            ),
        ];
        if rollups > 0 {
            lines.push(format!(
                "roll-ups: {rollups} rows, {:.0} bytes per row",
                bytes("check_rollups") as f64 / rollups as f64
            ));
        }
        Ok(lines)
    }

    async fn remove(self) -> anyhow::Result<()> {
        drop(self.reader);
        for suffix in ["", "-wal", "-shm"] {
            let mut name = self.path.clone().into_os_string();
            name.push(suffix);
            std::fs::remove_file(name).ok();
        }
        Ok(())
    }
}
