//! Downtime windows and the rule that opens and closes them.

use std::time::Duration;

use time::OffsetDateTime;

use crate::WebsiteId;

/// A period during which a website was (or still is) down. At most one per site is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DowntimeWindow {
    pub id: i64,
    pub website_id: WebsiteId,
    pub start_time: OffsetDateTime,
    /// `None` while the site is still down.
    pub end_time: Option<OffsetDateTime>,
}

impl DowntimeWindow {
    pub fn is_open(&self) -> bool {
        self.end_time.is_none()
    }

    /// The window's length, up to `now` when it is still open.
    pub fn duration(&self, now: OffsetDateTime) -> Duration {
        let end = self.end_time.unwrap_or(now);
        Duration::try_from(end - self.start_time).unwrap_or(Duration::ZERO)
    }
}

/// What one new check does to a site's downtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DowntimeTransition {
    /// The site went down: open a window starting at the check.
    Open { at: OffsetDateTime },
    /// The site came back: close the open window at the check.
    Close { at: OffsetDateTime, duration: Duration },
    /// Nothing changes.
    Unchanged,
}

impl DowntimeTransition {
    /// Given the start of the site's open window (if any) and a new check made at `at`,
    /// decides whether a window opens, closes, or nothing changes.
    pub fn decide(open_since: Option<OffsetDateTime>, available: bool, at: OffsetDateTime) -> Self {
        match (open_since, available) {
            (None, false) => Self::Open { at },
            (Some(start), true) => Self::Close {
                at,
                duration: Duration::try_from(at - start).unwrap_or(Duration::ZERO),
            },
            (None, true) | (Some(_), false) => Self::Unchanged,
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const T0: OffsetDateTime = datetime!(2026-11-28 12:00:00 UTC);
    const T1: OffsetDateTime = datetime!(2026-11-28 12:02:00.5 UTC);

    #[test]
    fn first_failure_opens_a_window() {
        assert_eq!(
            DowntimeTransition::decide(None, false, T0),
            DowntimeTransition::Open { at: T0 }
        );
    }

    #[test]
    fn further_failures_keep_the_window() {
        assert_eq!(DowntimeTransition::decide(Some(T0), false, T1), DowntimeTransition::Unchanged);
    }

    #[test]
    fn recovery_closes_with_the_duration() {
        assert_eq!(
            DowntimeTransition::decide(Some(T0), true, T1),
            DowntimeTransition::Close { at: T1, duration: Duration::from_millis(120_500) }
        );
    }

    #[test]
    fn success_without_a_window_changes_nothing() {
        assert_eq!(DowntimeTransition::decide(None, true, T1), DowntimeTransition::Unchanged);
    }

    #[test]
    fn a_clock_that_went_backwards_gives_zero_not_a_panic() {
        assert_eq!(
            DowntimeTransition::decide(Some(T1), true, T0),
            DowntimeTransition::Close { at: T0, duration: Duration::ZERO }
        );
    }

    #[test]
    fn window_duration_runs_to_now_while_open() {
        let mut window = DowntimeWindow {
            id: 1,
            website_id: WebsiteId::new(1).unwrap(),
            start_time: T0,
            end_time: None,
        };
        assert!(window.is_open());
        assert_eq!(window.duration(T1), Duration::from_millis(120_500));
        window.end_time = Some(T0 + time::Duration::seconds(10));
        assert_eq!(window.duration(T1), Duration::from_secs(10));
    }
}
