//! `Store`: the handle the rest of lookout holds, over either backend.

use std::time::Duration;

use crate::connection::{PgPool, SqlitePool, pg_pool, sqlite_pool};
use crate::shared_schedule::{PgSharedSchedule, SCHEDULE_POOL_SIZE};
use crate::{DatabaseUrl, StoreError};

/// Pool sizes and timeouts.
#[derive(Debug, Clone, Copy)]
pub struct StoreOptions {
    /// Connections in the pool (readers, on SQLite; all connections, on PostgreSQL).
    pub pool_size: usize,
    /// How long a caller waits for a connection before the database counts as unavailable.
    pub connect_timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self { pool_size: 8, connect_timeout: Duration::from_secs(5) }
    }
}

/// Which database is behind a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub(crate) enum Pools {
    /// SQLite allows one writer at a time: all writes go through a single connection (so no
    /// transaction ever waits on another writer's lock), reads through a pool in WAL mode.
    Sqlite {
        writer: SqlitePool,
        readers: SqlitePool,
    },
    Postgres(PgPool),
}

/// The persistence adapter. Cheap to clone: clones share the pools.
#[derive(Clone)]
pub struct Store {
    pub(crate) pools: Pools,
    /// PostgreSQL: the shared schedule's own small pool.
    schedule: Option<PgSharedSchedule>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.backend()).finish_non_exhaustive()
    }
}

impl Store {
    /// Opens pools for `url`. No connection is made until the first query (see [`Store::migrate`]).
    pub fn open(url: &DatabaseUrl, options: StoreOptions) -> Result<Self, StoreError> {
        let wait = options.connect_timeout;
        let (pools, schedule) = match url {
            DatabaseUrl::Sqlite(path) => {
                let writer = sqlite_pool(path, 1, wait)?;
                let readers = sqlite_pool(path, options.pool_size.max(1), wait)?;
                (Pools::Sqlite { writer, readers }, None)
            }
            DatabaseUrl::Postgres(url) => {
                let pool = pg_pool(url, options.pool_size.max(1), wait)?;
                let schedule = PgSharedSchedule {
                    pool: pg_pool(url, SCHEDULE_POOL_SIZE, wait)?,
                    checks: Default::default(),
                    region: String::new(),
                };
                (Pools::Postgres(pool), Some(schedule))
            }
        };
        Ok(Self { pools, schedule })
    }

    /// The schedule many nodes share, kept in the database: PostgreSQL only.
    pub fn shared_schedule(&self) -> Option<PgSharedSchedule> {
        self.schedule.clone()
    }

    pub fn backend(&self) -> Backend {
        match self.pools {
            Pools::Sqlite { .. } => Backend::Sqlite,
            Pools::Postgres(_) => Backend::Postgres,
        }
    }
}

/// Runs `$body` with `$conn` bound to a pooled connection of whichever backend the store has.
/// The body is compiled once per backend, so the same diesel query serves both.
/// `write` takes SQLite's single writer connection; `read` a reader.
macro_rules! with_connection {
    ($store:expr, write, |$conn:ident| $body:expr) => {
        match &$store.pools {
            $crate::store::Pools::Sqlite { writer, .. } => {
                let mut $conn = writer.get().await.map_err($crate::StoreError::from)?;
                $body
            }
            $crate::store::Pools::Postgres(pool) => {
                let mut $conn = pool.get().await.map_err($crate::StoreError::from)?;
                $body
            }
        }
    };
    ($store:expr, read, |$conn:ident| $body:expr) => {
        match &$store.pools {
            $crate::store::Pools::Sqlite { readers, .. } => {
                let mut $conn = readers.get().await.map_err($crate::StoreError::from)?;
                $body
            }
            $crate::store::Pools::Postgres(pool) => {
                let mut $conn = pool.get().await.map_err($crate::StoreError::from)?;
                $body
            }
        }
    };
}

pub(crate) use with_connection;
