//! Wire shapes of the API and their conversion into domain values (parse once, here): websites
//! here, their alert settings, channels, incidents and deliveries in the submodules.

mod alert_policy;
mod channel;
mod channel_config;
mod check_settings;
mod incident;
mod maintenance;
mod plan;
mod plan_shown;
mod regions;
mod status_page;

use lookout_domain::checks::{CheckSpec, RequestOptions};
use lookout_domain::{
    CheckInterval, IntervalBounds, NewWebsite, Website, WebsiteId, WebsiteName, WebsitePatch,
    WebsiteUrl,
};
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize};
use time::OffsetDateTime;

pub(crate) use self::alert_policy::{AlertPolicyBody, ChannelIdBody};
pub(crate) use self::channel::{
    ChannelKindBody, ChannelResponse, CreateChannelRequest, PatchChannelRequest,
    TestDeliveryResponse, parse_channel_id,
};
pub(crate) use self::channel_config::ChannelConfigBody;
pub(crate) use self::check_settings::{AssertionBody, RequestBody};
use self::check_settings::{parse_assertions, parse_degraded_above};
pub(crate) use self::incident::{
    DeliveryResponse, DeliveryStatusBody, IncidentResponse, IncidentState, parse_delivery_id,
    parse_incident_id,
};
pub(crate) use self::maintenance::{
    MaintenanceModeBody, MaintenanceRequest, MaintenanceResponse, parse_maintenance_id,
};
pub(crate) use self::plan::PlanResponse;
pub(crate) use self::regions::QuorumBody;
use self::regions::{parse_quorum, parse_region_names, parse_site_regions, region_names};
pub(crate) use self::status_page::{StatusPageRequest, StatusPageResponse};
use crate::ApiError;

/// A website as the API returns it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct WebsiteResponse {
    id: i64,
    /// The URL exactly as the client gave it (duplicates are found on its normalised form:
    /// lower-case scheme and host, punycode, `/` for an empty path).
    url: String,
    name: String,
    enabled: bool,
    check_interval: u32,
    /// The site's own alert settings; `null` when it has none (the defaults from configuration
    /// and the channels marked `default` apply).
    alerts: Option<AlertPolicyBody>,
    /// How the site is asked; `null`: a plain GET.
    request: Option<RequestBody>,
    /// What the answer must show, in order (`[]`: up on 2xx–3xx).
    assertions: Vec<AssertionBody>,
    /// Slower than this (ms), an available check counts as degraded; `null`: never.
    degraded_above_ms: Option<u64>,
    /// Its badges (`/badge/{id}/...`) are served to anyone; a site on a status page's are too.
    public: bool,
    /// The regions it is checked from, each once per interval (`[]`: any one region).
    regions: Vec<String>,
    /// How many of the regions must see it down for it to count as down.
    quorum: QuorumBody,
    /// The document that manages the site (`file:<name>`); `null` for a site made through the
    /// API or the pages. Edits and deletions of a managed site answer 409 `managed_by_file`
    /// unless `?force=true`.
    managed_by: Option<String>,
    /// The site's key in that document; `null` when no document manages it.
    key: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    updated_at: OffsetDateTime,
}

/// The `managed_by` and `key` of an item's response: the document that manages the item
/// (`file:<name>`) and the item's key in it; both `None` when no document manages it.
pub(crate) fn managed_fields(
    managed: Option<&lookout_domain::manifest::Managed>,
) -> (Option<String>, Option<String>) {
    (managed.map(|m| m.by.to_string()), managed.map(|m| m.key.to_string()))
}

impl From<Website> for WebsiteResponse {
    fn from(website: Website) -> Self {
        let (managed_by, key) = managed_fields(website.managed.as_ref());
        Self {
            id: website.id.get(),
            url: website.url.given().to_owned(),
            name: website.name.as_str().to_owned(),
            enabled: website.enabled,
            check_interval: website.check_interval.secs(),
            alerts: website.alerts.as_ref().map(AlertPolicyBody::from),
            request: RequestBody::answer(&website.check.request),
            assertions: website.check.assertions.iter().map(AssertionBody::from).collect(),
            degraded_above_ms: website
                .check
                .degraded_above
                .map(|limit| u64::try_from(limit.as_millis()).unwrap_or(u64::MAX)),
            public: website.public,
            regions: region_names(&website.regions),
            quorum: website.regions.quorum().into(),
            managed_by,
            key,
            created_at: website.created_at,
            updated_at: website.updated_at,
        }
    }
}

