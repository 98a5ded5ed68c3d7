//! Uptime statistics of one site over a range: time-weighted uptime from the downtime windows,
//! check counts, response-time figures, incidents, MTTR and the longest outage. Pure.

use std::time::Duration;

use time::OffsetDateTime;

use crate::DowntimeWindow;

/// One check, as much of it as statistics need.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CheckSample {
    pub timestamp: OffsetDateTime,
    /// `None` when the server never answered (no response time worth averaging).
    pub response_time: Option<f64>,
    pub is_available: bool,
}

/// What the store hands over for one site and range.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsInput {
    /// When the site was created: nothing before it is counted.
    pub created_at: OffsetDateTime,
    pub checks: Vec<CheckSample>,
    /// Windows overlapping the range (open ones included).
    pub windows: Vec<DowntimeWindow>,
}

/// Response time figures, in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResponseTimes {
    pub avg: f64,
    pub min: f64,
    pub max: f64,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UptimeStats {
    pub from: OffsetDateTime,
    pub to: OffsetDateTime,
    /// Percent of the observed time not inside a downtime window; `None` before the site existed.
    pub uptime_percent: Option<f64>,
    pub check_count: u64,
    pub failed_count: u64,
    pub response_time: Option<ResponseTimes>,
    pub total_downtime: Duration,
    pub incidents: u64,
    /// Mean duration of the windows that closed within the range.
    pub mttr: Option<Duration>,
    pub longest_outage: Option<Duration>,
}

fn secs(d: time::Duration) -> Duration {
    Duration::try_from(d).unwrap_or(Duration::ZERO)
}

/// Nearest-rank quantile of sorted values.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let rank = ((sorted.len() as f64) * q).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

