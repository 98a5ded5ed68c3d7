//! The `Website` entity and the shapes used to create and change one.

use time::OffsetDateTime;

use std::time::Duration;

use super::{CheckInterval, WebsiteId, WebsiteName, WebsiteUrl};
use crate::alerting::{AlertPolicy, ChannelId};
use crate::checks::{Assertion, CheckSpec, RequestOptions};
use crate::manifest::Managed;
use crate::regions::{Quorum, RegionName, SiteRegions};

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
    /// How it is asked and what the answer must show.
    pub check: CheckSpec,
    /// Its badges are served to anyone (so are those of a site on a status page).
    pub public: bool,
    /// Where it is checked from and how many regions must see it down.
    pub regions: SiteRegions,
    /// The document that manages it (`None`: made through the API or the pages).
    pub managed: Option<Managed>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// A website about to be stored: every value already parsed. Its alerts name channels by id
/// (`C` is something else only in a document, which may name them by key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWebsite<C = ChannelId> {
    pub url: WebsiteUrl,
    pub name: WebsiteName,
    pub enabled: bool,
    pub check_interval: CheckInterval,
    pub alerts: Option<AlertPolicy<C>>,
    pub check: CheckSpec,
    /// Its badges are served to anyone (so are those of a site on a status page).
    pub public: bool,
    pub regions: SiteRegions,
}

impl<C> NewWebsite<C> {
    /// The same site with every channel of its alerts named by `name(channel)` instead.
    pub fn try_map_channels<D, E>(
        &self,
        name: impl FnMut(&C) -> Result<D, E>,
    ) -> Result<NewWebsite<D>, E> {
        let alerts = match &self.alerts {
            Some(policy) => Some(policy.try_map_channels(name)?),
            None => None,
        };
        Ok(NewWebsite {
            url: self.url.clone(),
            name: self.name.clone(),
            enabled: self.enabled,
            check_interval: self.check_interval,
            alerts,
            check: self.check.clone(),
            public: self.public,
            regions: self.regions.clone(),
        })
    }
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
    /// Replaces the request options as a whole.
    pub request: Option<RequestOptions>,
    /// Replaces the assertions as a whole.
    pub assertions: Option<Vec<Assertion>>,
    /// `Some(None)` removes the limit.
    pub degraded_above: Option<Option<Duration>>,
    pub public: Option<bool>,
    /// Replaces the chosen regions (`[]`: any region).
    pub regions: Option<Vec<RegionName>>,
    pub quorum: Option<Quorum>,
}

impl WebsitePatch {
    /// True when the patch changes nothing at all.
    pub fn is_empty(&self) -> bool {
        self.url.is_none()
            && self.name.is_none()
            && self.enabled.is_none()
            && self.check_interval.is_none()
            && self.alerts.is_none()
            && self.request.is_none()
            && self.assertions.is_none()
            && self.degraded_above.is_none()
            && self.public.is_none()
            && self.regions.is_none()
            && self.quorum.is_none()
    }

    /// The regions after this patch, laid over `current`.
    pub fn regions_over(
        &self,
        current: &SiteRegions,
    ) -> Result<SiteRegions, crate::regions::RegionsError> {
        if self.regions.is_none() && self.quorum.is_none() {
            return Ok(current.clone());
        }
        current.patched(self.regions.clone(), self.quorum)
    }

    /// The check settings after this patch, laid over `current` (a secret header sent back as
    /// `***` keeps its stored value).
    pub fn check_over(&self, current: &CheckSpec) -> CheckSpec {
        CheckSpec {
            request: match &self.request {
                Some(request) => request.clone().keep_secrets_from(&current.request),
                None => current.request.clone(),
            },
            assertions: self.assertions.clone().unwrap_or_else(|| current.assertions.clone()),
            degraded_above: self.degraded_above.unwrap_or(current.degraded_above),
        }
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
    /// on an enabled site re-times it, and a new url, name or check settings update what the
    /// schedule hands out.
    pub fn schedule_change(&self) -> ScheduleChange {
        let (before, after) = (&self.before, &self.after);
        match (before.enabled, after.enabled) {
            (false, true) => ScheduleChange::Add,
            (true, false) => ScheduleChange::Remove,
            (true, true)
                if before.check_interval != after.check_interval
                    || before.url != after.url
                    || before.name != after.name
                    || before.check != after.check
                    || before.regions != after.regions =>
            {
                ScheduleChange::Reschedule
            }
            _ => ScheduleChange::Nothing,
        }
    }
}