/// Body of `POST /api/websites`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateWebsiteRequest {
    /// An absolute http or https URL, at most 2048 characters; answered exactly as sent.
    #[schema(max_length = 2048, pattern = "^[Hh][Tt][Tt][Pp][Ss]?://")]
    url: String,
    /// 1–200 characters, trimmed.
    #[schema(min_length = 1, max_length = 200)]
    name: String,
    /// Default `true`.
    #[serde(default)]
    enabled: Option<bool>,
    /// Seconds between checks, within the server's `monitor.min_interval_secs` …
    /// `monitor.max_interval_secs` (defaults 10 … 86400); default `monitor.default_interval_secs`.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 86400)]
    check_interval: Option<i64>,
    /// The site's own alert settings (left out or `null`: none).
    #[serde(default)]
    #[schema(value_type = Option<AlertPolicyBody>)]
    alerts: Option<JsonObject<AlertPolicyBody>>,
    /// How the site is asked (left out or `null`: a plain GET).
    #[serde(default)]
    #[schema(value_type = Option<RequestBody>)]
    request: Option<JsonObject<RequestBody>>,
    /// At most 20 assertions, judged in order.
    #[serde(default)]
    assertions: Option<Vec<AssertionBody>>,
    /// 1–600000 ms: slower than this, an available check counts as degraded.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 600000)]
    degraded_above_ms: Option<i64>,
    /// Serve the site's badges to anyone (default `false`).
    #[serde(default)]
    public: Option<bool>,
    /// The regions to check from, each once per interval (left out, `null` or `[]`: any one
    /// region). A name no node has yet is accepted (its region shows `no_nodes`).
    #[serde(default)]
    #[schema(max_items = 16)]
    regions: Option<Vec<String>>,
    /// How many of `regions` must see the site down (default `majority`).
    #[serde(default)]
    #[schema(value_type = Option<QuorumBody>)]
    quorum: Option<serde_json::Value>,
}

impl CreateWebsiteRequest {
    pub(crate) fn try_into_domain(self, bounds: IntervalBounds) -> Result<NewWebsite, ApiError> {
        Ok(NewWebsite {
            url: parse_url(&self.url)?,
            name: parse_name(&self.name)?,
            enabled: self.enabled.unwrap_or(true),
            check_interval: match self.check_interval {
                Some(secs) => parse_interval(secs, bounds)?,
                None => bounds.default_interval(),
            },
            alerts: self.alerts.map(|alerts| alerts.0.try_into_domain()).transpose()?,
            check: CheckSpec {
                request: match self.request {
                    Some(request) => request.0.try_into_domain()?,
                    None => RequestOptions::default(),
                },
                assertions: parse_assertions(self.assertions.unwrap_or_default())?,
                degraded_above: self.degraded_above_ms.map(parse_degraded_above).transpose()?,
            },
            public: self.public.unwrap_or(false),
            regions: parse_site_regions(self.regions.as_deref(), self.quorum.as_ref())?,
        })
    }
}

/// Body of `PATCH /api/websites/{id}`: every field optional, none may be `null` but `alerts`
/// (`null` removes the site's own alert settings).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PatchWebsiteRequest {
    /// An absolute http or https URL, at most 2048 characters. May not be `null`.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, nullable = false, max_length = 2048, pattern = "^[Hh][Tt][Tt][Pp][Ss]?://")]
    url: Option<Option<String>>,
    /// 1–200 characters. May not be `null`.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, nullable = false, min_length = 1, max_length = 200)]
    name: Option<Option<String>>,
    /// May not be `null`.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<bool>, nullable = false)]
    enabled: Option<Option<bool>>,
    /// Seconds between checks, within the server's bounds. May not be `null`.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>, nullable = false, minimum = 1, maximum = 86400)]
    check_interval: Option<Option<i64>>,
    /// Replaces the site's own alert settings as a whole; `null` removes them.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<AlertPolicyBody>)]
    alerts: Option<Option<JsonObject<AlertPolicyBody>>>,
    /// Replaces the request options as a whole; `null`: back to a plain GET.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<RequestBody>)]
    request: Option<Option<JsonObject<RequestBody>>>,
    /// Replaces the assertions as a whole; `null` or `[]`: none.
    #[serde(default, deserialize_with = "present")]
    assertions: Option<Option<Vec<AssertionBody>>>,
    /// `null` removes the limit.
    #[serde(default, deserialize_with = "present")]
    degraded_above_ms: Option<Option<i64>>,
    /// Serve the site's badges to anyone. May not be `null`.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<bool>, nullable = false)]
    public: Option<Option<bool>>,
    /// Replaces the regions (`null` or `[]`: any one region; the quorum then goes back to
    /// `majority`). A quorum that no longer fits the new regions goes back to `majority`.
    #[serde(default, deserialize_with = "present")]
    #[schema(max_items = 16)]
    regions: Option<Option<Vec<String>>>,
    /// `null`: back to `majority`.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<QuorumBody>)]
    quorum: Option<Option<serde_json::Value>>,
}

