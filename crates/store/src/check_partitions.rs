//! Daily partitions of `monitor_checks` on PostgreSQL (migrations 000007, 000008): made a few
//! days ahead, dropped whole by retention. SQLite keeps one table; both calls do nothing there.

use diesel::sql_types::{BigInt, Date, Integer, Timestamp};
use diesel::{QueryableByName, sql_query};
use diesel_async::RunQueryDsl;
use lookout_domain::history::{CheckPartitions, EnsurePartitionsError};
use time::OffsetDateTime;

use crate::store::Pools;
use crate::time_conv::to_column;
use crate::{Store, StoreError};

/// Partitions are made for yesterday up to this many days ahead.
const DAYS_AHEAD: i64 = 3;

#[derive(QueryableByName)]
struct Created {
    #[diesel(sql_type = Integer)]
    created: i32,
}

#[derive(QueryableByName)]
struct Dropped {
    #[diesel(sql_type = BigInt)]
    dropped: i64,
}

impl Store {
    /// Makes the daily check partitions from yesterday to three days after `now` that do not
    /// exist yet (several nodes may do this at once); returns how many it made.
    pub async fn ensure_check_partitions(&self, now: OffsetDateTime) -> Result<usize, StoreError> {
        let Pools::Postgres(pool) = &self.pools else { return Ok(0) };
        let today = now.to_offset(time::UtcOffset::UTC).date();
        let from = today.previous_day().unwrap_or(today);
        let to = today + time::Duration::days(DAYS_AHEAD);
        let mut conn = pool.get().await?;
        let made: Created = sql_query("SELECT lookout_ensure_check_partitions($1, $2) AS created")
            .bind::<Date, _>(from)
            .bind::<Date, _>(to)
            .get_result(&mut conn)
            .await?;
        Ok(usize::try_from(made.created).unwrap_or(0))
    }

    /// Drops the daily check partitions that end at or before `before`; returns how many rows
    /// went with them.
    pub(crate) async fn drop_check_partitions(
        &self,
        before: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let Pools::Postgres(pool) = &self.pools else { return Ok(0) };
        let mut conn = pool.get().await?;
        let dropped: Dropped = sql_query("SELECT lookout_drop_check_partitions($1) AS dropped")
            .bind::<Timestamp, _>(to_column(before))
            .get_result(&mut conn)
            .await?;
        Ok(u64::try_from(dropped.dropped).unwrap_or(0))
    }
}

impl CheckPartitions for Store {
    async fn ensure_check_partitions(
        &self,
        now: OffsetDateTime,
    ) -> Result<usize, EnsurePartitionsError> {
        Ok(Store::ensure_check_partitions(self, now).await?)
    }
}
