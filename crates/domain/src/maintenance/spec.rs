//! A window as a client sends it — every field optional, as parsed from JSON — checked into a
//! [`MaintenanceSpec`], each refusal naming its field. An update lays the sent fields over the
//! stored window's and checks the result the same way.

use std::time::Duration;

use time::OffsetDateTime;

use super::cron::CronSchedule;
use super::window::{
    MaintenanceMode, MaintenanceScope, MaintenanceSpec, MaintenanceTiming, Recurrence, Zone,
};
use crate::WebsiteId;

/// Most characters in a window's name.
pub const MAX_MAINTENANCE_NAME_CHARS: usize = 200;
/// Most sites one window names (more: use `all`).
pub const MAX_MAINTENANCE_WEBSITES: usize = 10_000;
/// Longest occurrence of a recurring window.
pub const MAX_MAINTENANCE_DURATION: Duration = Duration::from_secs(31 * 86_400);

/// A refused field and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct MaintenanceFieldError {
    pub field: &'static str,
    pub message: String,
}

fn refuse(field: &'static str, message: impl Into<String>) -> MaintenanceFieldError {
    MaintenanceFieldError { field, message: message.into() }
}

/// A window's fields as sent; `None`: not sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MaintenanceDraft {
    pub name: Option<String>,
    pub websites: Option<Vec<i64>>,
    pub all: Option<bool>,
    pub mode: Option<String>,
    pub starts_at: Option<OffsetDateTime>,
    pub ends_at: Option<OffsetDateTime>,
    pub schedule: Option<String>,
    pub duration_secs: Option<u64>,
    pub timezone: Option<String>,
    pub from: Option<OffsetDateTime>,
    pub until: Option<OffsetDateTime>,
}

impl MaintenanceDraft {
    fn sends_once(&self) -> bool {
        self.starts_at.is_some() || self.ends_at.is_some()
    }

    fn sends_recurring(&self) -> bool {
        self.schedule.is_some()
            || self.duration_secs.is_some()
            || self.timezone.is_some()
            || self.from.is_some()
            || self.until.is_some()
    }

    /// Checks a complete window (a creation).
    pub fn parse(self) -> Result<MaintenanceSpec, MaintenanceFieldError> {
        let name = self.name.as_deref().map(str::trim).unwrap_or_default();
        if name.is_empty() {
            return Err(refuse("name", "name is required"));
        }
        if name.chars().count() > MAX_MAINTENANCE_NAME_CHARS {
            return Err(refuse(
                "name",
                format!("name must be at most {MAX_MAINTENANCE_NAME_CHARS} characters"),
            ));
        }
        let scope = match (self.all, &self.websites) {
            (Some(true), Some(ids)) if !ids.is_empty() => {
                return Err(refuse("websites", "give either websites or \"all\": true, not both"));
            }
            (Some(true), _) => MaintenanceScope::All,
            (_, Some(ids)) if !ids.is_empty() => MaintenanceScope::Websites(website_ids(ids)?),
            _ => {
                return Err(refuse(
                    "websites",
                    "websites must list at least one website id (or send \"all\": true)",
                ));
            }
        };
        let mode = match self.mode.as_deref() {
            None => MaintenanceMode::Silence,
            Some(raw) => MaintenanceMode::parse(raw).ok_or_else(|| {
                refuse("mode", format!("mode must be \"silence\" or \"pause\", got {raw:?}"))
            })?,
        };
        let timing = match (self.sends_once(), self.sends_recurring()) {
            (true, true) => {
                return Err(refuse(
                    "schedule",
                    "give either starts_at/ends_at (one-off) or schedule/duration_secs/timezone (recurring), not both",
                ));
            }
            (false, false) => {
                return Err(refuse(
                    "starts_at",
                    "give starts_at and ends_at for a one-off window, or schedule and duration_secs for a recurring one",
                ));
            }
            (true, false) => once(self.starts_at, self.ends_at)?,
            (false, true) => recurring(&self)?,
        };
        Ok(MaintenanceSpec { name: name.to_owned(), scope, mode, timing })
    }

