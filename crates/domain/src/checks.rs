//! What a check asks and what it must see: the request options of a site, its assertions, the
//! response time above which it is degraded, and the judge that reads a response against them.
//! Pure: the probe sends the request and reads what the judge needs; the judge decides.

mod assertion;
mod assertion_parse;
mod certificate;
mod judge;
mod request;

use std::time::Duration;

pub use assertion::{
    Assertion, Check, HeaderOp, JsonOp, JsonPathExpr, MAX_ASSERTIONS, Pattern, Severity,
    StatusMatch,
};
pub use assertion_parse::{
    AssertionDraft, MAX_ASSERTION_TEXT_CHARS, MAX_BELOW_MS, parse_assertions,
};
pub use certificate::{CertificateInfo, SiteCertificate};
pub use judge::{ResponseBody, ResponseView, Verdict};
pub use request::{
    HttpMethod, HttpVersion, MAX_HEADER_VALUE_BYTES, MAX_REQUEST_BODY_BYTES, MAX_REQUEST_HEADERS,
    MAX_REQUEST_TIMEOUT_SECS, RequestDraft, RequestHeader, RequestOptions, SECRET_MASK,
};

/// Longest `degraded_above_ms`.
pub const MAX_DEGRADED_ABOVE_MS: u64 = 600_000;

/// A refused field of a site's check settings and why (`assertions[2].regex`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct SpecFieldError {
    pub field: String,
    pub message: String,
}

impl SpecFieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

/// Everything about how a site is checked beyond its URL; the default asks as the seed did (a
/// GET, up on 2xx–3xx).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckSpec {
    pub request: RequestOptions,
    pub assertions: Vec<Assertion>,
    /// Slower than this, an available check is degraded.
    pub degraded_above: Option<Duration>,
}

impl CheckSpec {
    /// True when the judge needs the response body.
    pub fn needs_body(&self) -> bool {
        self.assertions.iter().any(|a| a.check.needs_body())
    }

    /// True when the judge needs the response headers.
    pub fn needs_headers(&self) -> bool {
        self.assertions.iter().any(|a| matches!(a.check, Check::Header { .. }))
    }

    /// True for a site checked as the seed did.
    pub fn is_default(&self) -> bool {
        self == &Self::default()
    }
}

/// `degraded_above_ms` as sent.
pub fn parse_degraded_above(ms: i64) -> Result<Duration, SpecFieldError> {
    match ms {
        1.. if ms.unsigned_abs() <= MAX_DEGRADED_ABOVE_MS => {
            Ok(Duration::from_millis(ms.unsigned_abs()))
        }
        _ => Err(SpecFieldError::new(
            "degraded_above_ms",
            format!("degraded_above_ms must be between 1 and {MAX_DEGRADED_ABOVE_MS}"),
        )),
    }
}

/// A token (RFC 9110 §5.6.2): what a header name may be.
pub(crate) fn request_token(name: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}
