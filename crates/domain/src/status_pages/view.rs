//! What a public status page shows, as values; the overall state is a pure rule over the sites'
//! states.

use time::OffsetDateTime;

use super::StatusPage;
use crate::dashboard::DayBar;
use crate::maintenance::Span;
use crate::{DowntimeWindow, SiteState, WebsiteId};

/// The one line at the top of a status page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overall {
    Operational,
    Degraded,
    /// Some sites down.
    PartialOutage,
    /// Every checked site down.
    MajorOutage,
    Maintenance,
    /// No site checked yet.
    NoData,
}

impl Overall {
    /// From the sites' states: paused and unknown sites do not count.
    pub fn of(states: &[SiteState]) -> Self {
        let counted: Vec<SiteState> = states
            .iter()
            .copied()
            .filter(|s| !matches!(s, SiteState::Paused | SiteState::Unknown))
            .collect();
        let down = counted.iter().filter(|s| **s == SiteState::Down).count();
        if counted.is_empty() {
            Self::NoData
        } else if down == counted.len() {
            Self::MajorOutage
        } else if down > 0 {
            Self::PartialOutage
        } else if counted.contains(&SiteState::Degraded) {
            Self::Degraded
        } else if counted.contains(&SiteState::Maintenance) {
            Self::Maintenance
        } else {
            Self::Operational
        }
    }
}

/// One site as the public sees it: its name (never its URL), state and history.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicSite {
    pub id: WebsiteId,
    pub name: String,
    pub state: SiteState,
    pub uptime_90d: Option<f64>,
    /// The last 90 days, oldest first.
    pub days: Vec<DayBar>,
}

/// A public status page.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicStatus {
    pub page: StatusPage,
    pub overall: Overall,
    pub sites: Vec<PublicSite>,
    /// Open downtime windows, with the site's name.
    pub ongoing: Vec<(String, DowntimeWindow)>,
    /// Maintenance now or within 7 days, with the site's name.
    pub maintenance: Vec<(String, Span)>,
    pub at: OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;
    use SiteState::*;

    #[test]
    fn the_overall_state_counts_checked_sites_only() {
        assert_eq!(Overall::of(&[]), Overall::NoData);
        assert_eq!(Overall::of(&[Paused, Unknown]), Overall::NoData);
        assert_eq!(Overall::of(&[Up, Up, Paused]), Overall::Operational);
        assert_eq!(Overall::of(&[Up, Degraded]), Overall::Degraded);
        assert_eq!(Overall::of(&[Up, Down, Degraded]), Overall::PartialOutage);
        assert_eq!(Overall::of(&[Down, Down, Paused]), Overall::MajorOutage);
        assert_eq!(Overall::of(&[Up, Maintenance]), Overall::Maintenance);
    }
}
