//! The SLA report: per site, uptime over a range against a target.

use std::time::Duration;

use time::OffsetDateTime;

use super::{StatsInput, UptimeBasis, UptimeStats};
use crate::Website;

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
    /// On `uptime_basis` (see [`UptimeStats::uptime_percent`]); `None` when the site did not
    /// exist during the range (windows) or no check was made outside maintenance (checks).
    pub uptime_percent: Option<f64>,
    pub uptime_basis: UptimeBasis,
    /// From the downtime windows (the quorum's), whatever the basis.
    pub downtime: Duration,
    /// Time in maintenance windows, left out of the uptime.
    pub maintenance: Duration,
    pub breached: bool,
}

impl SlaEntry {
    /// The entry of `website` given its windows overlapping `[from, to)`, its maintenance time
    /// and (on the `Checks` basis) the checks the uptime comes from, as of `now`; breached when
    /// the uptime is below `target`.
    pub fn compute(
        website: Website,
        input: &StatsInput,
        basis: UptimeBasis,
        from: OffsetDateTime,
        to: OffsetDateTime,
        now: OffsetDateTime,
        target: SlaTarget,
    ) -> Self {
        let stats = UptimeStats::compute_on(basis, from, to, now, input);
        let breached = stats.uptime_percent.is_some_and(|uptime| uptime < target.percent());
        Self {
            website,
            uptime_percent: stats.uptime_percent,
            uptime_basis: basis,
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
    use crate::history::{CheckAggregate, CheckSample};
    use crate::maintenance::Span;
    use crate::{DowntimeWindow, WebsiteId};

    fn input(site: &Website, windows: Vec<DowntimeWindow>, maintenance: Vec<Span>) -> StatsInput {
        StatsInput {
            created_at: site.created_at,
            checks: CheckAggregate::default(),
            windows,
            maintenance,
        }
    }

    fn entry(site: &Website, input: &StatsInput, target: SlaTarget) -> SlaEntry {
        let (from, to) = (datetime!(2026-11-01 00:00 UTC), datetime!(2026-11-02 00:00 UTC));
        SlaEntry::compute(site.clone(), input, UptimeBasis::Windows, from, to, to, target)
    }

    fn website(created_at: OffsetDateTime) -> Website {
        crate::mock_store::website(WebsiteId::new(1).unwrap(), created_at)
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
        let window = DowntimeWindow {
            id: 1,
            website_id: WebsiteId::new(1).unwrap(),
            start_time: datetime!(2026-11-01 12:00 UTC),
            end_time: Some(datetime!(2026-11-01 12:01:30 UTC)),
        };
        let site = website(datetime!(2026-10-01 00:00 UTC));
        // 90 s of 86,400 s: 99.896 % — below 99.9, above 99.8.
        let down = input(&site, vec![window.clone()], vec![]);
        let report = entry(&site, &down, SlaTarget::default());
        assert!(report.breached);
        assert_eq!(report.downtime, Duration::from_secs(90));
        assert_eq!(report.uptime_basis, UptimeBasis::Windows);
        assert!(!entry(&site, &down, SlaTarget::new(99.8).unwrap()).breached);
        // The same outage inside a maintenance window breaches nothing.
        let upgrade =
            Span { start: datetime!(2026-11-01 11:00 UTC), end: datetime!(2026-11-01 13:00 UTC) };
        let report = entry(&site, &input(&site, vec![window], vec![upgrade]), SlaTarget::default());
        assert_eq!((report.breached, report.downtime), (false, Duration::ZERO));
        assert_eq!(report.maintenance, Duration::from_secs(2 * 3600));
        let unborn = website(datetime!(2026-12-01 00:00 UTC));
        let report = entry(&unborn, &input(&unborn, vec![], vec![]), SlaTarget::default());
        assert_eq!((report.uptime_percent, report.breached), (None, false));
    }

    #[test]
    fn a_region_breaches_by_its_checks() {
        let site = website(datetime!(2026-10-01 00:00 UTC));
        let check = |ok| CheckSample {
            timestamp: datetime!(2026-11-01 12:00 UTC),
            response_time: None,
            is_available: ok,
            degraded: false,
            in_maintenance: false,
        };
        // No window at all, but one check of the region's 1,000 failed: 99.9 %, not below.
        let mut checks: Vec<CheckSample> = (0..999).map(|_| check(true)).collect();
        checks.push(check(false));
        let region = StatsInput { checks: checks.iter().collect(), ..input(&site, vec![], vec![]) };
        let (from, to) = (datetime!(2026-11-01 00:00 UTC), datetime!(2026-11-02 00:00 UTC));
        let compute = |input: &StatsInput, target| {
            SlaEntry::compute(site.clone(), input, UptimeBasis::Checks, from, to, to, target)
        };
        let report = compute(&region, SlaTarget::default());
        assert!((report.uptime_percent.unwrap() - 99.9).abs() < 1e-9);
        assert_eq!((report.breached, report.uptime_basis), (false, UptimeBasis::Checks));
        assert!(compute(&region, SlaTarget::new(99.95).unwrap()).breached);
        assert_eq!(report.downtime, Duration::ZERO, "downtime is the windows'");
    }
}
