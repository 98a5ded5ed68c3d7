//! Notification channels: where events go (a webhook, Slack, email, a templated request).
//! Values are parsed once; secrets are kept apart so they are never shown or logged.

use std::fmt;

use time::OffsetDateTime;

use super::ChannelId;
use crate::WebsiteUrl;
use crate::manifest::Managed;
use crate::website::AddressPolicy;

/// Longest channel name, in characters.
pub const MAX_CHANNEL_NAME_CHARS: usize = 100;
/// Most extra headers one channel may send.
pub const MAX_HEADERS: usize = 20;
/// Most recipients of one email channel.
pub const MAX_RECIPIENTS: usize = 50;
/// Longest body template, in bytes.
pub const MAX_TEMPLATE_BYTES: usize = 64 * 1024;
/// What a secret is shown as.
pub const MASK: &str = "***";

/// A value that must never be shown or logged (a signing secret, a Slack URL, a header value).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for sending and storing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

/// The kind of a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChannelKind {
    Webhook,
    Slack,
    Email,
    Template,
}

impl ChannelKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Webhook => "webhook",
            Self::Slack => "slack",
            Self::Email => "email",
            Self::Template => "template",
        }
    }

    /// Whether one message may carry several events (a template renders one event).
    pub fn groups(self) -> bool {
        !matches!(self, Self::Template)
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "webhook" => Some(Self::Webhook),
            "slack" => Some(Self::Slack),
            "email" => Some(Self::Email),
            "template" => Some(Self::Template),
            _ => None,
        }
    }
}

/// An extra request header; its value is treated as a secret (it often carries a token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    pub value: Secret,
}

/// An email address (`local@domain`), checked for the shape a mail server will accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let (local, domain) =
            raw.split_once('@').ok_or("must be an address like ops@example.com")?;
        let valid_domain = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && domain.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        let valid_local = !local.is_empty()
            && local.len() <= 64
            && local.chars().all(|c| c.is_ascii_graphic() && !"<>()[]\\,;:\"@".contains(c));
        if !valid_local || !valid_domain || raw.len() > 254 {
            return Err("must be an address like ops@example.com".into());
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The HTTP method of a template channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateMethod {
    Post,
    Put,
    Patch,
}

impl TemplateMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw.to_ascii_uppercase().as_str() {
            "POST" => Some(Self::Post),
            "PUT" => Some(Self::Put),
            "PATCH" => Some(Self::Patch),
            _ => None,
        }
    }
}

/// What a channel needs to send, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChannelConfig {
    Webhook {
        url: WebsiteUrl,
        secret: Option<Secret>,
        headers: Vec<Header>,
    },
    Slack {
        webhook_url: Secret,
    },
    Email {
        to: Vec<EmailAddress>,
    },
    Template {
        url: WebsiteUrl,
        method: TemplateMethod,
        headers: Vec<Header>,
        content_type: String,
        body_template: String,
    },
}

impl ChannelConfig {
    pub fn kind(&self) -> ChannelKind {
        match self {
            Self::Webhook { .. } => ChannelKind::Webhook,
            Self::Slack { .. } => ChannelKind::Slack,
            Self::Email { .. } => ChannelKind::Email,
            Self::Template { .. } => ChannelKind::Template,
        }
    }

    /// Whether the template's output must parse as JSON.
    pub fn wants_json(&self) -> bool {
        match self {
            Self::Template { content_type, .. } => {
                let essence = content_type.split(';').next().unwrap_or_default().trim();
                essence.eq_ignore_ascii_case("application/json") || essence.ends_with("+json")
            }
            _ => false,
        }
    }
}

