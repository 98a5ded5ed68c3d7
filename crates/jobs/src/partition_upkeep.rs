//! The `partition-upkeep` job: keeps the daily check partitions (PostgreSQL) made ahead, hourly,
//! so that a node that runs for days always writes into a partition of its own day rather than
//! the DEFAULT one. Migrating the database made the first ones; storage without partitions
//! makes none.

use std::time::Duration;

use lookout_domain::Clock;
use lookout_domain::history::CheckPartitions;

use crate::PeriodicJob;

/// Asks the storage for the partitions around now every [`PartitionUpkeep::EVERY`].
#[derive(Debug)]
pub struct PartitionUpkeep<P, C> {
    partitions: P,
    clock: C,
}

impl<P: CheckPartitions, C: Clock> PartitionUpkeep<P, C> {
    pub const EVERY: Duration = Duration::from_secs(3600);

    pub fn new(partitions: P, clock: C) -> Self {
        Self { partitions, clock }
    }
}

impl<P: CheckPartitions, C: Clock> PeriodicJob for PartitionUpkeep<P, C> {
    fn name(&self) -> &'static str {
        "partition-upkeep"
    }

    fn period(&self) -> Duration {
        Self::EVERY
    }

    async fn run(&self) {
        match self.partitions.ensure_check_partitions(self.clock.now()).await {
            Ok(0) => {}
            Ok(made) => tracing::info!(partitions = made, "Made daily check partitions"),
            Err(error) => {
                tracing::warn!(%error, "Cannot make daily check partitions; retrying in an hour")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::future::ready;

    use lookout_domain::MockClock;
    use lookout_domain::history::{EnsurePartitionsError, MockCheckPartitions};
    use time::macros::datetime;

    use super::*;

    #[tokio::test]
    async fn asks_for_the_partitions_around_now_and_survives_a_failure() {
        let now = datetime!(2026-11-28 23:30 UTC);
        let mut clock = MockClock::new();
        clock.expect_now().return_const(now);
        let mut partitions = MockCheckPartitions::new();
        let mut answers = vec![Err(EnsurePartitionsError::Unavailable("down".into())), Ok(2)];
        partitions
            .expect_ensure_check_partitions()
            .withf(move |at| *at == now)
            .times(2)
            .returning(move |_| Box::pin(ready(answers.pop().unwrap_or(Ok(0)))));
        let job = PartitionUpkeep::new(partitions, clock);
        job.run().await;
        job.run().await;
    }
}
