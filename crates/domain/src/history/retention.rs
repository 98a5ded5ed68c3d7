//! The roll-up and retention job: rolls complete hours of raw checks into hourly roll-ups and
//! complete days of hourly roll-ups into daily ones, then deletes raw checks and hourly
//! roll-ups past their retention. Work goes in small batches of sites; every bucket is rolled
//! up by replacing its rows, and a mark moves only after a whole bucket is done, so a run that
//! is interrupted is simply repeated.

use std::sync::{Mutex, PoisonError};

use time::{Duration, OffsetDateTime};

use super::{Grain, RollupMarks, RollupStore};
use crate::Clock;
use crate::website::BoxError;

#[derive(Debug, thiserror::Error)]
pub enum RollupError {
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

/// What expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiring {
    RawChecks,
    HourlyRollups,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionPolicy {
    /// Raw checks are kept this long (and until their hour is rolled up).
    pub raw: Duration,
    /// Hourly roll-ups are kept this long (and until their day is rolled up); daily ones forever.
    pub hourly: Duration,
    /// An hour is rolled up once it ended this long ago (checks still in flight or in the
    /// write buffer at its end have landed by then).
    pub grace: Duration,
    /// Websites per batch (per transaction).
    pub site_batch: usize,
    /// Buckets (hours + days) rolled up per run at most; a backlog is worked off over runs.
    pub max_buckets_per_run: u32,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        Self {
            raw: Duration::days(30),
            hourly: Duration::days(90),
            grace: Duration::minutes(5),
            site_batch: 500,
            max_buckets_per_run: 168,
        }
    }
}

/// What one run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RollupReport {
    pub hours_rolled_up: u32,
    pub days_rolled_up: u32,
    /// The job stopped at `max_buckets_per_run` with buckets left for the next run.
    pub backlog: bool,
    pub raw_checks_deleted: u64,
    pub hourly_rollups_deleted: u64,
}

impl RollupReport {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Runs the job against a `RollupStore`.
#[derive(Debug)]
pub struct RollupService<S, C> {
    store: S,
    clock: C,
    policy: RetentionPolicy,
    /// The cut-offs deleted through already (they only move forward, an hour or a day at a
    /// time, so most runs have nothing to delete and skip the pass).
    deleted_through: Mutex<[Option<OffsetDateTime>; 2]>,
}

impl<S: RollupStore, C: Clock> RollupService<S, C> {
    pub fn new(store: S, clock: C, policy: RetentionPolicy) -> Self {
        Self { store, clock, policy, deleted_through: Mutex::new([None; 2]) }
    }

    /// One pass: roll up what is complete, then delete what expired.
    pub async fn run(&self) -> Result<RollupReport, RollupError> {
        let now = self.clock.now();
        let marks = self.store.rollup_marks().await?;
        let mut report = RollupReport::default();
        let mut budget = self.policy.max_buckets_per_run;

        let hour_target = Grain::Hour.floor(now - self.policy.grace);
        let hourly_through =
            self.advance(Grain::Hour, marks.hourly_through, hour_target, &mut budget).await?;
        report.hours_rolled_up = self.policy.max_buckets_per_run - budget;
        let daily_through = match hourly_through {
            Some(hours) => {
                let before = budget;
                let day_target = Grain::Day.floor(hours);
                let through =
                    self.advance(Grain::Day, marks.daily_through, day_target, &mut budget).await?;
                report.days_rolled_up = before - budget;
                through
            }
            None => marks.daily_through,
        };
        report.backlog = budget == 0;

        let marks = RollupMarks { hourly_through, daily_through };
        if let Some(rolled) = marks.hourly_through {
            let cutoff = Grain::Hour.floor(now - self.policy.raw).min(rolled);
            report.raw_checks_deleted = self.expire(Expiring::RawChecks, cutoff).await?;
        }
        if let Some(rolled) = marks.daily_through {
            let cutoff = Grain::Day.floor(now - self.policy.hourly).min(rolled);
            report.hourly_rollups_deleted = self.expire(Expiring::HourlyRollups, cutoff).await?;
        }
        Ok(report)
    }

    /// Rolls up whole buckets of `grain` from `mark` up to `target`; returns the new mark.
    async fn advance(
        &self,
        grain: Grain,
        mark: Option<OffsetDateTime>,
        target: OffsetDateTime,
        budget: &mut u32,
    ) -> Result<Option<OffsetDateTime>, RollupError> {
        let mut bucket = match mark {
            Some(mark) => mark,
            // First run: start at the oldest data, or — with none — right at the target.
            None => match self.store.oldest_source(grain).await? {
                Some(oldest) => grain.floor(oldest).min(target),
                None => target,
            },
        };
        if mark.is_none() {
            self.store.set_rolled_through(grain, bucket).await?;
        }
        while bucket + grain.duration() <= target && *budget > 0 {
            let mut after = None;
            while let Some(last) =
                self.store.roll_up(grain, bucket, after, self.policy.site_batch).await?
            {
                after = Some(last);
            }
            bucket += grain.duration();
            self.store.set_rolled_through(grain, bucket).await?;
            *budget -= 1;
            tracing::debug!(?grain, through = %bucket, "Rolled up");
        }
        Ok(Some(bucket))
    }

    /// Deletes `what` older than `cutoff`, site batch by site batch, once per cut-off.
    async fn expire(&self, what: Expiring, cutoff: OffsetDateTime) -> Result<u64, RollupError> {
        let slot = what as usize;
        let done = self.deleted_through.lock().unwrap_or_else(PoisonError::into_inner)[slot];
        if done.is_some_and(|done| done >= cutoff) {
            return Ok(0);
        }
        let mut deleted = 0;
        let mut after = None;
        while let Some((last, count)) =
            self.store.delete_before(what, cutoff, after, self.policy.site_batch).await?
        {
            deleted += count;
            after = Some(last);
        }
        self.deleted_through.lock().unwrap_or_else(PoisonError::into_inner)[slot] = Some(cutoff);
        Ok(deleted)
    }
}

#[cfg(test)]
#[path = "retention_tests.rs"]
mod tests;
