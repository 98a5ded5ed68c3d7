//! Scheduling lateness read back from the stored checks, so that the soak never asks lookout
//! (a `/metrics` scrape would drain the very buffers the soak watches).
//!
//! lookout's schedule does not drift: a site's slots are `first + k × interval` (a late check
//! does not move the next slot; slots slept through are skipped, still on the grid), and a
//! check's `timestamp` is when it started. So `(timestamp − the site's first stored check) mod
//! interval` is, for every check of a site, its lateness minus the first check's lateness; the
//! smallest such offset seen belongs to the site's least late check. Lateness is estimated as
//! the offset minus that smallest one: exact up to the least late check's own lateness (a
//! fraction of a millisecond on an unloaded grid), and valid while a site's lateness varies by
//! less than half an interval (beyond, offsets wrap round and the estimate is too small — the
//! soak then says so and quotes lookout's own figure from its shutdown line).

use std::collections::HashMap;
use std::time::Duration;

/// One stored check: which site, and when it started (µs since the Unix epoch).
#[derive(Debug, Clone, Copy)]
pub(crate) struct StoredCheck {
    pub(crate) website_id: i64,
    pub(crate) started_us: i64,
}

/// What is known of one site's grid.
#[derive(Debug, Clone, Copy)]
struct SiteGrid {
    first_us: i64,
    least_offset_us: i64,
}

/// The grid of every site seen so far.
#[derive(Debug)]
pub(crate) struct GridLateness {
    interval_us: i64,
    sites: HashMap<i64, SiteGrid>,
}

impl GridLateness {
    pub(crate) fn new(interval: Duration) -> Self {
        let interval_us = i64::try_from(interval.as_micros()).unwrap_or(i64::MAX).max(1);
        Self { interval_us, sites: HashMap::new() }
    }

    /// The estimated lateness (ms) of each of `checks`, after learning from them.
    pub(crate) fn lateness_ms(&mut self, checks: &[StoredCheck]) -> Vec<f64> {
        let interval_us = self.interval_us;
        for check in checks {
            let grid = self
                .sites
                .entry(check.website_id)
                .or_insert(SiteGrid { first_us: check.started_us, least_offset_us: 0 });
            let offset = fold(interval_us, check.started_us - grid.first_us);
            grid.least_offset_us = grid.least_offset_us.min(offset);
        }
        checks
            .iter()
            .filter_map(|check| {
                let grid = self.sites.get(&check.website_id)?;
                let offset = fold(interval_us, check.started_us - grid.first_us);
                Some((offset - grid.least_offset_us) as f64 / 1000.0)
            })
            .collect()
    }
}

/// `since_first_us` folded onto a grid of `interval_us`, into `[−interval/2, interval/2)`.
fn fold(interval_us: i64, since_first_us: i64) -> i64 {
    let half = interval_us / 2;
    (since_first_us + half).rem_euclid(interval_us) - half
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: i64 = 1_000_000;

    fn check(website_id: i64, started_us: i64) -> StoredCheck {
        StoredCheck { website_id, started_us }
    }

    #[test]
    fn lateness_is_measured_from_the_least_late_check_of_the_site() {
        let mut grid = GridLateness::new(Duration::from_secs(1));
        let phase = 1_700_000_000 * SECOND + 123_456;
        // Slot k of the site is phase + k s; lateness 3 ms, 0.2 ms, 50 ms, 0.1 ms.
        let late_us = [3_000, 200, 50_000, 100];
        let checks: Vec<StoredCheck> =
            late_us.iter().zip(0..).map(|(late, k)| check(7, phase + k * SECOND + late)).collect();
        let lateness = grid.lateness_ms(&checks);
        assert_eq!(lateness, vec![2.9, 0.1, 49.9, 0.0]);
    }

    #[test]
    fn skipped_slots_and_later_batches_stay_on_the_grid() {
        let mut grid = GridLateness::new(Duration::from_secs(2));
        let phase = 50 * SECOND;
        grid.lateness_ms(&[check(1, phase + 400)]);
        // Four slots later (three skipped), 1.4 ms late; the site's least late check is still
        // the first (0.4 ms).
        assert_eq!(grid.lateness_ms(&[check(1, phase + 8 * SECOND + 1_400)]), vec![1.0]);
        // A later, less late check lowers the base for what comes after.
        assert_eq!(grid.lateness_ms(&[check(1, phase + 10 * SECOND + 100)]), vec![0.0]);
        assert_eq!(grid.lateness_ms(&[check(1, phase + 12 * SECOND + 600)]), vec![0.5]);
    }

    #[test]
    fn a_grid_phase_next_to_a_whole_interval_does_not_wrap() {
        let mut grid = GridLateness::new(Duration::from_secs(1));
        let phase = 99 * SECOND + 999_900;
        let checks = [
            check(3, phase + 50),
            check(3, phase + SECOND + 300),
            check(3, phase + 2 * SECOND + 40),
        ];
        assert_eq!(grid.lateness_ms(&checks), vec![0.01, 0.26, 0.0]);
    }

    #[test]
    fn sites_have_grids_of_their_own() {
        let mut grid = GridLateness::new(Duration::from_secs(1));
        let checks = [
            check(1, 10 * SECOND + 1_000),
            check(2, 10 * SECOND + 500_000),
            check(1, 11 * SECOND + 3_000),
            check(2, 11 * SECOND + 500_000),
        ];
        assert_eq!(grid.lateness_ms(&checks), vec![0.0, 0.0, 2.0, 0.0]);
    }
}
