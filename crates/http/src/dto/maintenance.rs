//! Maintenance windows on the wire: the body of `POST` and `PATCH /api/maintenance` (every
//! field optional on the wire; the domain says what a window needs) and the window as the API
//! shows it, with where it stands now.

use lookout_domain::maintenance::{
    MaintenanceDraft, MaintenanceId, MaintenanceScope, MaintenanceTiming, MaintenanceWindow,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{patch_field, present};
use crate::ApiError;
use crate::handlers::history_query::instant;

/// What a window does to its sites.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum MaintenanceModeBody {
    /// Checks go on (marked `in_maintenance`), no alerts, the time is left out of uptime.
    Silence,
    /// No checks.
    Pause,
}

/// Body of `POST /api/maintenance` and `PATCH /api/maintenance/{id}`. One-off: `starts_at`
/// and `ends_at`. Recurring: `schedule` (five-field cron: minute hour day-of-month month
/// day-of-week, or `@daily`, `@weekly`, ...), `duration_secs`, `timezone` (IANA, default UTC),
/// optionally `from`/`until`. Either `websites` or `"all": true`. In a `PATCH` every field is
/// optional (none `null`); timing fields of the other kind replace the stored timing.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MaintenanceRequest {
    /// 1 to 200 characters.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    name: Option<Option<String>>,
    /// The sites it covers (ids).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Vec<i64>>)]
    websites: Option<Option<Vec<i64>>>,
    /// Covers every site (instead of `websites`).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<bool>)]
    all: Option<Option<bool>>,
    /// Default `silence`.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<MaintenanceModeBody>)]
    mode: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, format = DateTime)]
    starts_at: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, format = DateTime)]
    ends_at: Option<Option<String>>,
    /// A cron expression, e.g. `0 2 * * sun`.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    schedule: Option<Option<String>>,
    /// How long each occurrence lasts, 1 to 2,678,400 (31 days).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<u64>, minimum = 1)]
    duration_secs: Option<Option<u64>>,
    /// IANA time zone of the schedule, e.g. `Europe/Berlin` (default `UTC`).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    timezone: Option<Option<String>>,
    /// No occurrence starts before this.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, format = DateTime)]
    from: Option<Option<String>>,
    /// No occurrence starts at or after this.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, format = DateTime)]
    until: Option<Option<String>>,
}

impl MaintenanceRequest {
    /// The fields sent, parsed (timestamps) but not yet checked as a window.
    pub(crate) fn into_draft(self) -> Result<MaintenanceDraft, ApiError> {
        let at = |field: &'static str, raw: Option<Option<String>>| {
            patch_field(field, raw, |raw| {
                instant(field, Some(&raw)).map(|at| at.unwrap_or(OffsetDateTime::UNIX_EPOCH))
            })
        };
        Ok(MaintenanceDraft {
            name: patch_field("name", self.name, Ok)?,
            websites: patch_field("websites", self.websites, Ok)?,
            all: patch_field("all", self.all, Ok)?,
            mode: patch_field("mode", self.mode, Ok)?,
            starts_at: at("starts_at", self.starts_at)?,
            ends_at: at("ends_at", self.ends_at)?,
            schedule: patch_field("schedule", self.schedule, Ok)?,
            duration_secs: patch_field("duration_secs", self.duration_secs, Ok)?,
            timezone: patch_field("timezone", self.timezone, Ok)?,
            from: at("from", self.from)?,
            until: at("until", self.until)?,
        })
    }
}

/// A maintenance window as the API returns it; fields of the other kind of timing are `null`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct MaintenanceResponse {
    id: i64,
    name: String,
    mode: MaintenanceModeBody,
    /// Covers every site.
    all: bool,
    /// The sites it covers (empty when `all`).
    websites: Vec<i64>,
    #[serde(with = "time::serde::rfc3339::option")]
    starts_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    ends_at: Option<OffsetDateTime>,
    schedule: Option<String>,
    duration_secs: Option<u64>,
    timezone: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    from: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    until: Option<OffsetDateTime>,
    /// An occurrence is going on now.
    active: bool,
    /// When the occurrence going on ends.
    #[serde(with = "time::serde::rfc3339::option")]
    active_until: Option<OffsetDateTime>,
    /// When the next occurrence starts (within a year for a recurring window).
    #[serde(with = "time::serde::rfc3339::option")]
    next_starts_at: Option<OffsetDateTime>,
    /// The document that manages the window (`file:<name>`); `null` for one made through the
    /// API. Edits and deletions of a managed window answer 409 `managed_by_file` unless
    /// `?force=true`.
    managed_by: Option<String>,
    /// The window's key in that document; `null` when no document manages it.
    key: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    updated_at: OffsetDateTime,
}

impl MaintenanceResponse {
    /// `window` as seen at `now`.
    pub(crate) fn at(window: MaintenanceWindow, now: OffsetDateTime) -> Self {
        let outlook = window.spec.timing.outlook(now);
        let spec = window.spec;
        let draft = MaintenanceDraft::from(&spec);
        let (all, websites) = match spec.scope {
            MaintenanceScope::All => (true, Vec::new()),
            MaintenanceScope::Websites(ids) => (false, ids.iter().map(|id| id.get()).collect()),
        };
        let mode = match spec.mode {
            lookout_domain::maintenance::MaintenanceMode::Silence => MaintenanceModeBody::Silence,
            lookout_domain::maintenance::MaintenanceMode::Pause => MaintenanceModeBody::Pause,
        };
        let recurring = matches!(spec.timing, MaintenanceTiming::Recurring(_));
        let (managed_by, key) = super::managed_fields(window.managed.as_ref());
        Self {
            id: window.id.get(),
            name: spec.name,
            mode,
            all,
            websites,
            starts_at: draft.starts_at,
            ends_at: draft.ends_at,
            schedule: draft.schedule,
            duration_secs: draft.duration_secs,
            timezone: draft.timezone,
            from: draft.from.filter(|_| recurring),
            until: draft.until.filter(|_| recurring),
            active: outlook.active_until.is_some(),
            active_until: outlook.active_until,
            next_starts_at: outlook.next_start,
            managed_by,
            key,
            created_at: window.created_at,
            updated_at: window.updated_at,
        }
    }
}

/// The `{id}` path segment: anything that is not a positive 64-bit integer names no window.
pub(crate) fn parse_maintenance_id(raw: &str) -> Result<MaintenanceId, ApiError> {
    raw.parse::<i64>()
        .ok()
        .and_then(|id| MaintenanceId::new(id).ok())
        .ok_or_else(|| ApiError::not_found(format!("maintenance window {raw:?} not found")))
}
