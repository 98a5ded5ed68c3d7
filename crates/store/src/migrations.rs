//! Embedded migrations, one set per backend, run at start-up or by `lookout migrate`.

use diesel_async::AsyncMigrationHarness;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::store::Pools;
use crate::{Store, StoreError};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

impl Store {
    /// Applies every pending migration and returns how many ran.
    ///
    /// Needs the multi-thread tokio runtime: diesel's migration harness is synchronous and
    /// diesel-async bridges it with `block_in_place`.
    pub async fn migrate(&self) -> Result<usize, StoreError> {
        let applied = match &self.pools {
            Pools::Sqlite { writer, .. } => {
                let conn = writer.get().await?;
                run(conn, SQLITE_MIGRATIONS)?
            }
            Pools::Postgres(pool) => {
                let conn = pool.get().await?;
                run(conn, POSTGRES_MIGRATIONS)?
            }
        };
        for version in &applied {
            tracing::info!(%version, "Applied migration");
        }
        let partitions = self.ensure_check_partitions(time::OffsetDateTime::now_utc()).await?;
        if partitions > 0 {
            tracing::info!(partitions, "Made daily check partitions");
        }
        Ok(applied.len())
    }
}

fn run<C>(conn: C, migrations: EmbeddedMigrations) -> Result<Vec<String>, StoreError>
where
    C: diesel_async::AsyncConnection,
    AsyncMigrationHarness<C>: MigrationHarness<C::Backend>,
{
    let mut harness = AsyncMigrationHarness::new(conn);
    harness
        .run_pending_migrations(migrations)
        .map(|versions| versions.into_iter().map(|v| v.to_string()).collect())
        .map_err(|e| StoreError::Migration(e.to_string()))
}
