//! What the dashboard's pages show, as values.

use time::{Duration, OffsetDateTime};

use super::OverviewQuery;
use super::series::{ChartPoint, DayBar};
use crate::alerting::Incident;
use crate::checks::SiteCertificate;
use crate::history::{Grain, StoredCheck};
use crate::website::SiteCounts;
use crate::{DowntimeWindow, SiteState, SiteStatus, Website};

/// One site on the overview.
#[derive(Debug, Clone, PartialEq)]
pub struct OverviewRow {
    pub website: Website,
    pub state: SiteState,
    pub last_check: Option<StoredCheck>,
    /// Over the last 24 hours, from downtime windows (`None` before the site existed).
    pub uptime_24h: Option<f64>,
    /// The mean response time (seconds) of each of the last 24 hours, oldest first; `None` for
    /// an hour without answers.
    pub sparkline: Vec<Option<f64>>,
}

/// The overview page.
#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    /// Every site, by state (not only the listed ones).
    pub counts: SiteCounts,
    /// Sites matching the query.
    pub total: u64,
    pub query: OverviewQuery,
    pub rows: Vec<OverviewRow>,
    pub at: OffsetDateTime,
}

/// The span a response-time chart covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChartWindow {
    #[default]
    Day,
    Week,
    Month,
}

impl ChartWindow {
    pub const ALL: [Self; 3] = [Self::Day, Self::Week, Self::Month];

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|w| w.as_str() == raw)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "24h",
            Self::Week => "7d",
            Self::Month => "30d",
        }
    }

    pub fn length(self) -> Duration {
        match self {
            Self::Day => Duration::DAY,
            Self::Week => Duration::days(7),
            Self::Month => Duration::days(30),
        }
    }

    /// Hourly points for a day or a week, daily for a month.
    pub fn grain(self) -> Grain {
        match self {
            Self::Day | Self::Week => Grain::Hour,
            Self::Month => Grain::Day,
        }
    }
}

/// One site's page.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteReport {
    pub website: Website,
    pub status: SiteStatus,
    /// Uptime over 24 h, 7 d, 30 d and 90 d, labelled.
    pub uptime: Vec<(&'static str, Option<f64>)>,
    /// The last 90 days, oldest first.
    pub days: Vec<DayBar>,
    pub chart_window: ChartWindow,
    pub chart: Vec<ChartPoint>,
    /// The newest checks, newest first.
    pub recent_checks: Vec<StoredCheck>,
    /// Downtime windows of the last 90 days, newest first.
    pub downtimes: Vec<DowntimeWindow>,
    pub certificate: Option<SiteCertificate>,
    /// Alert incidents, newest first (open ones and the last resolved).
    pub incidents: Vec<Incident>,
    pub at: OffsetDateTime,
}
