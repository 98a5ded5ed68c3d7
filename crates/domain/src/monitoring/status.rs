//! A site's current status: its state, last check, open window, breaker and next check.

use time::OffsetDateTime;

use super::CircuitBreaker;
use crate::dashboard::Verdict;
use crate::history::StoredCheck;
use crate::maintenance::MaintenanceMode;
use crate::regions::{RegionStanding, Vote};
use crate::{DowntimeWindow, Website, WebsiteId};

/// What the running engine knows about a site (the breaker and the schedule live in memory).
/// Object-safe, so that the API can hold one whatever the engine's types.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait EngineState: Send + Sync + 'static {
    fn breaker(&self, id: WebsiteId) -> CircuitBreaker;
    /// When the site is checked next; `None` when it is not scheduled.
    fn next_due(&self, id: WebsiteId) -> Option<OffsetDateTime>;
    /// How many sites' breakers are open (or running their trial).
    fn open_breakers(&self) -> usize;
}

/// The one-word state of a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteState {
    Up,
    /// Up, but its last check was degraded (a `degraded` assertion failed, or it was slow).
    Degraded,
    Down,
    /// Enabled, never checked.
    Unknown,
    /// Disabled.
    Paused,
    /// In a maintenance window (silenced or paused).
    Maintenance,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SiteStatus {
    pub state: SiteState,
    pub last_check: Option<StoredCheck>,
    pub open_window: Option<DowntimeWindow>,
    pub breaker: CircuitBreaker,
    pub next_due: Option<OffsetDateTime>,
    /// The chosen regions, each with what it last saw (empty: the site is checked from any
    /// region).
    pub regions: Vec<RegionStanding>,
}

impl SiteStatus {
    /// Paused when disabled; maintenance while a maintenance window covers it; down while a
    /// window is open or the last check failed; unknown before the first check; degraded when
    /// the last check was; up otherwise.
    pub fn derive(
        website: &Website,
        last_check: Option<StoredCheck>,
        open_window: Option<DowntimeWindow>,
        breaker: CircuitBreaker,
        next_due: Option<OffsetDateTime>,
        maintenance: Option<MaintenanceMode>,
    ) -> Self {
        let state = if !website.enabled {
            SiteState::Paused
        } else if maintenance.is_some() {
            SiteState::Maintenance
        } else if open_window.is_some() {
            SiteState::Down
        } else {
            match &last_check {
                None => SiteState::Unknown,
                Some(stored) if stored.check.is_available && stored.check.degraded => {
                    SiteState::Degraded
                }
                Some(stored) if stored.check.is_available => SiteState::Up,
                Some(_) => SiteState::Down,
            }
        };
        Self { state, last_check, open_window, breaker, next_due, regions: Vec::new() }
    }

    /// For a site that chose regions: the state is the regions' vote (`vote`, `None` when no
    /// region's verdict is fresh: unknown) unless the site is paused, in maintenance or inside
    /// an open window, and each region's standing is shown.
    pub fn with_regions(mut self, vote: Option<&Vote>, regions: Vec<RegionStanding>) -> Self {
        if matches!(self.state, SiteState::Up | SiteState::Degraded | SiteState::Unknown)
            || (self.state == SiteState::Down && self.open_window.is_none())
        {
            self.state = match vote.map(|v| v.verdict) {
                None => SiteState::Unknown,
                Some(Verdict::Up) => SiteState::Up,
                Some(Verdict::Degraded) => SiteState::Degraded,
                Some(Verdict::Failed) => SiteState::Down,
            };
        }
        self.regions = regions;
        self
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::{CheckInterval, IntervalBounds, MonitorCheck, WebsiteName, WebsiteUrl};

    const T0: OffsetDateTime = datetime!(2026-11-28 12:00 UTC);

    fn website(enabled: bool) -> Website {
        Website {
            id: WebsiteId::new(1).unwrap(),
            url: WebsiteUrl::parse("https://example.com").unwrap(),
            name: WebsiteName::parse("Example").unwrap(),
            enabled,
            check_interval: CheckInterval::new(60, IntervalBounds::default()).unwrap(),
            alerts: None,
            check: crate::checks::CheckSpec::default(),
            public: false,
            regions: Default::default(),
            managed: None,
            created_at: T0,
            updated_at: T0,
        }
    }

    fn check(available: bool) -> StoredCheck {
        StoredCheck {
            id: 9,
            region: None,
            check: MonitorCheck::sample(WebsiteId::new(1).unwrap(), T0, available),
        }
    }

    fn state(enabled: bool, last: Option<StoredCheck>, open: bool) -> SiteState {
        let window = open.then(|| DowntimeWindow {
            id: 1,
            website_id: WebsiteId::new(1).unwrap(),
            start_time: T0,
            end_time: None,
        });
        SiteStatus::derive(&website(enabled), last, window, CircuitBreaker::default(), None, None)
            .state
    }

    #[test]
    fn a_site_with_regions_takes_the_votes_state() {
        let one_region_failed = Vote {
            verdict: Verdict::Degraded,
            down: vec![crate::regions::RegionName::parse("eu").unwrap()],
            voters: 3,
            needed: 2,
            left_out: vec![],
        };
        let status = SiteStatus::derive(
            &website(true),
            Some(check(false)),
            None,
            CircuitBreaker::default(),
            None,
            None,
        );
        assert_eq!(status.state, SiteState::Down, "the last check alone");
        let voted = status.clone().with_regions(Some(&one_region_failed), vec![]);
        assert_eq!(voted.state, SiteState::Degraded, "one region of three is not a quorum");
        assert_eq!(status.with_regions(None, vec![]).state, SiteState::Unknown);
        let paused =
            SiteStatus::derive(&website(false), None, None, CircuitBreaker::default(), None, None);
        assert_eq!(paused.with_regions(None, vec![]).state, SiteState::Paused);
    }

    #[test]
    fn derives_the_state() {
        assert_eq!(state(true, None, false), SiteState::Unknown);
        assert_eq!(state(true, Some(check(true)), false), SiteState::Up);
        assert_eq!(state(true, Some(check(false)), false), SiteState::Down);
        assert_eq!(state(true, Some(check(false)), true), SiteState::Down);
        assert_eq!(state(false, Some(check(false)), true), SiteState::Paused);
        let silenced = SiteStatus::derive(
            &website(true),
            Some(check(false)),
            None,
            CircuitBreaker::default(),
            None,
            Some(MaintenanceMode::Silence),
        );
        assert_eq!(silenced.state, SiteState::Maintenance);
    }
}
