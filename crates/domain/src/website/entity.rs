//! The `Website` entity and the shapes used to create and change one.

use time::OffsetDateTime;

use super::{CheckInterval, WebsiteId, WebsiteName, WebsiteUrl};
use crate::alerting::AlertPolicy;

/// A website that lookout watches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Website {
    pub id: WebsiteId,
    pub url: WebsiteUrl,
    pub name: WebsiteName,
    pub enabled: bool,
    pub check_interval: CheckInterval,
    /// The site's own alert settings (`None`: the defaults and the default channels).
    pub alerts: Option<AlertPolicy>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// A website about to be stored: every value already parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWebsite {
    pub url: WebsiteUrl,
    pub name: WebsiteName,
    pub enabled: bool,
    pub check_interval: CheckInterval,
    pub alerts: Option<AlertPolicy>,
}

/// A partial change to a website; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebsitePatch {
    pub url: Option<WebsiteUrl>,
    pub name: Option<WebsiteName>,
    pub enabled: Option<bool>,
    pub check_interval: Option<CheckInterval>,
    /// `Some(None)` removes the site's own alert settings.
    pub alerts: Option<Option<AlertPolicy>>,
}

impl WebsitePatch {
    /// True when the patch changes nothing at all.
    pub fn is_empty(&self) -> bool {
        self.url.is_none()
            && self.name.is_none()
            && self.enabled.is_none()
            && self.check_interval.is_none()
            && self.alerts.is_none()
    }
}

/// A website before and after one update, read in the same transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdatedWebsite {
    pub before: Website,
    pub after: Website,
}

/// What the schedule must be told after an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleChange {
    Add,
    Remove,
    Reschedule,
    Nothing,
}

impl UpdatedWebsite {
    /// The schedule consequence of this update: enabling adds, disabling removes, a new interval
    /// on an enabled site re-times it, and a new url or name updates what the schedule hands out.
    pub fn schedule_change(&self) -> ScheduleChange {
        let (before, after) = (&self.before, &self.after);
        match (before.enabled, after.enabled) {
            (false, true) => ScheduleChange::Add,
            (true, false) => ScheduleChange::Remove,
            (true, true)
                if before.check_interval != after.check_interval
                    || before.url != after.url
                    || before.name != after.name =>
            {
                ScheduleChange::Reschedule
            }
            _ => ScheduleChange::Nothing,
        }
    }
}
