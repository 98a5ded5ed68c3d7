//! Uptime statistics of one site over a range: time-weighted uptime from the downtime windows
//! (the site's view, which the regions' quorum decides) or from the checks (one region's view),
//! check counts, response-time figures, incidents, MTTR and the longest outage. Pure.

use std::time::Duration;

use time::OffsetDateTime;

use super::CheckAggregate;
use crate::maintenance::{Span, overlap};
use crate::{DowntimeWindow, Website, WebsiteId};

/// One check, as much of it as statistics need.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CheckSample {
    pub timestamp: OffsetDateTime,
    /// `None` when the server never answered (no response time worth averaging).
    pub response_time: Option<f64>,
    pub is_available: bool,
    /// Available, but not well.
    pub degraded: bool,
    /// Made while a silencing maintenance window covered the site (`MonitorCheck::in_maintenance`).
    pub in_maintenance: bool,
}

/// What the store hands over for one site and range.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsInput {
    /// When the site was created: nothing before it is counted.
    pub created_at: OffsetDateTime,
    /// The checks made in the range, summed up.
    pub checks: CheckAggregate,
    /// Windows overlapping the range (open ones included).
    pub windows: Vec<DowntimeWindow>,
    /// The site's maintenance time within the range, merged and in order.
    pub maintenance: Vec<Span>,
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

/// What an uptime figure was worked out from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UptimeBasis {
    /// Time-weighted from the downtime windows (the site's view: the regions' quorum opens and
    /// closes them): the share of the observed time outside maintenance not in a window.
    Windows,
    /// From the checks given (one region's view: windows are not per region): the share of
    /// those made outside maintenance that were available.
    Checks,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UptimeStats {
    pub from: OffsetDateTime,
    pub to: OffsetDateTime,
    /// [`UptimeBasis::Windows`]: percent of the observed time outside maintenance not inside a
    /// downtime window; `None` before the site existed or when all of it was maintenance.
    /// [`UptimeBasis::Checks`]: [`CheckAggregate::availability_percent`] (`None`: no check
    /// outside maintenance).
    pub uptime_percent: Option<f64>,
    pub uptime_basis: UptimeBasis,
    pub check_count: u64,
    pub failed_count: u64,
    /// Available checks that were degraded.
    pub degraded_count: u64,
    pub response_time: Option<ResponseTimes>,
    /// Downtime outside maintenance windows. This and the figures below come from the downtime
    /// windows whatever the basis (with a region they are the quorum's, not that region's).
    pub total_downtime: Duration,
    /// Observed time inside maintenance windows (left out of uptime).
    pub maintenance: Duration,
    pub incidents: u64,
    /// Mean duration of the windows that closed within the range.
    pub mttr: Option<Duration>,
    pub longest_outage: Option<Duration>,
}

/// A page of statistics for many sites, and where the next page starts.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsPage {
    pub items: Vec<(Website, UptimeStats)>,
    /// The last website of this page, when more may follow.
    pub next: Option<WebsiteId>,
}

fn secs(d: time::Duration) -> Duration {
    Duration::try_from(d).unwrap_or(Duration::ZERO)
}

impl UptimeStats {
    /// Statistics for `[from, to)` as seen at `now` (time after `now` is not observed yet),
    /// uptime from the windows.
    pub fn compute(
        from: OffsetDateTime,
        to: OffsetDateTime,
        now: OffsetDateTime,
        input: &StatsInput,
    ) -> Self {
        Self::compute_on(UptimeBasis::Windows, from, to, now, input)
    }

    /// [`Self::compute`], with the uptime worked out on `basis` (`Checks`: from `input.checks`,
    /// which are then one region's).
    pub fn compute_on(
        basis: UptimeBasis,
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
        let maintenance = if end > start {
            overlap(&input.maintenance, Span { start, end })
        } else {
            time::Duration::ZERO
        };
        for window in &input.windows {
            let window_end = window.end_time.unwrap_or(now);
            let clipped = Span { start: window.start_time.max(start), end: window_end.min(end) };
            if clipped.end > clipped.start {
                total_downtime +=
                    (clipped.end - clipped.start) - overlap(&input.maintenance, clipped);
            }
            let full = secs(window_end - window.start_time);
            longest = Some(longest.map_or(full, |l| l.max(full)));
            if let Some(ended) = window.end_time.filter(|e| *e >= from && *e < to) {
                closed.push(secs(ended - window.start_time));
            }
        }
        let counted = observed - maintenance;
        let uptime_percent = match basis {
            UptimeBasis::Windows => (counted > time::Duration::ZERO).then(|| {
                let down = total_downtime.as_seconds_f64().min(counted.as_seconds_f64());
                100.0 * (1.0 - down / counted.as_seconds_f64())
            }),
            UptimeBasis::Checks => input.checks.availability_percent(),
        };

        let mttr = (!closed.is_empty()).then(|| {
            closed.iter().sum::<Duration>() / u32::try_from(closed.len()).unwrap_or(u32::MAX)
        });
        Self {
            from,
            to,
            uptime_percent,
            uptime_basis: basis,
            check_count: input.checks.count,
            failed_count: input.checks.failed(),
            degraded_count: input.checks.degraded,
            response_time: input.checks.response_times(),
            total_downtime: secs(total_downtime),
            maintenance: secs(maintenance),
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
            degraded: false,
            in_maintenance: false,
        }
    }

