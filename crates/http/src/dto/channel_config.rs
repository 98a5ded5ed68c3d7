//! A channel's `config` on the wire, one shape per kind, parsed once into the domain's
//! `ChannelConfig` (errors name the field: `config.url`, `config.to[1]`,
//! `config.headers.X-Foo`), and shown back with every secret as `"***"`. A secret sent back as
//! `"***"` stands for the value already stored.

use std::collections::BTreeMap;

use lookout_domain::WebsiteUrl;
use lookout_domain::alerting::{
    ChannelConfig, ChannelKind, EmailAddress, Header, MASK, MAX_HEADERS, MAX_RECIPIENTS,
    MAX_TEMPLATE_BYTES, Secret, TemplateMethod, parse_header,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::ApiError;

/// Longest signing secret, in bytes.
const MAX_SECRET_BYTES: usize = 1024;
/// Longest template content type, in bytes.
const MAX_CONTENT_TYPE_BYTES: usize = 255;
/// The content type of a template that names none.
const DEFAULT_CONTENT_TYPE: &str = "application/json";

/// `webhook`: the event JSON is POSTed to `url`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct WebhookConfigBody {
    /// http(s) URL; private addresses are refused unless `probe.allow_private`.
    url: String,
    /// Signs each request (`X-Lookout-Signature: t=<unix>,v1=<hex HMAC-SHA256>`). Shown as
    /// `"***"`; send `"***"` to keep the stored one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
    /// Extra request headers, name → value (at most 20). Values are shown as `"***"`; send
    /// `"***"` to keep a stored value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    headers: Option<BTreeMap<String, String>>,
}

/// `slack`: a message to an incoming webhook.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SlackConfigBody {
    /// The incoming webhook's URL. Shown as `"***"`; send `"***"` to keep the stored one.
    webhook_url: String,
}

/// `email`: a mail to each recipient, through the SMTP server in configuration.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EmailConfigBody {
    /// Recipients (1 to 50), e.g. `ops@example.com`.
    #[schema(min_items = 1, max_items = 50)]
    to: Vec<String>,
}

/// `template`: a request rendered from `body_template` (minijinja) over the event.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TemplateConfigBody {
    /// http(s) URL; private addresses are refused unless `probe.allow_private`.
    url: String,
    /// `POST` (default), `PUT` or `PATCH`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    method: Option<String>,
    /// Extra request headers, name → value (at most 20). Values are shown as `"***"`; send
    /// `"***"` to keep a stored value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    headers: Option<BTreeMap<String, String>>,
    /// Default `application/json`; the rendered body of a JSON type must parse as JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    content_type: Option<String>,
    /// The body, a minijinja template over the event (at most 64 KiB); rendered against a
    /// sample event when saved.
    body_template: String,
}

/// A channel's configuration: its shape depends on the channel's `kind`. The most specific
/// shape comes first: generated clients try them in order and take the first that reads.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub(crate) enum ChannelConfigBody {
    Template(TemplateConfigBody),
    Email(EmailConfigBody),
    Slack(SlackConfigBody),
    Webhook(WebhookConfigBody),
}

/// Parses `raw` as the config of a `kind` channel. `stored` is the channel's current config
/// (on PATCH): its secrets stand in for `"***"`.
pub(crate) fn parse_config(
    kind: ChannelKind,
    raw: serde_json::Value,
    stored: Option<&ChannelConfig>,
) -> Result<ChannelConfig, ApiError> {
    parse_with(kind, raw, Masks::Stored(stored))
}

/// Parses `raw` as the config of a `kind` channel a document declares: `"***"` is kept as it
/// is, for the plan to take the stored secret it stands for.
pub(crate) fn parse_declared_config(
    kind: ChannelKind,
    raw: serde_json::Value,
) -> Result<ChannelConfig, ApiError> {
    parse_with(kind, raw, Masks::Kept)
}

/// What a secret sent as `"***"` becomes.
#[derive(Clone, Copy)]
enum Masks<'a> {
    /// The stored channel's secret (there is none on POST: an error).
    Stored(Option<&'a ChannelConfig>),
    /// `"***"` itself.
    Kept,
}

