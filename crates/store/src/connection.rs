//! Which database a URL names, and how connections to it are made and pooled.

use std::path::PathBuf;
use std::time::Duration;

use deadpool::Runtime;
use diesel::SqliteConnection;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::pooled_connection::{AsyncDieselConnectionManager, ManagerConfig};
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use futures::FutureExt;

use crate::StoreError;

pub(crate) type SqliteConnectionAsync = SyncConnectionWrapper<SqliteConnection>;
pub(crate) type SqlitePool = Pool<SqliteConnectionAsync>;
pub(crate) type PgPool = Pool<AsyncPgConnection>;

/// A database location, by scheme: `sqlite://path/to/file.db` or `postgres://...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A SQLite file (created on first start).
    Sqlite(PathBuf),
    /// A PostgreSQL connection string, as given.
    Postgres(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DatabaseUrlError {
    #[error("database url must start with sqlite:// or postgres:// (got {0:?})")]
    UnknownScheme(String),
    #[error("sqlite database url names no file")]
    MissingSqlitePath,
}

impl DatabaseUrl {
    pub fn parse(raw: &str) -> Result<Self, DatabaseUrlError> {
        let raw = raw.trim();
        if let Some(path) = raw.strip_prefix("sqlite://").or_else(|| raw.strip_prefix("sqlite:")) {
            if path.is_empty() {
                return Err(DatabaseUrlError::MissingSqlitePath);
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(Self::Postgres(raw.to_owned()));
        }
        let scheme = raw.split(':').next().unwrap_or_default().to_owned();
        Err(DatabaseUrlError::UnknownScheme(scheme))
    }

    /// The URL with any password replaced, for logs.
    pub fn redacted(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("sqlite://{}", path.display()),
            Self::Postgres(url) => redact_password(url),
        }
    }
}

fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let Some((credentials, host)) = rest.split_once('@') else { return url.to_owned() };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

/// Settings applied to every SQLite connection: WAL so that readers never block the writer,
/// a busy timeout instead of immediate `SQLITE_BUSY`, enforced foreign keys (cascading deletes).
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; \
     PRAGMA busy_timeout = 5000; \
     PRAGMA foreign_keys = ON; \
     PRAGMA synchronous = NORMAL;";

pub(crate) fn sqlite_pool(
    path: &std::path::Path,
    size: usize,
    wait: Duration,
) -> Result<SqlitePool, StoreError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|source| StoreError::CreateDirectory { path: parent.to_path_buf(), source })?;
    }
    let mut config = ManagerConfig::<SqliteConnectionAsync>::default();
    config.custom_setup = Box::new(|url| {
        async move {
            let mut conn = SqliteConnectionAsync::establish(url).await?;
            conn.batch_execute(SQLITE_PRAGMAS)
                .await
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
            Ok(conn)
        }
        .boxed()
    });
    let manager =
        AsyncDieselConnectionManager::new_with_config(path.to_string_lossy().into_owned(), config);
    build_pool(manager, size, wait)
}

pub(crate) fn pg_pool(url: &str, size: usize, wait: Duration) -> Result<PgPool, StoreError> {
    build_pool(AsyncDieselConnectionManager::<AsyncPgConnection>::new(url), size, wait)
}

/// A pool whose callers wait at most `wait` for a connection (then the database counts as
/// unavailable).
fn build_pool<C>(
    manager: AsyncDieselConnectionManager<C>,
    size: usize,
    wait: Duration,
) -> Result<Pool<C>, StoreError>
where
    AsyncDieselConnectionManager<C>: deadpool::managed::Manager,
{
    Pool::builder(manager)
        .max_size(size)
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(wait))
        .create_timeout(Some(wait))
        .build()
        .map_err(|e| StoreError::Pool(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_schemes() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://lookout.db"),
            Ok(DatabaseUrl::Sqlite(PathBuf::from("lookout.db")))
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///var/lib/lookout/data.db"),
            Ok(DatabaseUrl::Sqlite(PathBuf::from("/var/lib/lookout/data.db")))
        );
        assert_eq!(
            DatabaseUrl::parse("postgres://u:p@localhost/db"),
            Ok(DatabaseUrl::Postgres("postgres://u:p@localhost/db".into()))
        );
        assert_eq!(DatabaseUrl::parse("sqlite://"), Err(DatabaseUrlError::MissingSqlitePath));
        assert!(
            matches!(DatabaseUrl::parse("mysql://x"), Err(DatabaseUrlError::UnknownScheme(s)) if s == "mysql")
        );
    }

    #[test]
    fn redacts_passwords() {
        let url = DatabaseUrl::parse("postgres://lookout:secret@db:5432/lookout").unwrap();
        assert_eq!(url.redacted(), "postgres://lookout:***@db:5432/lookout");
        let url = DatabaseUrl::parse("postgres://postgres@127.0.0.1/test").unwrap();
        assert_eq!(url.redacted(), "postgres://postgres@127.0.0.1/test");
    }
}