    #[test]
    fn uptime_is_time_weighted_and_windows_are_clipped_to_the_range() {
        let input = StatsInput {
            created_at: datetime!(2026-10-01 00:00 UTC),
            checks: [sample(0, Some(0.1), true), sample(1, None, false), sample(2, None, false)]
                .iter()
                .collect(),
            windows: vec![
                // 30 minutes before the range + 30 inside.
                window(datetime!(2026-10-31 23:30 UTC), Some(datetime!(2026-11-01 00:30 UTC))),
                // 72 minutes inside.
                window(datetime!(2026-11-01 12:00 UTC), Some(datetime!(2026-11-01 13:12 UTC))),
            ],
            maintenance: vec![],
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
        assert_eq!(stats.uptime_basis, UptimeBasis::Windows);

        // One region's view: uptime from the checks; the windows' figures stay the quorum's.
        let now = datetime!(2026-11-05 00:00 UTC);
        let region = UptimeStats::compute_on(UptimeBasis::Checks, DAY_START, DAY_END, now, &input);
        assert!((region.uptime_percent.unwrap() - 100.0 / 3.0).abs() < 1e-9, "1 of 3 available");
        assert_eq!(region.uptime_basis, UptimeBasis::Checks);
        assert_eq!((region.check_count, region.failed_count), (3, 2));
        assert_eq!((region.incidents, region.total_downtime), (2, stats.total_downtime));
        let no_checks = StatsInput { checks: CheckAggregate::default(), ..input };
        let none =
            UptimeStats::compute_on(UptimeBasis::Checks, DAY_START, DAY_END, now, &no_checks);
        assert_eq!(none.uptime_percent, None, "no check from the region: no figure");
    }

    #[test]
    fn an_ongoing_window_counts_up_to_now_and_the_future_is_not_observed() {
        let now = datetime!(2026-11-01 12:00 UTC);
        let input = StatsInput {
            created_at: datetime!(2026-10-01 00:00 UTC),
            checks: CheckAggregate::default(),
            windows: vec![window(datetime!(2026-11-01 06:00 UTC), None)],
            maintenance: vec![],
        };
        let stats = UptimeStats::compute(DAY_START, DAY_END, now, &input);
        assert_eq!(stats.total_downtime, Duration::from_secs(6 * 3600));
        assert!((stats.uptime_percent.unwrap() - 50.0).abs() < 1e-9, "6 h down of 12 h observed");
        assert_eq!(stats.mttr, None, "nothing recovered yet");
        assert_eq!(stats.response_time, None);
    }

    #[test]
    fn time_before_the_site_existed_is_not_counted() {
        let input = StatsInput {
            created_at: DAY_END,
            checks: CheckAggregate::default(),
            windows: vec![],
            maintenance: vec![],
        };
        let stats = UptimeStats::compute(DAY_START, DAY_END, DAY_END, &input);
        assert_eq!(stats.uptime_percent, None);
        let input = StatsInput { created_at: datetime!(2026-11-01 18:00 UTC), ..input };
        let stats = UptimeStats::compute(DAY_START, DAY_END, DAY_END, &input);
        assert_eq!(stats.uptime_percent, Some(100.0));
    }

    #[test]
    fn maintenance_is_left_out_of_uptime_and_reported() {
        // 00:00–02:00 maintenance; down 01:00–03:00: only 02:00–03:00 counts, of 22 h.
        let input = StatsInput {
            created_at: datetime!(2026-10-01 00:00 UTC),
            checks: CheckAggregate::default(),
            windows: vec![window(
                datetime!(2026-11-01 01:00 UTC),
                Some(datetime!(2026-11-01 03:00 UTC)),
            )],
            maintenance: vec![Span {
                start: datetime!(2026-10-31 23:00 UTC),
                end: datetime!(2026-11-01 02:00 UTC),
            }],
        };
        let stats = UptimeStats::compute(DAY_START, DAY_END, DAY_END, &input);
        assert_eq!(stats.maintenance, Duration::from_secs(2 * 3600), "clipped to the range");
        assert_eq!(stats.total_downtime, Duration::from_secs(3600));
        let expected = 100.0 * (1.0 - 1.0 / 22.0);
        assert!((stats.uptime_percent.unwrap() - expected).abs() < 1e-9);
        // A range that was all maintenance has no uptime figure.
        let all =
            StatsInput { maintenance: vec![Span { start: DAY_START, end: DAY_END }], ..input };
        assert_eq!(UptimeStats::compute(DAY_START, DAY_END, DAY_END, &all).uptime_percent, None);
    }
}
