//! Throwaway databases for tests: a temporary SQLite file, or a fresh PostgreSQL database
//! created on the server named by `LOOKOUT_TEST_POSTGRES_URL` and dropped afterwards, or a
//! whole throwaway PostgreSQL cluster for tests that stop the database, or a small filesystem
//! for tests that fill the disk.

mod small_filesystem;
mod throwaway_postgres;

use std::sync::atomic::{AtomicU32, Ordering};

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};

use crate::DatabaseUrl;
use crate::connection::SqliteConnectionAsync;

pub use small_filesystem::{MountRefused, SmallFilesystem};
pub use throwaway_postgres::ThrowawayPostgres;

/// The environment variable holding an admin URL of a PostgreSQL server for tests, e.g.
/// `postgres://postgres@127.0.0.1:5432/postgres`. CI always sets it.
pub const POSTGRES_URL_VAR: &str = "LOOKOUT_TEST_POSTGRES_URL";

/// A database that exists for one test.
#[derive(Debug)]
pub struct TestDatabase {
    url: String,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    Sqlite(
        #[expect(dead_code, reason = "held so the directory lives as long as the database")]
        tempfile::TempDir,
    ),
    Postgres {
        admin_url: String,
        name: String,
    },
    /// A file the caller keeps (and deletes).
    Kept,
}

impl TestDatabase {
    /// A new SQLite file in a fresh temporary directory (not yet created: lookout creates it).
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("cannot create a temp dir: {e}"));
        let url = format!("sqlite://{}", dir.path().join("lookout.db").display());
        Self { url, cleanup: Cleanup::Sqlite(dir) }
    }

    /// The SQLite file at `path` (created by lookout if missing), which the caller keeps.
    pub fn sqlite_file(path: &std::path::Path) -> Self {
        Self { url: format!("sqlite://{}", path.display()), cleanup: Cleanup::Kept }
    }

    /// A new, empty PostgreSQL database, or `None` when no test server is configured.
    pub async fn postgres() -> Option<Self> {
        let admin_url = std::env::var(POSTGRES_URL_VAR).ok().filter(|u| !u.is_empty())?;
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let name = format!(
            "lookout_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            nanos
        );
        let mut admin = AsyncPgConnection::establish(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("{POSTGRES_URL_VAR}={admin_url} does not answer: {e}"));
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
        let url = replace_database(&admin_url, &name);
        Some(Self { url, cleanup: Cleanup::Postgres { admin_url, name } })
    }

    /// The `sqlite://` or `postgres://` URL of this database.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Executes `sql` (one or more statements) over a connection of its own, with foreign keys
    /// enforced on SQLite as lookout's own connections do.
    pub async fn execute(&self, sql: &str) -> Result<(), diesel::result::Error> {
        match DatabaseUrl::parse(&self.url) {
            Ok(DatabaseUrl::Postgres(url)) => {
                let mut conn = AsyncPgConnection::establish(&url)
                    .await
                    .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"));
                conn.batch_execute(sql).await
            }
            Ok(DatabaseUrl::Sqlite(path)) => {
                let mut conn = SqliteConnectionAsync::establish(&path.to_string_lossy())
                    .await
                    .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
                conn.batch_execute("PRAGMA foreign_keys = ON").await?;
                conn.batch_execute(sql).await
            }
            Err(e) => panic!("{e}"),
        }
    }

    /// Runs `sql`, a query returning one row with one BIGINT column `n` (e.g.
    /// `SELECT COUNT(*) AS n FROM monitor_checks`), over a connection of its own.
    pub async fn count(&self, sql: &str) -> i64 {
        use diesel_async::RunQueryDsl;
        let query = diesel::sql_query(sql);
        let result = match DatabaseUrl::parse(&self.url) {
            Ok(DatabaseUrl::Postgres(url)) => {
                let mut conn = AsyncPgConnection::establish(&url)
                    .await
                    .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"));
                query.get_result::<Count>(&mut conn).await
            }
            Ok(DatabaseUrl::Sqlite(path)) => {
                let mut conn = SqliteConnectionAsync::establish(&path.to_string_lossy())
                    .await
                    .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
                query.get_result::<Count>(&mut conn).await
            }
            Err(e) => panic!("{e}"),
        };
        result.unwrap_or_else(|e| panic!("{sql}: {e}")).n
    }
}

/// `PRAGMA integrity_check` on the SQLite file at `path`: `"ok"`, or the problems it found, one
/// per line.
pub fn sqlite_integrity_check(path: &std::path::Path) -> Result<String, diesel::result::Error> {
    use diesel::{Connection, RunQueryDsl, SqliteConnection};
    let mut conn = SqliteConnection::establish(&path.to_string_lossy())
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
    let rows: Vec<IntegrityRow> = diesel::sql_query("PRAGMA integrity_check").load(&mut conn)?;
    Ok(rows.into_iter().map(|row| row.integrity_check).collect::<Vec<_>>().join("\n"))
}

#[derive(diesel::QueryableByName)]
struct IntegrityRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    integrity_check: String,
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// `postgres://host/db?x` with its database swapped for `name`.
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Cleanup::Postgres { admin_url, name } = &self.cleanup else { return };
        let (admin_url, name) = (admin_url.clone(), name.clone());
        // Drop runs inside async tests: use a runtime of our own on a thread of our own.
        let dropper = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
            let Ok(runtime) = runtime else { return };
            runtime.block_on(async {
                if let Ok(mut admin) = AsyncPgConnection::establish(&admin_url).await {
                    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    if let Err(e) = admin.batch_execute(&sql).await {
                        eprintln!("could not drop test database {name}: {e}");
                    }
                }
            });
        });
        let _ = dropper.join();
    }
}

#[cfg(test)]
mod tests {
    use super::replace_database;

    #[test]
    fn swaps_the_database_name() {
        assert_eq!(
            replace_database("postgres://u@h:5432/postgres", "t1"),
            "postgres://u@h:5432/t1"
        );
        assert_eq!(replace_database("postgres://u@h", "t1"), "postgres://u@h/t1");
        assert_eq!(
            replace_database("postgres://u@h/x?sslmode=disable", "t1"),
            "postgres://u@h/t1?sslmode=disable"
        );
    }
}
