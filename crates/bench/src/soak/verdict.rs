//! The soak's verdict over its per-minute figures: after the warm-up, anonymous memory grows
//! less than 5 %, descriptors and threads stay flat, the WAL stays under its bound.

/// What the soak saw in one minute.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Minute {
    /// `RssAnon` at the end of the minute.
    pub(crate) rss_anon_kib: u64,
    /// Fewest and most open descriptors sampled (once a second) during the minute.
    pub(crate) fds: (u64, u64),
    /// Fewest and most threads sampled during the minute.
    pub(crate) threads: (u64, u64),
    /// WAL size at the end of the minute.
    pub(crate) wal_bytes: u64,
}

/// Bounds the verdict holds the run to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bounds {
    pub(crate) warmup_minutes: usize,
    /// Largest growth of `RssAnon` from the end of the warm-up to the end, in percent.
    pub(crate) rss_growth_percent: f64,
    /// Largest rise of the per-minute minimum of descriptors (threads) from the first minute
    /// after the warm-up to the last: what a leak raises and a burst of in-flight checks does
    /// not.
    pub(crate) fd_rise: u64,
    pub(crate) thread_rise: u64,
    pub(crate) wal_limit_bytes: u64,
}

/// One criterion's outcome and the figures behind it.
#[derive(Debug, Clone)]
pub(crate) struct Criterion {
    pub(crate) name: &'static str,
    pub(crate) pass: bool,
    pub(crate) figures: String,
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / 1_048_576.0
}

/// The criteria over `minutes` (one per minute of the run, warm-up included); none when the
/// run was not longer than its warm-up.
pub(crate) fn judge(minutes: &[Minute], bounds: &Bounds) -> Option<Vec<Criterion>> {
    let warmup_end = minutes.get(bounds.warmup_minutes.checked_sub(1)?)?;
    let after = minutes.get(bounds.warmup_minutes..).filter(|rest| !rest.is_empty())?;
    let (first, last) = (after.first()?, after.last()?);

    let growth = (last.rss_anon_kib as f64 / warmup_end.rss_anon_kib.max(1) as f64 - 1.0) * 100.0;
    let peak_rss = after.iter().map(|m| m.rss_anon_kib).max().unwrap_or(0);
    let rss = Criterion {
        name: "RSS",
        pass: growth < bounds.rss_growth_percent,
        figures: format!(
            "RssAnon {:.1} MiB at the end of the warm-up → {:.1} MiB at the end ({growth:+.1} %, \
             bound < {:.0} %; peak after warm-up {:.1} MiB)",
            warmup_end.rss_anon_kib as f64 / 1024.0,
            last.rss_anon_kib as f64 / 1024.0,
            bounds.rss_growth_percent,
            peak_rss as f64 / 1024.0,
        ),
    };

    let flat = |name: &'static str, range: fn(&Minute) -> (u64, u64), rise: u64| {
        let (start, end) = (range(first).0, range(last).0);
        let low = after.iter().map(|m| range(m).0).min().unwrap_or(0);
        let high = after.iter().map(|m| range(m).1).max().unwrap_or(0);
        Criterion {
            name,
            pass: end <= start + rise,
            figures: format!(
                "per-minute minimum {start} in the first minute after warm-up → {end} in the last \
                 (bound: rises ≤ {rise}); range after warm-up {low}–{high}"
            ),
        }
    };
    let fds = flat("descriptors", |m| m.fds, bounds.fd_rise);
    let threads = flat("threads", |m| m.threads, bounds.thread_rise);

    let peak_wal = after.iter().map(|m| m.wal_bytes).max().unwrap_or(0);
    let wal = Criterion {
        name: "WAL",
        pass: peak_wal <= bounds.wal_limit_bytes,
        figures: format!(
            "peak after warm-up {:.1} MiB (bound ≤ {:.0} MiB); {:.1} MiB at the end of the \
             warm-up, {:.1} MiB at the end",
            mib(peak_wal),
            mib(bounds.wal_limit_bytes),
            mib(warmup_end.wal_bytes),
            mib(last.wal_bytes),
        ),
    };
    Some(vec![rss, fds, threads, wal])
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOUNDS: Bounds = Bounds {
        warmup_minutes: 2,
        rss_growth_percent: 5.0,
        fd_rise: 8,
        thread_rise: 4,
        wal_limit_bytes: 64 << 20,
    };

    fn minute(rss_anon_kib: u64, fds_min: u64, threads_min: u64, wal_mib: u64) -> Minute {
        Minute {
            rss_anon_kib,
            fds: (fds_min, fds_min + 30),
            threads: (threads_min, threads_min + 3),
            wal_bytes: wal_mib << 20,
        }
    }

    fn outcome(minutes: &[Minute]) -> Vec<(&'static str, bool)> {
        judge(minutes, &BOUNDS).unwrap().into_iter().map(|c| (c.name, c.pass)).collect()
    }

    #[test]
    fn a_flat_run_passes_everything() {
        let minutes = [
            minute(30_000, 20, 10, 4),
            minute(40_000, 25, 12, 4),
            minute(41_000, 25, 12, 4),
            minute(40_500, 27, 13, 5),
            minute(41_900, 26, 12, 5),
        ];
        assert!(outcome(&minutes).iter().all(|(_, pass)| *pass), "{:?}", outcome(&minutes));
    }

    #[test]
    fn memory_growing_by_20_mib_a_minute_fails_only_the_rss_criterion() {
        let minutes: Vec<Minute> =
            (0..6).map(|i| minute(40_000 + i * 20 * 1024, 25, 12, 4)).collect();
        assert_eq!(
            outcome(&minutes),
            vec![("RSS", false), ("descriptors", true), ("threads", true), ("WAL", true)]
        );
    }

    #[test]
    fn a_rising_minimum_of_descriptors_or_threads_fails() {
        let minutes: Vec<Minute> = (0..6).map(|i| minute(40_000, 25 + i * 5, 12 + i, 4)).collect();
        assert_eq!(
            outcome(&minutes),
            vec![("RSS", true), ("descriptors", false), ("threads", true), ("WAL", true)]
        );
        let minutes: Vec<Minute> = (0..6).map(|i| minute(40_000, 25, 12 + 2 * i, 4)).collect();
        assert_eq!(outcome(&minutes)[2], ("threads", false));
    }

    #[test]
    fn a_wal_over_its_bound_after_the_warm_up_fails() {
        let minutes =
            [minute(40_000, 25, 12, 200), minute(40_000, 25, 12, 10), minute(40_000, 25, 12, 65)];
        assert_eq!(outcome(&minutes)[3], ("WAL", false));
        let minutes =
            [minute(40_000, 25, 12, 200), minute(40_000, 25, 12, 10), minute(40_000, 25, 12, 64)];
        assert_eq!(outcome(&minutes)[3], ("WAL", true), "the warm-up is not judged");
    }

    #[test]
    fn no_verdict_without_minutes_after_the_warm_up() {
        assert!(judge(&[minute(1, 1, 1, 1), minute(1, 1, 1, 1)], &BOUNDS).is_none());
        assert!(judge(&[], &Bounds { warmup_minutes: 0, ..BOUNDS }).is_none());
    }
}
