//! A site's `alerts`: its own alert settings on the wire, parsed into the domain's
//! `AlertPolicy` (every field optional; config's `alerts.*` and the channels marked `default`
//! fill in the rest). Errors name the field under `alerts.`.

use std::num::NonZeroU32;

use lookout_domain::alerting::{AlertPolicy, ChannelId, Escalation};
use serde::{Deserialize, Serialize};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};

use super::JsonObject;
use crate::ApiError;

/// A site's own alert settings; every field optional. Left-out fields (or `null`) take the
/// defaults from configuration (`alerts.*`); no `channels` means the channels marked `default`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AlertPolicyBody {
    /// Channels told when an incident opens and resolves (ids; at most 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_items = 50)]
    channels: Option<Vec<ChannelIdBody>>,
    /// Consecutive failed checks that open an incident (1..=1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 1000)]
    failure_threshold: Option<i64>,
    /// Consecutive successful checks that resolve it (1..=1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 1000)]
    success_threshold: Option<i64>,
    /// After a failure, check again this many seconds later instead of a whole interval
    /// (1..=604800).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 604800)]
    confirm_after_secs: Option<i64>,
    /// Remind every this many seconds while the incident is open and not acknowledged: 0 (no
    /// reminders) or 60..=604800.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 604800)]
    reminder_every_secs: Option<i64>,
    /// Most reminders for one incident (0..=1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 1000)]
    max_reminders: Option<i64>,
    /// Steps that tell more channels when the incident stays open and unacknowledged (at
    /// most 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_items = 10, value_type = Option<Vec<EscalationBody>>)]
    escalate: Option<Vec<JsonObject<EscalationBody>>>,
}

/// One escalation step.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EscalationBody {
    /// Seconds the incident has been open (1..=604800).
    #[schema(minimum = 1, maximum = 604800)]
    after_secs: i64,
    /// Channels told at this step (ids; 1 to 50).
    #[schema(min_items = 1, max_items = 50)]
    channels: Vec<ChannelIdBody>,
}

/// A channel id: a positive integer.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct ChannelIdBody(i64);

/// By hand: the derive cannot put a minimum on a newtype.
impl utoipa::PartialSchema for ChannelIdBody {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .minimum(Some(1))
            .description(Some("A channel id: a positive integer."))
            .into()
    }
}

impl utoipa::ToSchema for ChannelIdBody {}

impl AlertPolicyBody {
    /// Parses every field and checks the ranges (`AlertPolicy::validate`).
    pub(crate) fn try_into_domain(self) -> Result<AlertPolicy, ApiError> {
        let policy = AlertPolicy {
            channels: self.channels.map(|ids| channel_ids("alerts.channels", ids)).transpose()?,
            failure_threshold: threshold("alerts.failure_threshold", self.failure_threshold)?,
            success_threshold: threshold("alerts.success_threshold", self.success_threshold)?,
            confirm_after_secs: seconds("alerts.confirm_after_secs", self.confirm_after_secs)?,
            reminder_every_secs: seconds("alerts.reminder_every_secs", self.reminder_every_secs)?,
            max_reminders: self
                .max_reminders
                .map(|n| {
                    u32::try_from(n).map_err(|_| {
                        ApiError::validation("alerts.max_reminders", "must be between 0 and 1000")
                    })
                })
                .transpose()?,
            escalate: self
                .escalate
                .map(|steps| {
                    steps
                        .into_iter()
                        .enumerate()
                        .map(|(i, step)| step.0.try_into_domain(i))
                        .collect::<Result<Vec<_>, _>>()
                })
                .transpose()?,
        };
        policy.validate("alerts").map_err(|e| ApiError::validation(e.field, e.message))?;
        Ok(policy)
    }
}

impl EscalationBody {
    fn try_into_domain(self, index: usize) -> Result<Escalation, ApiError> {
        let field = |name: &str| format!("alerts.escalate[{index}].{name}");
        let after_secs = u64::try_from(self.after_secs).map_err(|_| {
            ApiError::validation(field("after_secs"), "must be between 1 and 604800")
        })?;
        Ok(Escalation { after_secs, channels: channel_ids(&field("channels"), self.channels)? })
    }
}

fn channel_ids(field: &str, raw: Vec<ChannelIdBody>) -> Result<Vec<ChannelId>, ApiError> {
    raw.into_iter()
        .map(|ChannelIdBody(id)| ChannelId::new(id).map_err(|e| ApiError::validation(field, e)))
        .collect()
}

