//! How a site is asked: method, headers, body, timeout, redirects, HTTP version. Parsed once
//! from what the client sent ([`RequestDraft`]); each refusal names its field
//! (`request.headers.X-Token`).

use std::time::Duration;

use super::{SpecFieldError, request_token};

/// Most headers one request carries.
pub const MAX_REQUEST_HEADERS: usize = 50;
/// Longest header value, in bytes.
pub const MAX_HEADER_VALUE_BYTES: usize = 8 * 1024;
/// Longest request body, in bytes.
pub const MAX_REQUEST_BODY_BYTES: usize = 64 * 1024;
/// Longest per-site timeout.
pub const MAX_REQUEST_TIMEOUT_SECS: u64 = 60;
/// What a secret header's value is answered and logged as.
pub const SECRET_MASK: &str = "***";

/// Headers whose values are always secret.
const ALWAYS_SECRET: [&str; 3] = ["authorization", "cookie", "proxy-authorization"];
/// Headers lookout sets itself (framing and the connection): refused.
const RESERVED: [&str; 6] =
    ["content-length", "transfer-encoding", "connection", "upgrade", "te", "keep-alive"];

/// The request method.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HttpMethod {
    #[default]
    Get,
    Head,
    Post,
    Put,
    Patch,
    Delete,
    Options,
}

impl HttpMethod {
    pub const ALL: [Self; 7] =
        [Self::Get, Self::Head, Self::Post, Self::Put, Self::Patch, Self::Delete, Self::Options];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Head => "HEAD",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
            Self::Options => "OPTIONS",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == raw)
    }
}

/// Which HTTP version the probe may speak.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HttpVersion {
    /// HTTP/2 when the server offers it over TLS (ALPN), else HTTP/1.1.
    #[default]
    Auto,
    Http1,
    Http2,
}

impl HttpVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Http1 => "http1",
            Self::Http2 => "http2",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Auto, Self::Http1, Self::Http2].into_iter().find(|v| v.as_str() == raw)
    }
}

/// One request header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestHeader {
    /// As given (header names are compared without regard to case).
    pub name: String,
    pub value: String,
    /// Answered and logged as [`SECRET_MASK`].
    pub secret: bool,
}

/// How a site is asked; the default is the seed's: a GET with no headers of the site's own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestOptions {
    pub method: HttpMethod,
    pub headers: Vec<RequestHeader>,
    pub body: Option<String>,
    /// The site's own bound on a check (`None`: `probe.timeout_secs`).
    pub timeout: Option<Duration>,
    /// `None`: `probe.follow_redirects`.
    pub follow_redirects: Option<bool>,
    pub http_version: HttpVersion,
}

impl RequestOptions {
    /// True for a site that asks as the seed did.
    pub fn is_default(&self) -> bool {
        self == &Self::default()
    }

    /// Names of the headers whose values are secret beyond the always-secret ones.
    pub fn secret_headers(&self) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|h| h.secret && !always_secret(&h.name))
            .map(|h| h.name.as_str())
            .collect()
    }

    /// A PATCH may send back a secret header's value as [`SECRET_MASK`] (as it was answered):
    /// such a value keeps the one stored under the same name.
    pub fn keep_secrets_from(mut self, stored: &Self) -> Self {
        for header in &mut self.headers {
            if header.secret && header.value == SECRET_MASK {
                let kept =
                    stored.headers.iter().find(|old| old.name.eq_ignore_ascii_case(&header.name));
                if let Some(old) = kept {
                    header.value = old.value.clone();
                }
            }
        }
        self
    }
}

impl RequestOptions {
    /// The options as a client would send them, each only when it is not the default. Secret
    /// values are kept (this is what is stored); [`RequestOptions::masked`] hides them.
    pub fn to_draft(&self) -> RequestDraft {
        let secret = self.secret_headers();
        RequestDraft {
            method: (self.method != HttpMethod::Get).then(|| self.method.as_str().to_owned()),
            headers: (!self.headers.is_empty())
                .then(|| self.headers.iter().map(|h| (h.name.clone(), h.value.clone())).collect()),
            body: self.body.clone(),
            timeout_secs: self.timeout.map(|t| i64::try_from(t.as_secs()).unwrap_or(i64::MAX)),
            follow_redirects: self.follow_redirects,
            http_version: (self.http_version != HttpVersion::Auto)
                .then(|| self.http_version.as_str().to_owned()),
            secret_headers: (!secret.is_empty())
                .then(|| secret.into_iter().map(str::to_owned).collect()),
        }
    }