impl ChannelConfig {
    /// The config with every secret given as `"***"` taken from `stored` (a header's by its
    /// name); the field of the first one `stored` does not have is the error.
    pub fn keep_secrets_from(&self, stored: &ChannelConfig) -> Result<ChannelConfig, &'static str> {
        let keep = |secret: &Secret, stored: Option<&Secret>, field| match secret.expose() {
            MASK => stored.cloned().ok_or(field),
            _ => Ok(secret.clone()),
        };
        let headers = |headers: &[Header],
                       stored: &[Header]|
         -> Result<Vec<Header>, &'static str> {
            headers
                .iter()
                .map(|header| {
                    let kept = stored.iter().find(|h| h.name.eq_ignore_ascii_case(&header.name));
                    let value = keep(&header.value, kept.map(|h| &h.value), "config.headers")?;
                    Ok(Header { name: header.name.clone(), value })
                })
                .collect()
        };
        Ok(match (self, stored) {
            (
                Self::Webhook { url, secret, headers: given },
                Self::Webhook { secret: kept, headers: kept_headers, .. },
            ) => Self::Webhook {
                url: url.clone(),
                secret: match secret {
                    Some(secret) => Some(keep(secret, kept.as_ref(), "config.secret")?),
                    None => None,
                },
                headers: headers(given, kept_headers)?,
            },
            (Self::Slack { webhook_url }, Self::Slack { webhook_url: kept }) => {
                Self::Slack { webhook_url: keep(webhook_url, Some(kept), "config.webhook_url")? }
            }
            (
                Self::Template { url, method, headers: given, content_type, body_template },
                Self::Template { headers: kept_headers, .. },
            ) => Self::Template {
                url: url.clone(),
                method: *method,
                headers: headers(given, kept_headers)?,
                content_type: content_type.clone(),
                body_template: body_template.clone(),
            },
            (config, _) => match config.masked_field() {
                Some(field) => return Err(field),
                None => config.clone(),
            },
        })
    }

    /// The field and literal IP of the first URL the address policy refuses.
    pub fn blocked_by(
        &self,
        addresses: &AddressPolicy,
    ) -> Option<(&'static str, std::net::IpAddr)> {
        let refused = |url: &WebsiteUrl| url.literal_ip().filter(|ip| !addresses.permits(*ip));
        match self {
            Self::Webhook { url, .. } | Self::Template { url, .. } => {
                refused(url).map(|ip| ("config.url", ip))
            }
            Self::Slack { webhook_url } => WebsiteUrl::parse(webhook_url.expose())
                .ok()
                .and_then(|url| refused(&url))
                .map(|ip| ("config.webhook_url", ip)),
            Self::Email { .. } => None,
        }
    }

    /// The field of the first secret given as `"***"`, if any.
    pub fn masked_field(&self) -> Option<&'static str> {
        let masked = |secret: &Secret| secret.expose() == MASK;
        let header = |headers: &[Header]| headers.iter().any(|h| masked(&h.value));
        match self {
            Self::Webhook { secret: Some(secret), .. } if masked(secret) => Some("config.secret"),
            Self::Webhook { headers, .. } | Self::Template { headers, .. } if header(headers) => {
                Some("config.headers")
            }
            Self::Slack { webhook_url } if masked(webhook_url) => Some("config.webhook_url"),
            _ => None,
        }
    }
}

/// A stored channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    pub id: ChannelId,
    pub name: ChannelName,
    pub config: ChannelConfig,
    /// Policies that name no channels use the default ones.
    pub is_default: bool,
    /// The document that manages it, if any (issue 16).
    pub managed: Option<Managed>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// A channel about to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChannel {
    pub name: ChannelName,
    pub config: ChannelConfig,
    pub is_default: bool,
}

/// A change to a channel; `None` keeps a field. A new config must be of the same kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChannelPatch {
    pub name: Option<ChannelName>,
    pub config: Option<ChannelConfig>,
    pub is_default: Option<bool>,
}

/// A channel's name: 1 to 100 characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChannelName(String);

impl ChannelName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err("name must not be empty".into());
        }
        if trimmed.chars().count() > MAX_CHANNEL_NAME_CHARS {
            return Err(format!("name must be at most {MAX_CHANNEL_NAME_CHARS} characters"));
        }
        if trimmed.chars().any(char::is_control) {
            return Err("name must not contain control characters".into());
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Checks a header for a channel: a valid name that lookout does not set itself, and a value
/// without line breaks.
pub fn parse_header(name: &str, value: &str) -> Result<Header, String> {
    const RESERVED: [&str; 7] = [
        "host",
        "content-length",
        "content-type",
        "transfer-encoding",
        "connection",
        "idempotency-key",
        "x-lookout-signature",
    ];
    let valid_name = !name.is_empty()
        && name.len() <= 100
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !valid_name {
        return Err(format!("{name:?} is not a valid header name"));
    }
    if RESERVED.contains(&name.to_ascii_lowercase().as_str()) {
        return Err(format!("{name} is set by lookout and cannot be configured"));
    }
    if value.len() > 4096 || value.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
        return Err(format!("the value of {name} must be one line of at most 4096 bytes"));
    }
    Ok(Header { name: name.to_owned(), value: Secret::new(value) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_show_in_debug_output() {
        let config =
            ChannelConfig::Slack { webhook_url: Secret::new("https://hooks.slack.com/T/B/x") };
        assert!(!format!("{config:?}").contains("hooks.slack.com"));
    }

    #[test]
    fn email_addresses_are_checked() {
        assert!(EmailAddress::parse("ops@example.com").is_ok());
        assert!(EmailAddress::parse("ops").is_err());
        assert!(EmailAddress::parse("ops@localhost").is_err());
        assert!(EmailAddress::parse("a b@example.com").is_err());
        assert!(EmailAddress::parse("<x>@example.com").is_err());
    }

    #[test]
    fn headers_lookout_sets_itself_are_refused() {
        assert!(parse_header("Authorization", "Bearer t").is_ok());
        assert!(parse_header("Idempotency-Key", "x").is_err());
        assert!(parse_header("X-Bad Name", "x").is_err());
        assert!(parse_header("X-Token", "a\r\nInjected: yes").is_err());
    }

    #[test]
    fn json_content_types_are_recognised() {
        let template = |content_type: &str| ChannelConfig::Template {
            url: WebsiteUrl::parse("https://example.com/hook").unwrap(),
            method: TemplateMethod::Post,
            headers: vec![],
            content_type: content_type.into(),
            body_template: "{}".into(),
        };
        assert!(template("application/json; charset=utf-8").wants_json());
        assert!(template("application/vnd.pagerduty+json").wants_json());
        assert!(!template("text/plain").wants_json());
    }
}
