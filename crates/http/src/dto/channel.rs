//! Channels on the wire: the bodies of `POST` and `PATCH /api/channels`, parsed into the
//! domain's `NewChannel` and `ChannelPatch`, and the channel as the API shows it (secrets
//! masked).

use lookout_domain::alerting::{
    Channel, ChannelId, ChannelKind, ChannelName, ChannelPatch, NewChannel, SendOutcome,
    TestDelivery,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::channel_config::{ChannelConfigBody, parse_config, parse_declared_config};
use super::{patch_field, present};
use crate::ApiError;

/// What a channel is.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ChannelKindBody {
    Webhook,
    Slack,
    Email,
    Template,
}

impl From<ChannelKind> for ChannelKindBody {
    fn from(kind: ChannelKind) -> Self {
        match kind {
            ChannelKind::Webhook => Self::Webhook,
            ChannelKind::Slack => Self::Slack,
            ChannelKind::Email => Self::Email,
            ChannelKind::Template => Self::Template,
        }
    }
}

/// A channel as the API returns it; secrets (webhook `secret`, Slack `webhook_url`, header
/// values) are shown as `"***"`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct ChannelResponse {
    id: i64,
    name: String,
    kind: ChannelKindBody,
    config: ChannelConfigBody,
    /// Sites whose policy names no channels are alerted through the default channels.
    default: bool,
    /// The document that manages the channel (`file:<name>`); `null` for one made through the
    /// API. Edits and deletions of a managed channel answer 409 `managed_by_file` unless
    /// `?force=true`.
    managed_by: Option<String>,
    /// The channel's key in that document; `null` when no document manages it.
    key: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    updated_at: OffsetDateTime,
}

impl From<Channel> for ChannelResponse {
    fn from(channel: Channel) -> Self {
        let (managed_by, key) = super::managed_fields(channel.managed.as_ref());
        Self {
            id: channel.id.get(),
            name: channel.name.as_str().to_owned(),
            kind: channel.config.kind().into(),
            config: ChannelConfigBody::from(&channel.config),
            default: channel.is_default,
            managed_by,
            key,
            created_at: channel.created_at,
            updated_at: channel.updated_at,
        }
    }
}

/// Body of `POST /api/channels`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateChannelRequest {
    /// 1 to 100 characters.
    name: String,
    #[schema(value_type = ChannelKindBody)]
    kind: String,
    /// The shape for `kind`.
    #[schema(value_type = ChannelConfigBody)]
    config: serde_json::Value,
    /// Default `false`.
    #[serde(default)]
    default: Option<bool>,
}

impl CreateChannelRequest {
    pub(crate) fn try_into_domain(self) -> Result<NewChannel, ApiError> {
        let name = parse_name(&self.name)?;
        let kind = parse_kind(&self.kind)?;
        Ok(NewChannel {
            name,
            config: parse_config(kind, self.config, None)?,
            is_default: self.default.unwrap_or(false),
        })
    }

    /// As a document declares it: secrets given as `"***"` are kept as they are, for the plan
    /// to take the stored values they stand for.
    pub(crate) fn try_into_declared(self) -> Result<NewChannel, ApiError> {
        let name = parse_name(&self.name)?;
        let kind = parse_kind(&self.kind)?;
        Ok(NewChannel {
            name,
            config: parse_declared_config(kind, self.config)?,
            is_default: self.default.unwrap_or(false),
        })
    }
}

/// Body of `PATCH /api/channels/{id}`: any of `name`, `config`, `default`, none `null`. A
/// `config` is complete for the channel's kind (`kind`, when given, must be the stored one);
/// secrets sent as `"***"` keep their stored values.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PatchChannelRequest {
    #[serde(default, deserialize_with = "present")]
    name: Option<Option<String>>,
    /// The stored kind; a channel cannot change its kind.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<ChannelKindBody>)]
    kind: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<ChannelConfigBody>)]
    config: Option<Option<serde_json::Value>>,
    #[serde(default, deserialize_with = "present")]
    default: Option<Option<bool>>,
}

impl PatchChannelRequest {
    /// Whether the stored channel is needed to parse this patch (its kind and secrets).
    pub(crate) fn needs_stored(&self) -> bool {
        self.kind.is_some() || self.config.is_some()
    }

    /// Parses the patch; `stored` is the channel as it is (see [`Self::needs_stored`]).
    pub(crate) fn try_into_domain(
        self,
        stored: Option<&Channel>,
    ) -> Result<ChannelPatch, ApiError> {
        let name = patch_field("name", self.name, |raw| parse_name(&raw))?;
        let sent_kind = patch_field("kind", self.kind, |raw| parse_kind(&raw))?;
        let stored_kind = stored.map(|channel| channel.config.kind());
        if let (Some(sent), Some(stored)) = (sent_kind, stored_kind)
            && sent != stored
        {
            return Err(ApiError::validation(
                "kind",
                format!(
                    "a {} channel cannot become a {} channel; create a new channel instead",
                    stored.as_str(),
                    sent.as_str()
                ),
            ));
        }
        let config = patch_field("config", self.config, |raw| {
            let kind = sent_kind
                .or(stored_kind)
                .ok_or_else(|| ApiError::validation("kind", "kind is needed to read config"))?;
            parse_config(kind, raw, stored.map(|channel| &channel.config))
        })?;
        let is_default = patch_field("default", self.default, Ok)?;
        Ok(ChannelPatch { name, config, is_default })
    }
}

/// Answer of `POST /api/channels/{id}/test`: how the one attempt went.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct TestDeliveryResponse {
    /// The delivery recorded for the test (see `/api/deliveries`).
    delivery_id: i64,
    status: TestStatus,
    /// The receiver's HTTP status, for HTTP channels that answered.
    status_code: Option<u16>,
    /// Why it failed; `null` when delivered.
    error: Option<String>,
}

/// Whether the test event was delivered.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum TestStatus {
    Delivered,
    Failed,
}

impl From<TestDelivery> for TestDeliveryResponse {
    fn from(test: TestDelivery) -> Self {
        let delivery_id = test.delivery.get();
        match test.outcome {
            SendOutcome::Delivered { status_code } => {
                Self { delivery_id, status: TestStatus::Delivered, status_code, error: None }
            }
            SendOutcome::Retry { error, status_code, .. }
            | SendOutcome::Reject { error, status_code } => {
                Self { delivery_id, status: TestStatus::Failed, status_code, error: Some(error) }
            }
        }
    }
}

fn parse_name(raw: &str) -> Result<ChannelName, ApiError> {
    ChannelName::parse(raw).map_err(|e| ApiError::validation("name", e))
}

fn parse_kind(raw: &str) -> Result<ChannelKind, ApiError> {
    ChannelKind::parse(raw).ok_or_else(|| {
        ApiError::validation("kind", "kind must be one of webhook, slack, email, template")
    })
}

/// The `{id}` path segment: anything that is not a positive 64-bit integer names no channel.
pub(crate) fn parse_channel_id(raw: &str) -> Result<ChannelId, ApiError> {
    raw.parse::<i64>()
        .ok()
        .and_then(|id| ChannelId::new(id).ok())
        .ok_or_else(|| ApiError::not_found(format!("channel {raw} not found")))
}