/// A JSON object read as `T`. serde reads a struct from an array too (its fields in order), so
/// `[]` would pass for a body whose fields are all optional; this takes objects only.
#[derive(Debug)]
pub(crate) struct JsonObject<T>(pub(crate) T);

impl<'de, T: DeserializeOwned> Deserialize<'de> for JsonObject<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let object = serde_json::Map::<String, serde_json::Value>::deserialize(deserializer)?;
        T::deserialize(serde_json::Value::Object(object)).map(Self).map_err(D::Error::custom)
    }
}

impl<T: Serialize> Serialize for JsonObject<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<T> JsonObject<T> {
    pub(crate) fn into_inner(self) -> T {
        self.0
    }
}

/// Tells a field given as `null` (`Some(None)`) from a field left out (`None`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// A patch field: left out → `None`; `null` → 422; a value → parsed.
fn patch_field<T, U>(
    field: &'static str,
    value: Option<Option<T>>,
    parse: impl FnOnce(T) -> Result<U, ApiError>,
) -> Result<Option<U>, ApiError> {
    match value {
        None => Ok(None),
        Some(None) => Err(ApiError::validation(field, format!("{field} must not be null"))),
        Some(Some(value)) => parse(value).map(Some),
    }
}

impl PatchWebsiteRequest {
    pub(crate) fn try_into_domain(self, bounds: IntervalBounds) -> Result<WebsitePatch, ApiError> {
        Ok(WebsitePatch {
            url: patch_field("url", self.url, |raw| parse_url(&raw))?,
            name: patch_field("name", self.name, |raw| parse_name(&raw))?,
            enabled: patch_field("enabled", self.enabled, Ok)?,
            check_interval: patch_field("check_interval", self.check_interval, |secs| {
                parse_interval(secs, bounds)
            })?,
            alerts: self
                .alerts
                .map(|alerts| alerts.map(|alerts| alerts.0.try_into_domain()).transpose())
                .transpose()?,
            request: self
                .request
                .map(|request| match request {
                    Some(request) => request.0.try_into_domain(),
                    None => Ok(RequestOptions::default()),
                })
                .transpose()?,
            assertions: self
                .assertions
                .map(|assertions| parse_assertions(assertions.unwrap_or_default()))
                .transpose()?,
            degraded_above: self
                .degraded_above_ms
                .map(|ms| ms.map(parse_degraded_above).transpose())
                .transpose()?,
            public: patch_field("public", self.public, Ok)?,
            regions: self
                .regions
                .map(|names| parse_region_names(&names.unwrap_or_default()))
                .transpose()?,
            quorum: self
                .quorum
                .map(|quorum| quorum.as_ref().map_or(Ok(Default::default()), parse_quorum))
                .transpose()?,
        })
    }
}

fn parse_url(raw: &str) -> Result<WebsiteUrl, ApiError> {
    WebsiteUrl::parse(raw).map_err(|e| ApiError::validation("url", e))
}

fn parse_name(raw: &str) -> Result<WebsiteName, ApiError> {
    WebsiteName::parse(raw).map_err(|e| ApiError::validation("name", e))
}

fn parse_interval(secs: i64, bounds: IntervalBounds) -> Result<CheckInterval, ApiError> {
    CheckInterval::new(secs, bounds).map_err(|e| ApiError::validation("check_interval", e))
}

/// The `{id}` path segment: anything that is not a positive 64-bit integer names no website.
pub(crate) fn parse_website_id(raw: &str) -> Result<WebsiteId, ApiError> {
    raw.parse::<i64>()
        .ok()
        .and_then(|id| WebsiteId::new(id).ok())
        .ok_or_else(|| ApiError::website_not_found(raw))
}
