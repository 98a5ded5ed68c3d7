//! Per-bucket sums and what the pages draw from them: response-time chart points and daily
//! uptime bars. Pure.

use time::{Duration, OffsetDateTime};

use crate::DowntimeWindow;
use crate::history::{CheckAggregate, Grain, RollupMarks, StatsInput, StatsSources, UptimeStats};
use crate::maintenance::Span;

/// The checks of one bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct Bucket {
    pub start: OffsetDateTime,
    pub sums: CheckAggregate,
}

/// Where a series of `grain` buckets over `[from, to)` is read from: the statistics plan, but
/// an hourly series never reads daily roll-ups (they cannot be split into hours).
#[derive(Debug, Clone, Copy)]
pub struct SeriesSources;

impl SeriesSources {
    pub fn plan(
        from: OffsetDateTime,
        to: OffsetDateTime,
        grain: Grain,
        marks: RollupMarks,
    ) -> StatsSources {
        let marks = match grain {
            Grain::Hour => RollupMarks { daily_through: None, ..marks },
            Grain::Day => marks,
        };
        StatsSources::plan(from, to, marks)
    }
}

/// A point of a response-time chart: a bucket's median and 95th percentile, in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChartPoint {
    pub at: OffsetDateTime,
    pub p50: f64,
    pub p95: f64,
}

/// The chart's points: one per bucket that had answers.
pub fn chart_points(buckets: &[Bucket]) -> Vec<ChartPoint> {
    buckets
        .iter()
        .filter_map(|bucket| {
            let times = bucket.sums.response_times()?;
            Some(ChartPoint { at: bucket.start, p50: times.p50, p95: times.p95 })
        })
        .collect()
}

/// One day of a daily uptime bar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayBar {
    /// Midnight UTC.
    pub day: OffsetDateTime,
    /// `None`: no check that day (the site did not exist, was paused, or nothing was kept).
    pub uptime: Option<f64>,
}

/// The last `days` UTC days up to today's (partial) one, oldest first. A day with checks
/// (`checked`: the daily sums) gets its uptime from the downtime windows (time in `maintenance`
/// not counted), as `UptimeStats` computes it; a day without is left empty.
pub fn daily_bars(
    created_at: OffsetDateTime,
    windows: &[DowntimeWindow],
    maintenance: &[Span],
    checked: &[Bucket],
    days: u16,
    now: OffsetDateTime,
) -> Vec<DayBar> {
    let today = Grain::Day.floor(now);
    (0..i64::from(days))
        .rev()
        .map(|back| {
            let day = today - Duration::days(back);
            let end = day + Duration::DAY;
            let input = StatsInput {
                created_at,
                checks: CheckAggregate::default(),
                windows: windows
                    .iter()
                    .filter(|w| w.start_time < end && w.end_time.is_none_or(|e| e > day))
                    .cloned()
                    .collect(),
                maintenance: maintenance.to_vec(),
            };
            let was_checked = checked.iter().any(|b| b.start == day && b.sums.count > 0);
            let uptime = if was_checked {
                UptimeStats::compute(day, end, now, &input).uptime_percent
            } else {
                None
            };
            DayBar { day, uptime }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::history::ResponseTimeHistogram;

    const NOW: OffsetDateTime = datetime!(2026-12-06 12:00 UTC);

    fn window(start: OffsetDateTime, end: Option<OffsetDateTime>) -> DowntimeWindow {
        DowntimeWindow {
            id: 1,
            website_id: crate::WebsiteId::new(1).unwrap(),
            start_time: start,
            end_time: end,
        }
    }

    #[test]
    fn daily_bars_count_each_days_share_of_downtime_and_nothing_before_the_site() {
        let created = datetime!(2026-12-03 00:00 UTC);
        let windows = [
            window(datetime!(2026-12-04 18:00 UTC), Some(datetime!(2026-12-05 06:00 UTC))),
            window(datetime!(2026-12-06 11:00 UTC), None),
        ];
        let mut one_check = CheckAggregate::default();
        one_check.add(&crate::history::CheckSample {
            timestamp: NOW,
            response_time: None,
            is_available: false,
            degraded: false,
            in_maintenance: false,
        });
        let checked: Vec<Bucket> = (2..=6)
            .filter(|d| *d != 3)
            .map(|d| Bucket {
                start: datetime!(2026-12-01 00:00 UTC) + Duration::days(d - 1),
                sums: one_check.clone(),
            })
            .collect();
        let bars = daily_bars(created, &windows, &[], &checked, 5, NOW);
        let days: Vec<_> = bars.iter().map(|b| b.day).collect();
        assert_eq!(days[0], datetime!(2026-12-02 00:00 UTC));
        assert_eq!(days[4], datetime!(2026-12-06 00:00 UTC));
        let uptime: Vec<_> =
            bars.iter().map(|b| b.uptime.map(|u| (u * 100.0).round() / 100.0)).collect();
        assert_eq!(
            uptime,
            vec![None, None, Some(75.0), Some(75.0), Some(91.67)],
            "before the site, and a day without checks, are empty; today counts its 12 observed \
             hours, one of them down"
        );
    }

    #[test]
    fn chart_points_skip_buckets_without_answers() {
        let mut answered = CheckAggregate::default();
        answered.add(&crate::history::CheckSample {
            timestamp: NOW,
            response_time: Some(0.2),
            is_available: true,
            degraded: false,
            in_maintenance: false,
        });
        let silent = CheckAggregate {
            count: 3,
            histogram: ResponseTimeHistogram::default(),
            ..CheckAggregate::default()
        };
        let points = chart_points(&[
            Bucket { start: NOW, sums: silent },
            Bucket { start: NOW + Duration::HOUR, sums: answered },
        ]);
        assert_eq!(points.len(), 1);
        assert_eq!(points[0].at, NOW + Duration::HOUR);
        assert!((points[0].p50 - 0.2).abs() < 0.01, "{points:?}");
    }

    #[test]
    fn an_hourly_series_never_reads_daily_roll_ups() {
        let marks = RollupMarks {
            hourly_through: Some(datetime!(2026-12-06 11:00 UTC)),
            daily_through: Some(datetime!(2026-12-06 00:00 UTC)),
        };
        let from = datetime!(2026-11-29 12:00 UTC);
        assert!(SeriesSources::plan(from, NOW, Grain::Hour, marks).days.is_none());
        assert!(SeriesSources::plan(from, NOW, Grain::Day, marks).days.is_some());
    }
}
