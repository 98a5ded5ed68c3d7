//! A fresh benchmark database on a PostgreSQL server: created under a name of its own,
//! migrated with lookout's own migrations, filled with N sites pointing at the farm, dropped
//! afterwards. Shared by `scale-out` and `soak`.

use anyhow::Context;
use diesel::sql_types::BigInt;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use lookout_store::{DatabaseUrl, Store, StoreOptions};

/// A database made for one benchmark case.
pub(crate) struct BenchDatabase {
    /// The server URL it was made on (for the final drop).
    server_url: String,
    name: String,
    /// The database's own URL (what lookout gets as `DATABASE_URL`).
    pub(crate) url: String,
}

#[derive(diesel::QueryableByName)]
struct Number {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// `postgres://host/db` with its database swapped for `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let authority = base.find("://").map_or(0, |i| i + 3);
    let base = base[authority..].find('/').map_or(base, |slash| &base[..authority + slash]);
    query.map_or_else(|| format!("{base}/{name}"), |q| format!("{base}/{name}?{q}"))
}

/// One `SELECT ... AS n` number.
pub(crate) async fn number(conn: &mut AsyncPgConnection, sql: &str) -> anyhow::Result<i64> {
    let row: Number = diesel::sql_query(sql).get_result(conn).await.context(sql.to_owned())?;
    Ok(row.n)
}

impl BenchDatabase {
    /// Drops any database called `name` on the server at `server_url`, creates it afresh and
    /// applies lookout's migrations.
    pub(crate) async fn create(server_url: &str, name: &str) -> anyhow::Result<Self> {
        let mut admin = AsyncPgConnection::establish(server_url).await?;
        admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name}")).await?;
        admin.batch_execute(&format!("CREATE DATABASE {name}")).await?;
        let url = with_database(server_url, name);
        let store = Store::open(&DatabaseUrl::parse(&url)?, StoreOptions::default())?;
        store.migrate().await?;
        Ok(Self { server_url: server_url.to_owned(), name: name.to_owned(), url })
    }

    pub(crate) async fn connect(&self) -> anyhow::Result<AsyncPgConnection> {
        Ok(AsyncPgConnection::establish(&self.url).await?)
    }

    /// Inserts `sites` enabled sites checked every `interval` s, spread over the farm's
    /// `bases` (`http://127.0.0.1:PORT`).
    pub(crate) async fn insert_sites(
        &self,
        bases: &[String],
        sites: u64,
        interval: u32,
    ) -> anyhow::Result<()> {
        let base_case: String = bases
            .iter()
            .enumerate()
            .map(|(i, base)| format!("WHEN {i} THEN '{base}'"))
            .collect::<Vec<_>>()
            .join(" ");
        self.connect()
            .await?
            .batch_execute(&format!(
                "INSERT INTO websites (url, name, enabled, check_interval, created_at, updated_at) \
                 SELECT (CASE n % {listeners} {base_case} END) || '/s/' || n, 'site ' || n, true, \
                        {interval}, '2026-01-01', '2026-01-01' FROM generate_series(1, {sites}) n",
                listeners = bases.len().max(1),
            ))
            .await
            .context("inserting sites")
    }

    /// Drops the database (closing whatever is still connected to it).
    pub(crate) async fn drop_database(self) -> anyhow::Result<()> {
        let mut admin = AsyncPgConnection::establish(&self.server_url).await?;
        admin.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)).await?;
        Ok(())
    }
}