fn parse_with(
    kind: ChannelKind,
    raw: serde_json::Value,
    masks: Masks<'_>,
) -> Result<ChannelConfig, ApiError> {
    let stored = match masks {
        Masks::Stored(stored) => stored,
        Masks::Kept => None,
    };
    match kind {
        ChannelKind::Webhook => {
            let body: WebhookConfigBody = shape(raw)?;
            let url = url("config.url", &body.url)?;
            let (stored_secret, stored_headers) = match stored {
                Some(ChannelConfig::Webhook { secret, headers, .. }) => {
                    (secret.as_ref(), headers.as_slice())
                }
                _ => (None, &[][..]),
            };
            let secret = body
                .secret
                .map(|raw| match raw.as_str() {
                    MASK => kept(masks, "config.secret", stored_secret),
                    "" => Err(ApiError::validation(
                        "config.secret",
                        "secret must not be empty; leave it out to send unsigned requests",
                    )),
                    _ if raw.len() > MAX_SECRET_BYTES => Err(ApiError::validation(
                        "config.secret",
                        format!("secret must be at most {MAX_SECRET_BYTES} bytes"),
                    )),
                    _ => Ok(Secret::new(raw)),
                })
                .transpose()?;
            Ok(ChannelConfig::Webhook {
                url,
                secret,
                headers: headers(masks, body.headers, stored_headers)?,
            })
        }
        ChannelKind::Slack => {
            let body: SlackConfigBody = shape(raw)?;
            let stored = match stored {
                Some(ChannelConfig::Slack { webhook_url }) => Some(webhook_url),
                _ => None,
            };
            let webhook_url = match body.webhook_url.as_str() {
                MASK => kept(masks, "config.webhook_url", stored)?,
                raw => Secret::new(url("config.webhook_url", raw)?.as_str()),
            };
            Ok(ChannelConfig::Slack { webhook_url })
        }
        ChannelKind::Email => {
            let body: EmailConfigBody = shape(raw)?;
            if body.to.is_empty() || body.to.len() > MAX_RECIPIENTS {
                return Err(ApiError::validation(
                    "config.to",
                    format!("to must list between 1 and {MAX_RECIPIENTS} addresses"),
                ));
            }
            let to = body
                .to
                .iter()
                .enumerate()
                .map(|(i, raw)| {
                    EmailAddress::parse(raw)
                        .map_err(|e| ApiError::validation(format!("config.to[{i}]"), e))
                })
                .collect::<Result<_, _>>()?;
            Ok(ChannelConfig::Email { to })
        }
        ChannelKind::Template => {
            let body: TemplateConfigBody = shape(raw)?;
            let stored_headers = match stored {
                Some(ChannelConfig::Template { headers, .. }) => headers.as_slice(),
                _ => &[],
            };
            let method = match body.method.as_deref() {
                None => TemplateMethod::Post,
                Some(raw) => TemplateMethod::parse(raw).ok_or_else(|| {
                    ApiError::validation("config.method", "method must be POST, PUT or PATCH")
                })?,
            };
            Ok(ChannelConfig::Template {
                url: url("config.url", &body.url)?,
                method,
                headers: headers(masks, body.headers, stored_headers)?,
                content_type: content_type(body.content_type)?,
                body_template: body_template(body.body_template)?,
            })
        }
    }
}

/// The JSON shape of one kind's config; a wrong shape (unknown or missing field, wrong type)
/// names `config`.
fn shape<T: DeserializeOwned>(raw: serde_json::Value) -> Result<T, ApiError> {
    // serde reads a struct from an array too (its fields in order): objects only.
    if !raw.is_object() {
        return Err(ApiError::validation("config", "config must be an object"));
    }
    serde_json::from_value(raw).map_err(|e| ApiError::validation("config", format!("config: {e}")))
}

/// The stored secret `"***"` stands for.
fn kept(masks: Masks<'_>, field: &str, stored: Option<&Secret>) -> Result<Secret, ApiError> {
    if let Masks::Kept = masks {
        return Ok(Secret::new(MASK));
    }
    stored.cloned().ok_or_else(|| {
        ApiError::validation(
            field,
            format!("{MASK} stands for the stored value, but there is none: send the value itself"),
        )
    })
}