    /// The stored window with this draft's fields laid over it. Timing fields replace the
    /// stored timing when they are of the other kind (one-off ↔ recurring), else merge with it;
    /// `websites` replaces `"all": true` and the other way round.
    pub fn over(self, stored: &MaintenanceSpec) -> Result<MaintenanceSpec, MaintenanceFieldError> {
        let mut merged = MaintenanceDraft::from(stored);
        if self.name.is_some() {
            merged.name = self.name.clone();
        }
        if self.mode.is_some() {
            merged.mode = self.mode.clone();
        }
        match (&self.websites, self.all) {
            (Some(ids), all) => {
                merged.websites = Some(ids.clone());
                merged.all = all;
            }
            (None, Some(all)) => {
                merged.all = Some(all);
                if all {
                    merged.websites = None;
                }
            }
            (None, None) => {}
        }
        let (once, recurring) = (self.sends_once(), self.sends_recurring());
        if once && recurring {
            return self.parse(); // refused with the same message as a creation
        }
        if once {
            if !matches!(stored.timing, MaintenanceTiming::Once { .. }) {
                merged.clear_timing();
            }
            merged.starts_at = self.starts_at.or(merged.starts_at);
            merged.ends_at = self.ends_at.or(merged.ends_at);
        } else if recurring {
            if !matches!(stored.timing, MaintenanceTiming::Recurring(_)) {
                merged.clear_timing();
            }
            merged.schedule = self.schedule.or(merged.schedule);
            merged.duration_secs = self.duration_secs.or(merged.duration_secs);
            merged.timezone = self.timezone.or(merged.timezone);
            merged.from = self.from.or(merged.from);
            merged.until = self.until.or(merged.until);
        }
        merged.parse()
    }

    fn clear_timing(&mut self) {
        self.starts_at = None;
        self.ends_at = None;
        self.schedule = None;
        self.duration_secs = None;
        self.timezone = None;
        self.from = None;
        self.until = None;
    }
}

impl From<&MaintenanceSpec> for MaintenanceDraft {
    fn from(spec: &MaintenanceSpec) -> Self {
        let mut draft = Self {
            name: Some(spec.name.clone()),
            mode: Some(spec.mode.as_str().to_owned()),
            ..Self::default()
        };
        match &spec.scope {
            MaintenanceScope::All => draft.all = Some(true),
            MaintenanceScope::Websites(ids) => {
                draft.websites = Some(ids.iter().map(|id| id.get()).collect());
            }
        }
        match &spec.timing {
            MaintenanceTiming::Once { starts_at, ends_at } => {
                draft.starts_at = Some(*starts_at);
                draft.ends_at = Some(*ends_at);
            }
            MaintenanceTiming::Recurring(rule) => {
                draft.schedule = Some(rule.schedule.as_str().to_owned());
                draft.duration_secs = Some(rule.duration.as_secs());
                draft.timezone = Some(rule.timezone.name().to_owned());
                draft.from = rule.from;
                draft.until = rule.until;
            }
        }
        draft
    }
}

fn website_ids(raw: &[i64]) -> Result<Vec<WebsiteId>, MaintenanceFieldError> {
    if raw.len() > MAX_MAINTENANCE_WEBSITES {
        return Err(refuse(
            "websites",
            format!(
                "at most {MAX_MAINTENANCE_WEBSITES} websites (use \"all\": true for every site)"
            ),
        ));
    }
    let mut ids = raw
        .iter()
        .map(|&id| {
            WebsiteId::new(id).map_err(|_| refuse("websites", format!("{id} is not a website id")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

fn once(
    starts_at: Option<OffsetDateTime>,
    ends_at: Option<OffsetDateTime>,
) -> Result<MaintenanceTiming, MaintenanceFieldError> {
    let starts_at =
        starts_at.ok_or_else(|| refuse("starts_at", "starts_at is required with ends_at"))?;
    let ends_at = ends_at.ok_or_else(|| refuse("ends_at", "ends_at is required with starts_at"))?;
    if ends_at <= starts_at {
        return Err(refuse("ends_at", "ends_at must be after starts_at"));
    }
    Ok(MaintenanceTiming::Once { starts_at, ends_at })
}

fn recurring(draft: &MaintenanceDraft) -> Result<MaintenanceTiming, MaintenanceFieldError> {
    let raw = draft
        .schedule
        .as_deref()
        .ok_or_else(|| refuse("schedule", "schedule (a cron expression) is required"))?;
    let schedule = CronSchedule::parse(raw).map_err(|e| refuse("schedule", e.to_string()))?;
    let secs = draft
        .duration_secs
        .ok_or_else(|| refuse("duration_secs", "duration_secs is required with schedule"))?;
    let duration = Duration::from_secs(secs);
    if duration.is_zero() || duration > MAX_MAINTENANCE_DURATION {
        return Err(refuse(
            "duration_secs",
            format!("duration_secs must be 1 to {}", MAX_MAINTENANCE_DURATION.as_secs()),
        ));
    }
    let name = draft.timezone.as_deref().unwrap_or("UTC");
    let timezone = Zone::get(name).ok_or_else(|| {
        refuse("timezone", format!("{name:?} is not a time zone (an IANA name like Europe/Berlin)"))
    })?;
    if let (Some(from), Some(until)) = (draft.from, draft.until)
        && until <= from
    {
        return Err(refuse("until", "until must be after from"));
    }
    Ok(MaintenanceTiming::Recurring(Recurrence {
        schedule,
        duration,
        timezone,
        from: draft.from,
        until: draft.until,
    }))
}

#[cfg(test)]
#[path = "spec_tests.rs"]
mod tests;
