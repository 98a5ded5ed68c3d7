//! The `CheckPartitions` port: storage that keeps checks in daily partitions (PostgreSQL) needs
//! each day's partition made before the day's first check; the partition upkeep job asks for it.

use std::future::Future;

use time::OffsetDateTime;

use crate::website::BoxError;

#[derive(Debug, thiserror::Error)]
pub enum EnsurePartitionsError {
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

/// Daily partitions of the checks, made ahead of time.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait CheckPartitions: Send + Sync + 'static {
    /// Makes the partitions around `now` (yesterday to a few days ahead) that do not exist yet;
    /// returns how many it made. Several nodes may ask at once; storage without partitions makes
    /// none.
    fn ensure_check_partitions(
        &self,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<usize, EnsurePartitionsError>> + Send;
}
