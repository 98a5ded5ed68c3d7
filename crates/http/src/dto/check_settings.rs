//! A site's check settings on the wire: `request`, `assertions`, `degraded_above_ms`. Read into
//! the domain's drafts and parsed there (each refusal a 422 naming its field, e.g.
//! `assertions[2].regex`); answered in the same form, secret header values as `"***"`.

use std::collections::BTreeMap;

use lookout_domain::checks::{
    Assertion, AssertionDraft, RequestDraft, RequestOptions, SpecFieldError,
};
use serde::{Deserialize, Serialize};

use crate::ApiError;

/// How the site is asked; every field optional (a GET with lookout's own headers).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RequestBody {
    /// `GET` (default), `HEAD`, `POST`, `PUT`, `PATCH`, `DELETE` or `OPTIONS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "GET")]
    method: Option<String>,
    /// Request headers. Values of `Authorization`, `Cookie`, `Proxy-Authorization` and of the
    /// headers named in `secret_headers` are answered as `"***"`; sending `"***"` back keeps
    /// the stored value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    headers: Option<BTreeMap<String, String>>,
    /// Request body (at most 64 KiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    body: Option<String>,
    /// Bound on one check of this site, 1–60 s (default: `probe.timeout_secs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 60)]
    timeout_secs: Option<i64>,
    /// Follow redirects (default: `probe.follow_redirects`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    follow_redirects: Option<bool>,
    /// `auto` (default), `http1` or `http2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    http_version: Option<String>,
    /// More headers whose values are secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    secret_headers: Option<Vec<String>>,
}

impl RequestBody {
    pub(crate) fn try_into_domain(self) -> Result<RequestOptions, ApiError> {
        RequestDraft {
            method: self.method,
            headers: self.headers.map(|headers| headers.into_iter().collect()),
            body: self.body,
            timeout_secs: self.timeout_secs,
            follow_redirects: self.follow_redirects,
            http_version: self.http_version,
            secret_headers: self.secret_headers,
        }
        .parse()
        .map_err(invalid)
    }

    /// The options as answered: secrets masked; `None` for the default request.
    pub(crate) fn answer(options: &RequestOptions) -> Option<Self> {
        if options.is_default() {
            return None;
        }
        let draft = options.masked().to_draft();
        Some(Self {
            method: draft.method,
            headers: draft.headers.map(|headers| headers.into_iter().collect()),
            body: draft.body,
            timeout_secs: draft.timeout_secs,
            follow_redirects: draft.follow_redirects,
            http_version: draft.http_version,
            secret_headers: draft.secret_headers,
        })
    }
}

/// One assertion. `kind` says which fields apply:
/// `status` (`any_of`: codes, classes such as `"2xx"`, ranges such as `"301-308"`; replaces the
/// default 2xx–3xx rule), `body_contains` (`value`, `negate`), `body_matches` (`regex`),
/// `json_path` (`path` in RFC 9535 JSONPath, `op` eq | ne | lt | le | gt | ge | contains |
/// exists, `value`), `header` (`name`, `op` eq | contains | matches | exists, `value`),
/// `response_time` (`below_ms`), `tls_days_left` (`above`; `degraded` by default).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AssertionBody {
    #[schema(example = "json_path")]
    kind: Option<String>,
    /// `down` (default; `degraded` for `tls_days_left`) or `degraded`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    severity: Option<String>,
    /// Status codes (`200`), classes (`"2xx"`) and ranges (`"301-308"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    any_of: Option<Vec<serde_json::Value>>,
    /// What to compare with: any JSON value for `json_path`, a string otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    value: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    negate: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    regex: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "$.status")]
    path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    op: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    below_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    above: Option<i64>,
}

impl From<AssertionBody> for AssertionDraft {
    fn from(body: AssertionBody) -> Self {
        Self {
            kind: body.kind,
            severity: body.severity,
            any_of: body.any_of,
            value: body.value,
            negate: body.negate,
            regex: body.regex,
            path: body.path,
            op: body.op,
            name: body.name,
            below_ms: body.below_ms,
            above: body.above,
        }
    }
}

impl From<&Assertion> for AssertionBody {
    fn from(assertion: &Assertion) -> Self {
        let draft = assertion.to_draft();
        Self {
            kind: draft.kind,
            severity: draft.severity,
            any_of: draft.any_of,
            value: draft.value,
            negate: draft.negate,
            regex: draft.regex,
            path: draft.path,
            op: draft.op,
            name: draft.name,
            below_ms: draft.below_ms,
            above: draft.above,
        }
    }
}

/// Parses a site's assertions.
pub(crate) fn parse_assertions(bodies: Vec<AssertionBody>) -> Result<Vec<Assertion>, ApiError> {
    lookout_domain::checks::parse_assertions(bodies.into_iter().map(Into::into).collect())
        .map_err(invalid)
}

/// Parses `degraded_above_ms`.
pub(crate) fn parse_degraded_above(ms: i64) -> Result<std::time::Duration, ApiError> {
    lookout_domain::checks::parse_degraded_above(ms).map_err(invalid)
}

fn invalid(error: SpecFieldError) -> ApiError {
    ApiError::validation(error.field, error.message)
}
