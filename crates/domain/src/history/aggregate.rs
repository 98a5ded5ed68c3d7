//! What a set of checks sums up to — counts, response-time sum/min/max and a fixed-bucket
//! response-time histogram. Aggregates merge exactly (integer microseconds, bucket counts), so
//! statistics come out the same whether they were computed from raw checks or from roll-ups.

use std::collections::BTreeMap;

use super::{CheckSample, ResponseTimes};

/// Values below this many microseconds get a bucket each; above, every power of two is split
/// into this many buckets (each at most 1/32 ≈ 3.1 % wide).
const SUB_BUCKETS: u64 = 32;
const SUB_BITS: u32 = SUB_BUCKETS.trailing_zeros();

/// The bucket holding `micros`.
fn bucket_of(micros: u64) -> u16 {
    if micros < SUB_BUCKETS {
        return micros as u16;
    }
    let shift = u64::from(63 - micros.leading_zeros() - SUB_BITS);
    let sub = (micros >> shift) - SUB_BUCKETS;
    // shift ≤ 58, so the index is at most 32 + 58·32 + 31 = 1919.
    (SUB_BUCKETS + shift * SUB_BUCKETS + sub) as u16
}

/// The largest value bucket `index` holds.
fn bucket_upper(index: u16) -> u64 {
    let index = u64::from(index);
    if index < SUB_BUCKETS {
        return index;
    }
    let shift = (index - SUB_BUCKETS) / SUB_BUCKETS;
    let sub = (index - SUB_BUCKETS) % SUB_BUCKETS;
    ((SUB_BUCKETS + sub) << shift) + ((1 << shift) - 1)
}

/// Highest valid bucket index.
const MAX_BUCKET: u16 = 1919;

/// Response times in fixed log-linear buckets (microseconds), kept sparse.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponseTimeHistogram {
    buckets: BTreeMap<u16, u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid response-time histogram {0:?}")]
pub struct HistogramDecodeError(pub String);

impl ResponseTimeHistogram {
    pub fn record(&mut self, micros: u64) {
        *self.buckets.entry(bucket_of(micros)).or_default() += 1;
    }

    pub fn merge(&mut self, other: &Self) {
        for (bucket, count) in &other.buckets {
            *self.buckets.entry(*bucket).or_default() += count;
        }
    }

    pub fn total(&self) -> u64 {
        self.buckets.values().sum()
    }

    /// Nearest-rank quantile: the upper bound of the bucket holding the value of that rank.
    pub fn quantile(&self, q: f64) -> Option<u64> {
        let total = self.total();
        let rank = ((total as f64) * q).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (bucket, count) in &self.buckets {
            seen += count;
            if seen >= rank {
                return Some(bucket_upper(*bucket));
            }
        }
        None
    }

    /// `bucket:count` pairs, comma-separated, ascending (`""` when empty).
    pub fn encode(&self) -> String {
        let pairs: Vec<String> = self.buckets.iter().map(|(b, c)| format!("{b}:{c}")).collect();
        pairs.join(",")
    }

    pub fn decode(raw: &str) -> Result<Self, HistogramDecodeError> {
        let mut histogram = Self::default();
        for pair in raw.split(',').filter(|p| !p.is_empty()) {
            let parsed = pair.split_once(':').and_then(|(bucket, count)| {
                Some((bucket.parse::<u16>().ok()?, count.parse::<u64>().ok()?))
            });
            match parsed {
                Some((bucket, count)) if bucket <= MAX_BUCKET => {
                    *histogram.buckets.entry(bucket).or_default() += count;
                }
                _ => return Err(HistogramDecodeError(raw.to_owned())),
            }
        }
        Ok(histogram)
    }
}

/// The sum of a set of checks. Response times are whole microseconds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckAggregate {
    pub count: u64,
    pub available: u64,
    /// Available checks that were degraded.
    pub degraded: u64,
    /// Checks the server answered (the ones with a response time worth averaging).
    pub responded: u64,
    pub response_sum_us: u64,
    /// Meaningful only when `responded > 0`.
    pub response_min_us: u64,
    pub response_max_us: u64,
    pub histogram: ResponseTimeHistogram,
    /// Checks made while a silencing maintenance window covered the site.
    pub maintenance: u64,
    /// Of those, the available ones.
    pub maintenance_available: u64,
}