fn url(field: &'static str, raw: &str) -> Result<WebsiteUrl, ApiError> {
    WebsiteUrl::parse(raw).map_err(|e| ApiError::validation(field, e))
}

/// Headers by name (at most `MAX_HEADERS`, names unique regardless of case); `"***"` keeps
/// the stored value of the header of that name.
fn headers(
    masks: Masks<'_>,
    raw: Option<BTreeMap<String, String>>,
    stored: &[Header],
) -> Result<Vec<Header>, ApiError> {
    let raw = raw.unwrap_or_default();
    if raw.len() > MAX_HEADERS {
        return Err(ApiError::validation(
            "config.headers",
            format!("at most {MAX_HEADERS} headers"),
        ));
    }
    let mut parsed: Vec<Header> = Vec::with_capacity(raw.len());
    for (name, value) in raw {
        let field = format!("config.headers.{name}");
        if parsed.iter().any(|h| h.name.eq_ignore_ascii_case(&name)) {
            return Err(ApiError::validation(field, format!("header {name} is given twice")));
        }
        let header = if value == MASK {
            let stored = stored.iter().find(|h| h.name.eq_ignore_ascii_case(&name));
            let value = kept(masks, &field, stored.map(|h| &h.value))?;
            parse_header(&name, value.expose())
        } else {
            parse_header(&name, &value)
        };
        parsed.push(header.map_err(|e| ApiError::validation(field, e))?);
    }
    Ok(parsed)
}

fn content_type(raw: Option<String>) -> Result<String, ApiError> {
    let Some(raw) = raw else { return Ok(DEFAULT_CONTENT_TYPE.to_owned()) };
    let trimmed = raw.trim();
    let valid = trimmed.len() <= MAX_CONTENT_TYPE_BYTES
        && trimmed.split(';').next().is_some_and(|essence| {
            essence.trim().split_once('/').is_some_and(|(kind, sub)| {
                !kind.is_empty() && !sub.is_empty() && !kind.contains(' ') && !sub.contains(' ')
            })
        })
        && !trimmed.chars().any(char::is_control);
    if !valid {
        return Err(ApiError::validation(
            "config.content_type",
            "content_type must be a media type such as application/json",
        ));
    }
    Ok(trimmed.to_owned())
}

fn body_template(raw: String) -> Result<String, ApiError> {
    if raw.trim().is_empty() {
        return Err(ApiError::validation(
            "config.body_template",
            "body_template must not be empty",
        ));
    }
    if raw.len() > MAX_TEMPLATE_BYTES {
        return Err(ApiError::validation(
            "config.body_template",
            format!("body_template must be at most {MAX_TEMPLATE_BYTES} bytes"),
        ));
    }
    Ok(raw)
}

/// Every header, its value masked.
fn masked_headers(headers: &[Header]) -> BTreeMap<String, String> {
    headers.iter().map(|h| (h.name.clone(), MASK.to_owned())).collect()
}

impl From<&ChannelConfig> for ChannelConfigBody {
    /// The config as shown: every secret `"***"`.
    fn from(config: &ChannelConfig) -> Self {
        match config {
            ChannelConfig::Webhook { url, secret, headers } => Self::Webhook(WebhookConfigBody {
                url: url.as_str().to_owned(),
                secret: secret.as_ref().map(|_| MASK.to_owned()),
                headers: Some(masked_headers(headers)),
            }),
            ChannelConfig::Slack { .. } => {
                Self::Slack(SlackConfigBody { webhook_url: MASK.to_owned() })
            }
            ChannelConfig::Email { to } => Self::Email(EmailConfigBody {
                to: to.iter().map(|a| a.as_str().to_owned()).collect(),
            }),
            ChannelConfig::Template { url, method, headers, content_type, body_template } => {
                Self::Template(TemplateConfigBody {
                    url: url.as_str().to_owned(),
                    method: Some(method.as_str().to_owned()),
                    headers: Some(masked_headers(headers)),
                    content_type: Some(content_type.clone()),
                    body_template: body_template.clone(),
                })
            }
        }
    }
}

#[cfg(test)]
#[path = "channel_config_tests.rs"]
mod tests;
