//! What a response must show for the site to count as up (or as well): the assertions, parsed
//! and compiled once when the site is saved ([`super::AssertionDraft`]).

use std::fmt;
use std::time::Duration;

/// Most assertions on one site.
pub const MAX_ASSERTIONS: usize = 20;

/// What a failed assertion makes of the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The site is down.
    Down,
    /// The site is up, but not well.
    Degraded,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Down => "down",
            Self::Degraded => "degraded",
        }
    }
}

/// A compiled regular expression (linear time: the `regex` engine), compared by its source.
#[derive(Debug, Clone)]
pub struct Pattern(pub(crate) regex::Regex);

impl Pattern {
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.0.is_match(text)
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Pattern {}

/// A parsed RFC 9535 JSONPath, compared by its source.
#[derive(Debug, Clone)]
pub struct JsonPathExpr {
    pub(crate) source: String,
    pub(crate) path: serde_json_path::JsonPath,
}

impl JsonPathExpr {
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

impl PartialEq for JsonPathExpr {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl Eq for JsonPathExpr {}

/// One accepted status: a code, a class (`2xx`) or a range (`301-308`), as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMatch {
    pub low: u16,
    pub high: u16,
    /// As the client gave it (`200`, `"2xx"`, `"301-308"`), for answers and messages.
    pub given: String,
}

impl StatusMatch {
    pub fn matches(&self, status: u16) -> bool {
        (self.low..=self.high).contains(&status)
    }
}

/// How a JSON value is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
    Exists,
}

impl JsonOp {
    pub const ALL: [Self; 8] =
        [Self::Eq, Self::Ne, Self::Lt, Self::Le, Self::Gt, Self::Ge, Self::Contains, Self::Exists];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eq => "eq",
            Self::Ne => "ne",
            Self::Lt => "lt",
            Self::Le => "le",
            Self::Gt => "gt",
            Self::Ge => "ge",
            Self::Contains => "contains",
            Self::Exists => "exists",
        }
    }
}

/// How a header's value is compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderOp {
    Eq(String),
    Contains(String),
    Matches(Pattern),
    Exists,
}

impl HeaderOp {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Eq(_) => "eq",
            Self::Contains(_) => "contains",
            Self::Matches(_) => "matches",
            Self::Exists => "exists",
        }
    }
}

/// What one assertion asks of a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// Replaces the default 2xx–3xx rule.
    Status(Vec<StatusMatch>),
    BodyContains {
        value: String,
        negate: bool,
    },
    BodyMatches(Pattern),
    JsonPath {
        path: JsonPathExpr,
        op: JsonOp,
        value: Option<serde_json::Value>,
    },
    /// `name` in lower case.
    Header {
        name: String,
        op: HeaderOp,
    },
    ResponseTime {
        below: Duration,
    },
    TlsDaysLeft {
        above: i64,
    },
}

impl Check {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Status(_) => "status",
            Self::BodyContains { .. } => "body_contains",
            Self::BodyMatches(_) => "body_matches",
            Self::JsonPath { .. } => "json_path",
            Self::Header { .. } => "header",
            Self::ResponseTime { .. } => "response_time",
            Self::TlsDaysLeft { .. } => "tls_days_left",
        }
    }

    /// True when judging it needs the response body.
    pub fn needs_body(&self) -> bool {
        matches!(self, Self::BodyContains { .. } | Self::BodyMatches(_) | Self::JsonPath { .. })
    }

    /// The severity an assertion of this kind has when none is given.
    pub fn default_severity(&self) -> Severity {
        match self {
            Self::TlsDaysLeft { .. } => Severity::Degraded,
            _ => Severity::Down,
        }
    }
}

/// One assertion of a site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assertion {
    pub check: Check,
    pub severity: Severity,
}

/// The assertion in words, as messages name it: `json_path $.status eq "up"`.
impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Status(any_of) => {
                let given: Vec<&str> = any_of.iter().map(|m| m.given.as_str()).collect();
                write!(f, "status any of {}", given.join(", "))
            }
            Self::BodyContains { value, negate: false } => write!(f, "body_contains {value:?}"),
            Self::BodyContains { value, negate: true } => {
                write!(f, "body_contains {value:?} (negated)")
            }
            Self::BodyMatches(pattern) => write!(f, "body_matches /{}/", pattern.as_str()),
            Self::JsonPath { path, op: JsonOp::Exists, .. } => {
                write!(f, "json_path {} exists", path.as_str())
            }
            Self::JsonPath { path, op, value } => {
                let value = value.as_ref().map(ToString::to_string).unwrap_or_default();
                write!(f, "json_path {} {} {value}", path.as_str(), op.as_str())
            }
            Self::Header { name, op: HeaderOp::Exists } => write!(f, "header {name} exists"),
            Self::Header { name, op: HeaderOp::Eq(value) } => {
                write!(f, "header {name} eq {value:?}")
            }
            Self::Header { name, op: HeaderOp::Contains(value) } => {
                write!(f, "header {name} contains {value:?}")
            }
            Self::Header { name, op: HeaderOp::Matches(pattern) } => {
                write!(f, "header {name} matches /{}/", pattern.as_str())
            }
            Self::ResponseTime { below } => {
                write!(f, "response_time below {} ms", below.as_millis())
            }
            Self::TlsDaysLeft { above } => write!(f, "tls_days_left above {above}"),
        }
    }
}