/// A threshold: 0 (or less) is refused here, above 1000 by `AlertPolicy::validate`.
fn threshold(field: &'static str, raw: Option<i64>) -> Result<Option<NonZeroU32>, ApiError> {
    raw.map(|n| {
        u32::try_from(n).ok().and_then(NonZeroU32::new).ok_or_else(|| {
            ApiError::validation(field, format!("{field} must be between 1 and 1000, got {n}"))
        })
    })
    .transpose()
}

/// A number of seconds: negative is refused here, the range by `AlertPolicy::validate`.
fn seconds(field: &'static str, raw: Option<i64>) -> Result<Option<u64>, ApiError> {
    raw.map(|n| {
        u64::try_from(n).map_err(|_| {
            ApiError::validation(field, format!("{field} must not be negative, got {n}"))
        })
    })
    .transpose()
}

impl From<&AlertPolicy> for AlertPolicyBody {
    fn from(policy: &AlertPolicy) -> Self {
        let ids = |ids: &[ChannelId]| ids.iter().map(|id| ChannelIdBody(id.get())).collect();
        let wide = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        Self {
            channels: policy.channels.as_deref().map(ids),
            failure_threshold: policy.failure_threshold.map(|n| i64::from(n.get())),
            success_threshold: policy.success_threshold.map(|n| i64::from(n.get())),
            confirm_after_secs: policy.confirm_after_secs.map(wide),
            reminder_every_secs: policy.reminder_every_secs.map(wide),
            max_reminders: policy.max_reminders.map(i64::from),
            escalate: policy.escalate.as_ref().map(|steps| {
                steps
                    .iter()
                    .map(|step| {
                        JsonObject(EscalationBody {
                            after_secs: wide(step.after_secs),
                            channels: ids(&step.channels),
                        })
                    })
                    .collect()
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn parse(value: serde_json::Value) -> Result<AlertPolicy, String> {
        let body: AlertPolicyBody = serde_json::from_value(value).map_err(|e| e.to_string())?;
        body.try_into_domain().map_err(|e| e.field().unwrap_or_default().to_owned())
    }

    #[test]
    fn every_field_round_trips() {
        let sent = json!({ "channels": [1, 2], "failure_threshold": 3, "success_threshold": 2,
            "confirm_after_secs": 30, "reminder_every_secs": 0, "max_reminders": 5,
            "escalate": [{ "after_secs": 1800, "channels": [3] }] });
        let policy = parse(sent.clone()).unwrap();
        assert_eq!(serde_json::to_value(AlertPolicyBody::from(&policy)).unwrap(), sent);
        let empty = parse(json!({})).unwrap();
        assert_eq!(empty, AlertPolicy::default());
        assert_eq!(serde_json::to_value(AlertPolicyBody::from(&empty)).unwrap(), json!({}));
    }

    #[test]
    fn bad_fields_are_named() {
        let cases = [
            (json!({ "failure_threshold": 0 }), "alerts.failure_threshold"),
            (json!({ "success_threshold": 0 }), "alerts.success_threshold"),
            (json!({ "failure_threshold": 1001 }), "alerts.failure_threshold"),
            (json!({ "channels": [1, 0] }), "alerts.channels"),
            (json!({ "confirm_after_secs": -1 }), "alerts.confirm_after_secs"),
            (json!({ "confirm_after_secs": 0 }), "alerts.confirm_after_secs"),
            (json!({ "reminder_every_secs": 10 }), "alerts.reminder_every_secs"),
            (json!({ "max_reminders": -1 }), "alerts.max_reminders"),
            (
                json!({ "escalate": [{ "after_secs": 0, "channels": [1] }] }),
                "alerts.escalate[0].after_secs",
            ),
            (
                json!({ "escalate": [{ "after_secs": 5, "channels": [-1] }] }),
                "alerts.escalate[0].channels",
            ),
            (
                json!({ "escalate": [{ "after_secs": 5, "channels": [] }] }),
                "alerts.escalate[0].channels",
            ),
        ];
        for (body, field) in cases {
            assert_eq!(parse(body.clone()).unwrap_err(), field, "{body}");
        }
        assert!(parse(json!({ "colour": 1 })).is_err(), "unknown fields are refused");
        let array = json!({ "escalate": [[60, [1]]] });
        assert!(parse(array).is_err(), "a step is an object, not its fields in order");
    }
}