    /// The same options with every secret header's value replaced by [`SECRET_MASK`] (what
    /// answers and logs show).
    pub fn masked(&self) -> Self {
        let mut masked = self.clone();
        for header in masked.headers.iter_mut().filter(|h| h.secret) {
            header.value = SECRET_MASK.to_owned();
        }
        masked
    }
}

fn always_secret(name: &str) -> bool {
    ALWAYS_SECRET.iter().any(|secret| name.eq_ignore_ascii_case(secret))
}

/// The request as sent (`None`: not sent); also the form it is stored in
/// ([`RequestOptions::to_draft`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct RequestDraft {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// In the order sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headers: Option<Vec<(String, String)>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_secs: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follow_redirects: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_headers: Option<Vec<String>>,
}

fn refuse(field: impl Into<String>, message: impl Into<String>) -> SpecFieldError {
    SpecFieldError { field: field.into(), message: message.into() }
}

impl RequestDraft {
    pub fn parse(self) -> Result<RequestOptions, SpecFieldError> {
        let method = match self.method.as_deref() {
            None => HttpMethod::Get,
            Some(raw) => HttpMethod::parse(raw).ok_or_else(|| {
                let all: Vec<&str> = HttpMethod::ALL.iter().map(|m| m.as_str()).collect();
                refuse("request.method", format!("method must be one of {}", all.join(", ")))
            })?,
        };
        let secret_names = self.secret_headers.unwrap_or_default();
        for (index, name) in secret_names.iter().enumerate() {
            if !request_token(name) {
                return Err(refuse(
                    format!("request.secret_headers[{index}]"),
                    "a header name must be a non-empty token (letters, digits, !#$%&'*+-.^_`|~)",
                ));
            }
        }
        let sent = self.headers.unwrap_or_default();
        if sent.len() > MAX_REQUEST_HEADERS {
            return Err(refuse(
                "request.headers",
                format!("at most {MAX_REQUEST_HEADERS} headers"),
            ));
        }
        let mut headers: Vec<RequestHeader> = Vec::with_capacity(sent.len());
        for (name, value) in sent {
            let field = format!("request.headers.{name}");
            if !request_token(&name) {
                return Err(refuse(
                    field,
                    "a header name must be a non-empty token (letters, digits, !#$%&'*+-.^_`|~)",
                ));
            }
            if RESERVED.iter().any(|reserved| name.eq_ignore_ascii_case(reserved)) {
                return Err(refuse(field, format!("{name} is set by lookout, not by a site")));
            }
            if headers.iter().any(|h| h.name.eq_ignore_ascii_case(&name)) {
                return Err(refuse(field, "the same header is given twice"));
            }
            if value.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
                return Err(refuse(field, "a header value must not contain CR, LF or NUL"));
            }
            if value.len() > MAX_HEADER_VALUE_BYTES {
                return Err(refuse(
                    field,
                    format!("a header value must be at most {MAX_HEADER_VALUE_BYTES} bytes"),
                ));
            }
            let secret =
                always_secret(&name) || secret_names.iter().any(|s| s.eq_ignore_ascii_case(&name));
            headers.push(RequestHeader { name, value, secret });
        }
        if let Some(body) = &self.body
            && body.len() > MAX_REQUEST_BODY_BYTES
        {
            return Err(refuse(
                "request.body",
                format!("body must be at most {MAX_REQUEST_BODY_BYTES} bytes"),
            ));
        }
        let timeout = match self.timeout_secs {
            None => None,
            Some(secs @ 1..=60) => Some(Duration::from_secs(secs.unsigned_abs())),
            Some(_) => {
                return Err(refuse(
                    "request.timeout_secs",
                    format!("timeout_secs must be between 1 and {MAX_REQUEST_TIMEOUT_SECS}"),
                ));
            }
        };
        let http_version = match self.http_version.as_deref() {
            None => HttpVersion::Auto,
            Some(raw) => HttpVersion::parse(raw).ok_or_else(|| {
                refuse("request.http_version", "http_version must be auto, http1 or http2")
            })?,
        };
        Ok(RequestOptions {
            method,
            headers,
            body: self.body,
            timeout,
            follow_redirects: self.follow_redirects,
            http_version,
        })
    }
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
