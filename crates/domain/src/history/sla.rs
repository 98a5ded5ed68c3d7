//! The SLA report: per site, uptime over a range against a target.

use std::time::Duration;

use time::OffsetDateTime;

use super::{CheckAggregate, StatsInput, UptimeStats};
use crate::maintenance::Span;
use crate::{DowntimeWindow, Website};

/// An uptime target in percent, 0 < target ≤ 100 (default 99.9).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SlaTarget(f64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("target must be a percentage above 0 and at most 100")]
pub struct SlaTargetError;

impl SlaTarget {
    pub fn new(percent: f64) -> Result<Self, SlaTargetError> {
        if percent.is_finite() && percent > 0.0 && percent <= 100.0 {
            Ok(Self(percent))
        } else {
            Err(SlaTargetError)
        }
    }

    pub fn percent(self) -> f64 {
        self.0
    }
}

impl Default for SlaTarget {
    fn default() -> Self {
        Self(99.9)
    }
}

/// One site's line of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct SlaEntry {
    pub website: Website,
    /// `None` when the site did not exist during the range.
    pub uptime_percent: Option<f64>,
    pub downtime: Duration,
    /// Time in maintenance windows, left out of the uptime.
    pub maintenance: Duration,
    pub breached: bool,
}

impl SlaEntry {
    /// The entry of `website` given its windows overlapping `[from, to)` and its maintenance
    /// time, as of `now`.
    pub fn compute(
        website: Website,
        windows: Vec<DowntimeWindow>,
        maintenance: Vec<Span>,
        from: OffsetDateTime,
        to: OffsetDateTime,
        now: OffsetDateTime,
        target: SlaTarget,
    ) -> Self {
        let input = StatsInput {
            created_at: website.created_at,
            checks: CheckAggregate::default(),
            windows,
            maintenance,
        };
        let stats = UptimeStats::compute(from, to, now, &input);
        let breached = stats.uptime_percent.is_some_and(|uptime| uptime < target.percent());
        Self {
            website,
            uptime_percent: stats.uptime_percent,
            downtime: stats.total_downtime,
            maintenance: stats.maintenance,
            breached,
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::{CheckInterval, IntervalBounds, WebsiteId, WebsiteName, WebsiteUrl};

    fn website(created_at: OffsetDateTime) -> Website {
        Website {
            id: WebsiteId::new(1).unwrap(),
            url: WebsiteUrl::parse("https://example.com").unwrap(),
            name: WebsiteName::parse("Example").unwrap(),
            enabled: true,
            check_interval: CheckInterval::new(60, IntervalBounds::default()).unwrap(),
            alerts: None,
            check: crate::checks::CheckSpec::default(),
            public: false,
            regions: Default::default(),
            created_at,
            updated_at: created_at,
        }
    }

    #[test]
    fn targets_are_percentages() {
        assert!(SlaTarget::new(99.9).is_ok());
        assert!(SlaTarget::new(100.0).is_ok());
        for bad in [0.0, -1.0, 100.1, f64::NAN, f64::INFINITY] {
            assert_eq!(SlaTarget::new(bad), Err(SlaTargetError), "{bad}");
        }
    }

    #[test]
    fn breach_is_uptime_below_target() {
        let from = datetime!(2026-11-01 00:00 UTC);
        let to = datetime!(2026-11-02 00:00 UTC);
        let window = DowntimeWindow {
            id: 1,
            website_id: WebsiteId::new(1).unwrap(),
            start_time: datetime!(2026-11-01 12:00 UTC),
            end_time: Some(datetime!(2026-11-01 12:01:30 UTC)),
        };
        let site = website(datetime!(2026-10-01 00:00 UTC));
        // 90 s of 86,400 s: 99.896 % — below 99.9, above 99.8.
        let entry = SlaEntry::compute(
            site.clone(),
            vec![window.clone()],
            vec![],
            from,
            to,
            to,
            SlaTarget::default(),
        );
        assert!(entry.breached);
        assert_eq!(entry.downtime, Duration::from_secs(90));
        let relaxed = SlaTarget::new(99.8).unwrap();
        assert!(
            !SlaEntry::compute(site.clone(), vec![window.clone()], vec![], from, to, to, relaxed)
                .breached
        );
        // The same outage inside a maintenance window breaches nothing.
        let upgrade =
            Span { start: datetime!(2026-11-01 11:00 UTC), end: datetime!(2026-11-01 13:00 UTC) };
        let entry = SlaEntry::compute(
            site,
            vec![window],
            vec![upgrade],
            from,
            to,
            to,
            SlaTarget::default(),
        );
        assert_eq!((entry.breached, entry.downtime), (false, Duration::ZERO));
        assert_eq!(entry.maintenance, Duration::from_secs(2 * 3600));
        let unborn = website(datetime!(2026-12-01 00:00 UTC));
        let entry = SlaEntry::compute(unborn, vec![], vec![], from, to, to, SlaTarget::default());
        assert_eq!((entry.uptime_percent, entry.breached), (None, false));
    }
}