impl UptimeStats {
    /// Statistics for `[from, to)` as seen at `now` (time after `now` is not observed yet).
    pub fn compute(
        from: OffsetDateTime,
        to: OffsetDateTime,
        now: OffsetDateTime,
        input: &StatsInput,
    ) -> Self {
        let start = from.max(input.created_at);
        let end = to.min(now);
        let observed = if end > start { end - start } else { time::Duration::ZERO };

        let mut total_downtime = time::Duration::ZERO;
        let mut closed = Vec::new();
        let mut longest = None::<Duration>;
        for window in &input.windows {
            let window_end = window.end_time.unwrap_or(now);
            let clipped = window_end.min(end) - window.start_time.max(start);
            if clipped > time::Duration::ZERO {
                total_downtime += clipped;
            }
            let full = secs(window_end - window.start_time);
            longest = Some(longest.map_or(full, |l| l.max(full)));
            if let Some(ended) = window.end_time.filter(|e| *e >= from && *e < to) {
                closed.push(secs(ended - window.start_time));
            }
        }
        let uptime_percent = (observed > time::Duration::ZERO).then(|| {
            let down = total_downtime.as_seconds_f64().min(observed.as_seconds_f64());
            100.0 * (1.0 - down / observed.as_seconds_f64())
        });

        let mut times: Vec<f64> = input.checks.iter().filter_map(|c| c.response_time).collect();
        times.sort_by(f64::total_cmp);
        let response_time = (!times.is_empty()).then(|| ResponseTimes {
            avg: times.iter().sum::<f64>() / times.len() as f64,
            min: times[0],
            max: times[times.len() - 1],
            p50: quantile(&times, 0.50),
            p95: quantile(&times, 0.95),
            p99: quantile(&times, 0.99),
        });
        let mttr = (!closed.is_empty()).then(|| {
            closed.iter().sum::<Duration>() / u32::try_from(closed.len()).unwrap_or(u32::MAX)
        });
        Self {
            from,
            to,
            uptime_percent,
            check_count: input.checks.len() as u64,
            failed_count: input.checks.iter().filter(|c| !c.is_available).count() as u64,
            response_time,
            total_downtime: secs(total_downtime),
            incidents: input.windows.len() as u64,
            mttr,
            longest_outage: longest,
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::WebsiteId;

    const DAY_START: OffsetDateTime = datetime!(2026-11-01 00:00 UTC);
    const DAY_END: OffsetDateTime = datetime!(2026-11-02 00:00 UTC);

    fn window(start: OffsetDateTime, end: Option<OffsetDateTime>) -> DowntimeWindow {
        DowntimeWindow {
            id: 1,
            website_id: WebsiteId::new(1).unwrap(),
            start_time: start,
            end_time: end,
        }
    }

    fn sample(minute: i64, rt: Option<f64>, ok: bool) -> CheckSample {
        CheckSample {
            timestamp: DAY_START + time::Duration::minutes(minute),
            response_time: rt,
            is_available: ok,
        }
    }

    #[test]
    fn uptime_is_time_weighted_and_windows_are_clipped_to_the_range() {
        let input = StatsInput {
            created_at: datetime!(2026-10-01 00:00 UTC),
            checks: vec![
                sample(0, Some(0.1), true),
                sample(1, None, false),
                sample(2, None, false),
            ],
            windows: vec![
                // 30 minutes before the range + 30 inside.
                window(datetime!(2026-10-31 23:30 UTC), Some(datetime!(2026-11-01 00:30 UTC))),
                // 72 minutes inside.
                window(datetime!(2026-11-01 12:00 UTC), Some(datetime!(2026-11-01 13:12 UTC))),
            ],
        };
        let stats =
            UptimeStats::compute(DAY_START, DAY_END, datetime!(2026-11-05 00:00 UTC), &input);
        assert_eq!(stats.total_downtime, Duration::from_secs(102 * 60));
        let expected = 100.0 * (1.0 - 102.0 / 1440.0);
        assert!((stats.uptime_percent.unwrap() - expected).abs() < 1e-9);
        assert_eq!(stats.check_count, 3);
        assert_eq!(stats.failed_count, 2);
        assert_eq!(stats.incidents, 2);
        assert_eq!(stats.mttr, Some(Duration::from_secs((60 + 72) * 60 / 2)));
        assert_eq!(stats.longest_outage, Some(Duration::from_secs(72 * 60)));
        assert_eq!(stats.response_time.unwrap().max, 0.1);
    }

    #[test]
    fn an_ongoing_window_counts_up_to_now_and_the_future_is_not_observed() {
        let now = datetime!(2026-11-01 12:00 UTC);
        let input = StatsInput {
            created_at: datetime!(2026-10-01 00:00 UTC),
            checks: vec![],
            windows: vec![window(datetime!(2026-11-01 06:00 UTC), None)],
        };
        let stats = UptimeStats::compute(DAY_START, DAY_END, now, &input);
        assert_eq!(stats.total_downtime, Duration::from_secs(6 * 3600));
        assert!((stats.uptime_percent.unwrap() - 50.0).abs() < 1e-9, "6 h down of 12 h observed");
        assert_eq!(stats.mttr, None, "nothing recovered yet");
        assert_eq!(stats.response_time, None);
    }

    #[test]
    fn time_before_the_site_existed_is_not_counted() {
        let input = StatsInput { created_at: DAY_END, checks: vec![], windows: vec![] };
        let stats = UptimeStats::compute(DAY_START, DAY_END, DAY_END, &input);
        assert_eq!(stats.uptime_percent, None);
        let input = StatsInput { created_at: datetime!(2026-11-01 18:00 UTC), ..input };
        let stats = UptimeStats::compute(DAY_START, DAY_END, DAY_END, &input);
        assert_eq!(stats.uptime_percent, Some(100.0));
    }

    #[test]
    fn percentiles_use_nearest_rank() {
        let checks: Vec<CheckSample> =
            (1..=100).map(|i| sample(i, Some(f64::from(i as u8) / 1000.0), true)).collect();
        let input = StatsInput { created_at: DAY_START, checks, windows: vec![] };
        let rt = UptimeStats::compute(DAY_START, DAY_END, DAY_END, &input).response_time.unwrap();
        assert_eq!((rt.min, rt.p50, rt.p95, rt.p99, rt.max), (0.001, 0.05, 0.095, 0.099, 0.1));
        assert!((rt.avg - 0.0505).abs() < 1e-12);
    }
}