/// Seconds to whole microseconds (negative and NaN → 0).
fn micros(seconds: f64) -> u64 {
    (seconds * 1e6).round().max(0.0) as u64
}

impl CheckAggregate {
    pub fn add(&mut self, check: &CheckSample) {
        self.count += 1;
        self.available += u64::from(check.is_available);
        self.degraded += u64::from(check.is_available && check.degraded);
        self.maintenance += u64::from(check.in_maintenance);
        self.maintenance_available += u64::from(check.in_maintenance && check.is_available);
        if let Some(seconds) = check.response_time {
            let us = micros(seconds);
            self.response_min_us =
                if self.responded == 0 { us } else { self.response_min_us.min(us) };
            self.response_max_us = self.response_max_us.max(us);
            self.responded += 1;
            self.response_sum_us += us;
            self.histogram.record(us);
        }
    }

    pub fn merge(&mut self, other: &Self) {
        if other.responded > 0 {
            self.response_min_us = if self.responded == 0 {
                other.response_min_us
            } else {
                self.response_min_us.min(other.response_min_us)
            };
            self.response_max_us = self.response_max_us.max(other.response_max_us);
        }
        self.count += other.count;
        self.available += other.available;
        self.degraded += other.degraded;
        self.maintenance += other.maintenance;
        self.maintenance_available += other.maintenance_available;
        self.responded += other.responded;
        self.response_sum_us += other.response_sum_us;
        self.histogram.merge(&other.histogram);
    }

    pub fn failed(&self) -> u64 {
        self.count - self.available.min(self.count)
    }

    /// Percent of the checks made outside maintenance that were available (`None` when there
    /// were none): a site's availability as seen by the checks themselves, the basis of a
    /// region's uptime (downtime windows are the regions' quorum's, not one region's).
    pub fn availability_percent(&self) -> Option<f64> {
        let counted = self.count.saturating_sub(self.maintenance);
        let available = self.available.saturating_sub(self.maintenance_available);
        (counted > 0).then(|| 100.0 * available.min(counted) as f64 / counted as f64)
    }

    /// Response-time figures in seconds; percentiles from the histogram, clamped to min/max.
    pub fn response_times(&self) -> Option<ResponseTimes> {
        if self.responded == 0 {
            return None;
        }
        let (min, max) = (self.response_min_us, self.response_max_us);
        let quantile = |q| self.histogram.quantile(q).unwrap_or(max).clamp(min, max) as f64 / 1e6;
        Some(ResponseTimes {
            avg: self.response_sum_us as f64 / self.responded as f64 / 1e6,
            min: min as f64 / 1e6,
            max: max as f64 / 1e6,
            p50: quantile(0.50),
            p95: quantile(0.95),
            p99: quantile(0.99),
        })
    }
}

impl<'a> FromIterator<&'a CheckSample> for CheckAggregate {
    fn from_iter<I: IntoIterator<Item = &'a CheckSample>>(samples: I) -> Self {
        let mut aggregate = Self::default();
        for sample in samples {
            aggregate.add(sample);
        }
        aggregate
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn sample(response_time: Option<f64>, is_available: bool) -> CheckSample {
        CheckSample {
            timestamp: datetime!(2026-11-01 00:00 UTC),
            response_time,
            is_available,
            degraded: false,
            in_maintenance: false,
        }
    }

    #[test]
    fn buckets_are_exact_below_32_us_and_at_most_one_32nd_wide_above() {
        for us in [0, 1, 31, 32, 33, 63, 64, 65, 1000, 123_456, 30_000_000, u64::MAX / 2] {
            let bucket = bucket_of(us);
            let upper = bucket_upper(bucket);
            assert!(upper >= us, "{us} in bucket {bucket} with upper bound {upper}");
            assert!((upper - us) as f64 <= us as f64 / 32.0, "{us}: bucket too wide ({upper})");
            assert!(bucket <= MAX_BUCKET);
            if bucket > 0 {
                assert!(bucket_upper(bucket - 1) < us, "{us}: buckets overlap");
            }
        }
        assert_eq!(bucket_of(u64::MAX), MAX_BUCKET);
    }

