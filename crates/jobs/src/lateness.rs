//! `LatenessStats`: how late checks start relative to their due time — a lock-free log-scale
//! histogram (8 buckets per doubling, about 9 % resolution) from 1 µs to ~18 hours.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

const SUB_BUCKETS: usize = 8;
const DOUBLINGS: usize = 36;
const BUCKETS: usize = SUB_BUCKETS * DOUBLINGS;

/// Counts of lateness values; shared by the worker's tasks.
#[derive(Debug)]
pub struct LatenessStats {
    buckets: Vec<AtomicU64>,
    max_micros: AtomicU64,
}

impl Default for LatenessStats {
    fn default() -> Self {
        Self {
            buckets: (0..BUCKETS).map(|_| AtomicU64::new(0)).collect(),
            max_micros: AtomicU64::new(0),
        }
    }
}

fn bucket_of(micros: u64) -> usize {
    if micros <= 1 {
        return 0;
    }
    let log = (micros as f64).log2();
    ((log * SUB_BUCKETS as f64) as usize).min(BUCKETS - 1)
}

/// The upper bound of a bucket, in microseconds.
fn bucket_upper(index: usize) -> f64 {
    2f64.powf((index + 1) as f64 / SUB_BUCKETS as f64)
}

impl LatenessStats {
    pub fn record(&self, lateness: Duration) {
        let micros = u64::try_from(lateness.as_micros()).unwrap_or(u64::MAX);
        self.buckets[bucket_of(micros)].fetch_add(1, Ordering::Relaxed);
        self.max_micros.fetch_max(micros, Ordering::Relaxed);
    }

    pub fn count(&self) -> u64 {
        self.buckets.iter().map(|b| b.load(Ordering::Relaxed)).sum()
    }

    /// The `q` quantile (0..=1), as the upper bound of its bucket.
    pub fn quantile(&self, q: f64) -> Duration {
        let total = self.count();
        if total == 0 {
            return Duration::ZERO;
        }
        let rank = ((total as f64) * q).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (index, bucket) in self.buckets.iter().enumerate() {
            seen += bucket.load(Ordering::Relaxed);
            if seen >= rank {
                let upper = bucket_upper(index).min(self.max().as_micros() as f64);
                return Duration::from_micros(upper as u64);
            }
        }
        self.max()
    }

    pub fn max(&self) -> Duration {
        Duration::from_micros(self.max_micros.load(Ordering::Relaxed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_within_the_bucket_resolution() {
        let stats = LatenessStats::default();
        for ms in 1..=1000u64 {
            stats.record(Duration::from_millis(ms));
        }
        assert_eq!(stats.count(), 1000);
        let p50 = stats.quantile(0.5).as_secs_f64() * 1000.0;
        let p99 = stats.quantile(0.99).as_secs_f64() * 1000.0;
        assert!((500.0..=500.0 * 1.1).contains(&p50), "{p50}");
        assert!((990.0..=1000.0).contains(&p99), "{p99}");
        assert_eq!(stats.max(), Duration::from_millis(1000));
    }

    #[test]
    fn empty_and_zero() {
        let stats = LatenessStats::default();
        assert_eq!(stats.quantile(0.99), Duration::ZERO);
        stats.record(Duration::ZERO);
        assert_eq!(stats.quantile(0.5), Duration::ZERO);
    }
}
