//! A maintenance window: a named stretch of time during which some sites (or all) are either
//! silenced (checked, but no alerts and the time left out of uptime) or paused (not checked).
//! One-off (`starts_at`..`ends_at`) or recurring (a cron schedule in a time zone, each start
//! lasting `duration`, optionally only `from`..`until`).

use std::fmt;
use std::time::Duration;

use jiff::tz::TimeZone;
use time::OffsetDateTime;

use super::cron::CronSchedule;
use crate::WebsiteId;
use crate::alerting::MaintenanceId;
use crate::manifest::Managed;

/// What a window does to its sites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MaintenanceMode {
    /// Checks go on, marked `in_maintenance`; no alert events; the time is left out of uptime.
    Silence,
    /// No checks.
    Pause,
}

impl MaintenanceMode {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "silence" => Some(Self::Silence),
            "pause" => Some(Self::Pause),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Silence => "silence",
            Self::Pause => "pause",
        }
    }
}

/// Which sites a window covers (`S` is something else only in a document, which may name
/// sites by key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MaintenanceScope<S = WebsiteId> {
    All,
    /// Sorted, without duplicates; never empty as sent, empty once every site it named has
    /// been deleted (it then covers nothing).
    Websites(Vec<S>),
}

impl MaintenanceScope {
    pub fn covers(&self, id: WebsiteId) -> bool {
        match self {
            Self::All => true,
            Self::Websites(ids) => ids.binary_search(&id).is_ok(),
        }
    }
}

/// A time zone by its IANA name.
#[derive(Clone)]
pub struct Zone {
    name: String,
    tz: TimeZone,
}

impl Zone {
    /// `None` when the name is not in the time zone database.
    pub fn get(name: &str) -> Option<Self> {
        let tz = TimeZone::get(name).ok()?;
        Some(Self { name: name.to_owned(), tz })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn tz(&self) -> &TimeZone {
        &self.tz
    }
}

impl PartialEq for Zone {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Zone {}

impl fmt::Debug for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Zone").field(&self.name).finish()
    }
}

/// A recurring window's rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recurrence {
    pub schedule: CronSchedule,
    /// How long each occurrence lasts (real time: a two-hour window across a DST change still
    /// lasts two hours).
    pub duration: Duration,
    pub timezone: Zone,
    /// No occurrence starts before this.
    pub from: Option<OffsetDateTime>,
    /// No occurrence starts at or after this.
    pub until: Option<OffsetDateTime>,
}

/// When a window applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MaintenanceTiming {
    Once { starts_at: OffsetDateTime, ends_at: OffsetDateTime },
    Recurring(Recurrence),
}

/// The content of a window, checked: what is created and what an update leaves (`S` as in
/// [`MaintenanceScope`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaintenanceSpec<S = WebsiteId> {
    pub name: String,
    pub scope: MaintenanceScope<S>,
    pub mode: MaintenanceMode,
    pub timing: MaintenanceTiming,
}

impl<S> MaintenanceSpec<S> {
    /// The same window with every site named by `name(site)` instead (sorted, each once).
    pub fn try_map_sites<T: Ord, E>(
        &self,
        name: impl FnMut(&S) -> Result<T, E>,
    ) -> Result<MaintenanceSpec<T>, E> {
        let scope = match &self.scope {
            MaintenanceScope::All => MaintenanceScope::All,
            MaintenanceScope::Websites(sites) => {
                let mut named = sites.iter().map(name).collect::<Result<Vec<T>, E>>()?;
                named.sort_unstable();
                named.dedup();
                MaintenanceScope::Websites(named)
            }
        };
        Ok(MaintenanceSpec {
            name: self.name.clone(),
            scope,
            mode: self.mode,
            timing: self.timing.clone(),
        })
    }
}

/// A stored window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaintenanceWindow {
    pub id: MaintenanceId,
    pub spec: MaintenanceSpec,
    /// The document that manages it, if any (issue 16).
    pub managed: Option<Managed>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// One stretch of time `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: OffsetDateTime,
    pub end: OffsetDateTime,
}

impl Span {
    pub fn contains(&self, at: OffsetDateTime) -> bool {
        self.start <= at && at < self.end
    }
}

/// Most occurrences one window yields for one range (an every-minute schedule over a month is
/// 43,200): beyond, the range is cut short.
pub const MAX_OCCURRENCES: usize = 50_000;

fn to_jiff(at: OffsetDateTime) -> jiff::Timestamp {
    let nanos = at.unix_timestamp_nanos();
    jiff::Timestamp::from_nanosecond(nanos).unwrap_or(if nanos < 0 {
        jiff::Timestamp::MIN
    } else {
        jiff::Timestamp::MAX
    })
}

fn from_jiff(at: jiff::Timestamp) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(at.as_nanosecond())
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

impl MaintenanceTiming {
    /// The occurrences overlapping `[from, to)`, in order (not clipped).
    pub fn spans(&self, from: OffsetDateTime, to: OffsetDateTime) -> Vec<Span> {
        match self {
            Self::Once { starts_at, ends_at } => {
                if *starts_at < to && *ends_at > from {
                    vec![Span { start: *starts_at, end: *ends_at }]
                } else {
                    Vec::new()
                }
            }
            Self::Recurring(rule) => {
                let length = time::Duration::try_from(rule.duration).unwrap_or(time::Duration::DAY);
                // An occurrence that started up to one duration before `from` still overlaps.
                let mut first = from.saturating_sub(length);
                let mut last = to;
                if let Some(start) = rule.from {
                    first = first.max(start);
                }
                if let Some(until) = rule.until {
                    last = last.min(until);
                }
                rule.schedule
                    .starts_between(
                        rule.timezone.tz(),
                        to_jiff(first),
                        to_jiff(last),
                        MAX_OCCURRENCES,
                    )
                    .into_iter()
                    .map(|start| {
                        let start = from_jiff(start);
                        Span { start, end: start.saturating_add(length) }
                    })
                    .filter(|span| span.end > from)
                    .collect()
            }
        }
    }

    /// Where the window stands at `now`: the end of the occurrence going on, and the start of
    /// the next one (within a year for a recurring window).
    pub fn outlook(&self, now: OffsetDateTime) -> Outlook {
        let until = match self {
            Self::Once { ends_at, .. } => {
                (*ends_at).max(now).saturating_add(time::Duration::SECOND)
            }
            // A year from now, or from the first start allowed if that is later.
            Self::Recurring(rule) => rule
                .from
                .map_or(now, |from| from.max(now))
                .saturating_add(time::Duration::days(366)),
        };
        // An every-minute schedule stops at MAX_OCCURRENCES, well after the first two.
        let spans = self.spans(now, until);
        Outlook {
            active_until: spans.iter().find(|s| s.contains(now)).map(|s| s.end),
            next_start: spans.iter().find(|s| s.start > now).map(|s| s.start),
        }
    }
}

/// A window's place in time as seen at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outlook {
    /// When the occurrence going on ends; `None` when none is.
    pub active_until: Option<OffsetDateTime>,
    /// When the next occurrence starts; `None` when no other is to come.
    pub next_start: Option<OffsetDateTime>,
}