    #[test]
    fn merging_halves_equals_adding_everything() {
        let samples: Vec<CheckSample> = (0..200)
            .map(|i| sample((i % 7 != 0).then(|| f64::from(i) * 0.0123), i % 5 != 0))
            .collect();
        let whole: CheckAggregate = samples.iter().collect();
        let mut merged: CheckAggregate = samples[..77].iter().collect();
        merged.merge(&samples[77..].iter().collect());
        merged.merge(&CheckAggregate::default());
        assert_eq!(merged, whole);
        assert_eq!(whole.count, 200);
        assert_eq!(whole.failed(), 40);
        let mut empty = CheckAggregate::default();
        empty.merge(&whole);
        assert_eq!(empty, whole, "merging into nothing keeps min");
    }

    #[test]
    fn percentiles_are_within_a_bucket_of_the_nearest_rank() {
        let samples: Vec<CheckSample> =
            (1..=100).map(|i| sample(Some(f64::from(i) / 1000.0), true)).collect();
        let rt = samples.iter().collect::<CheckAggregate>().response_times().unwrap();
        assert_eq!((rt.min, rt.max), (0.001, 0.1));
        assert!((rt.avg - 0.0505).abs() < 1e-12);
        for (got, exact) in [(rt.p50, 0.050), (rt.p95, 0.095), (rt.p99, 0.099)] {
            assert!(got >= exact && got <= exact * (1.0 + 1.0 / 32.0), "{got} vs {exact}");
        }
        let none = [sample(None, false)].iter().collect::<CheckAggregate>();
        assert_eq!(none.response_times(), None);
    }

    #[test]
    fn histograms_round_trip_through_their_text_form() {
        let mut histogram = ResponseTimeHistogram::default();
        for us in [5, 5, 40_000, 41_000, 2_000_000] {
            histogram.record(us);
        }
        let text = histogram.encode();
        assert_eq!(ResponseTimeHistogram::decode(&text), Ok(histogram));
        assert_eq!(ResponseTimeHistogram::decode(""), Ok(ResponseTimeHistogram::default()));
        for bad in ["1", "x:1", "1:x", "5000:1", "1:2:3"] {
            assert!(ResponseTimeHistogram::decode(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn degraded_checks_are_counted_when_available_and_merge() {
        let mut degraded = sample(Some(0.9), true);
        degraded.degraded = true;
        let mut down = sample(None, false);
        down.degraded = true; // not available: not degraded
        let mut sums: CheckAggregate = [degraded, down, sample(Some(0.1), true)].iter().collect();
        assert_eq!((sums.count, sums.degraded, sums.failed()), (3, 1, 1));
        let other: CheckAggregate = [degraded].iter().collect();
        sums.merge(&other);
        assert_eq!(sums.degraded, 2);
    }

    #[test]
    fn availability_leaves_maintenance_checks_out() {
        let silenced = |ok| CheckSample { in_maintenance: true, ..sample(None, ok) };
        let mut sums: CheckAggregate =
            [sample(Some(0.1), true), sample(None, false), silenced(false), silenced(true)]
                .iter()
                .collect();
        assert_eq!((sums.maintenance, sums.maintenance_available), (2, 1));
        assert_eq!(sums.availability_percent(), Some(50.0), "1 of the 2 counted checks");
        sums.merge(&[sample(Some(0.2), true), sample(Some(0.2), true)].iter().collect());
        assert_eq!(sums.availability_percent(), Some(75.0));
        assert_eq!((sums.count, sums.maintenance), (6, 2));
        let only_maintenance: CheckAggregate = [silenced(true)].iter().collect();
        assert_eq!(only_maintenance.availability_percent(), None);
        assert_eq!(CheckAggregate::default().availability_percent(), None);
    }
}
