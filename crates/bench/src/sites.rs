//! The benchmark database: a SQLite file with N sites inserted in one statement, and the
//! checks read back afterwards.

use std::path::Path;

use anyhow::Context;
use diesel::SqliteConnection;
use diesel::sql_types::{BigInt, Double};
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::{AsyncConnection, RunQueryDsl, SimpleAsyncConnection};
use lookout_store::{DatabaseUrl, Store, StoreOptions};

type Connection = SyncConnectionWrapper<SqliteConnection>;

/// How the farm's sites are addressed.
#[derive(Debug, Clone)]
pub(crate) struct SiteSpec {
    /// `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`, one per farm listener.
    pub(crate) bases: Vec<String>,
    pub(crate) count: u64,
    pub(crate) interval_secs: u32,
    pub(crate) delay_ms: u64,
    /// Every `error_every`-th site answers 503 (0 = none).
    pub(crate) error_every: u64,
}

/// Creates the schema (through lookout's own migrations) and inserts the sites.
pub(crate) async fn create(path: &Path, spec: &SiteSpec) -> anyhow::Result<String> {
    let url = format!("sqlite://{}", path.display());
    let store = Store::open(&DatabaseUrl::parse(&url)?, StoreOptions::default())?;
    store.migrate().await?;
    drop(store);
    let mut conn = Connection::establish(&path.to_string_lossy()).await?;
    let bases = spec.bases.len().max(1);
    let base_case: String = spec
        .bases
        .iter()
        .enumerate()
        .map(|(i, base)| format!("WHEN {i} THEN '{base}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let error_clause = if spec.error_every > 0 {
        format!("CASE WHEN n % {} = 0 THEN '&status=503' ELSE '' END", spec.error_every)
    } else {
        "''".to_owned()
    };
    let sql = format!(
        "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {count}) \
         INSERT INTO websites (url, name, enabled, check_interval, created_at, updated_at) \
         SELECT (CASE n % {bases} {base_case} END) || '/s/' || n || '?delay_ms={delay}' || {error_clause}, \
                'site ' || n, 1, {interval}, '2026-01-01 00:00:00', '2026-01-01 00:00:00' FROM seq",
        count = spec.count,
        delay = spec.delay_ms,
        interval = spec.interval_secs,
    );
    conn.batch_execute(&sql).await.context("inserting sites")?;
    Ok(url)
}

/// Appends `query` (`&name=value…`) to every site's URL.
pub(crate) async fn append_query(path: &Path, query: &str) -> anyhow::Result<()> {
    if query.is_empty() {
        return Ok(());
    }
    let mut conn = Connection::establish(&path.to_string_lossy()).await?;
    diesel::sql_query("UPDATE websites SET url = url || ?")
        .bind::<diesel::sql_types::Text, _>(query)
        .execute(&mut conn)
        .await
        .context("appending to the URLs")?;
    Ok(())
}

/// Gives every site `assertions` (their stored JSON form).
pub(crate) async fn set_assertions(path: &Path, assertions: &str) -> anyhow::Result<()> {
    let mut conn = Connection::establish(&path.to_string_lossy()).await?;
    diesel::sql_query("UPDATE websites SET assertions = ?")
        .bind::<diesel::sql_types::Text, _>(assertions)
        .execute(&mut conn)
        .await
        .context("setting the assertions")?;
    Ok(())
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(diesel::QueryableByName)]
struct ResponseTime {
    #[diesel(sql_type = Double)]
    response_time: f64,
}

/// Checks stored in all.
pub(crate) async fn count_checks(path: &Path) -> anyhow::Result<i64> {
    let mut conn = Connection::establish(&path.to_string_lossy()).await?;
    let count: Count =
        diesel::sql_query("SELECT COUNT(*) AS n FROM monitor_checks").get_result(&mut conn).await?;
    Ok(count.n)
}

/// Response times (seconds) of the checks that got an answer.
pub(crate) async fn response_times(path: &Path) -> anyhow::Result<Vec<f64>> {
    let mut conn = Connection::establish(&path.to_string_lossy()).await?;
    let rows: Vec<ResponseTime> =
        diesel::sql_query("SELECT response_time FROM monitor_checks WHERE status_code IS NOT NULL")
            .load(&mut conn)
            .await?;
    Ok(rows.into_iter().map(|r| r.response_time).collect())
}
