//! An assertion as the client sent it, checked and compiled into an [`Assertion`]; each
//! refusal names its field (`assertions[2].regex`) and says what is wrong.

use std::time::Duration;

use serde_json::Value;

use super::SpecFieldError;
use super::assertion::{
    Assertion, Check, HeaderOp, JsonOp, JsonPathExpr, MAX_ASSERTIONS, Pattern, Severity,
    StatusMatch,
};

/// Longest regex, JSONPath or text to look for.
pub const MAX_ASSERTION_TEXT_CHARS: usize = 1_000;
/// Longest `response_time.below_ms`.
pub const MAX_BELOW_MS: u64 = 600_000;
/// Bound on a compiled regex's size, so one site cannot take much memory.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// One assertion's fields as sent (`None`: not sent); also the form an assertion is stored and
/// answered in ([`Assertion::to_draft`]).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct AssertionDraft {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub any_of: Option<Vec<Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negate: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub op: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub below_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub above: Option<i64>,
}

/// Parses a site's assertions, in order.
pub fn parse_assertions(drafts: Vec<AssertionDraft>) -> Result<Vec<Assertion>, SpecFieldError> {
    if drafts.len() > MAX_ASSERTIONS {
        return Err(SpecFieldError::new(
            "assertions",
            format!("at most {MAX_ASSERTIONS} assertions"),
        ));
    }
    let parsed: Vec<Assertion> = drafts
        .into_iter()
        .enumerate()
        .map(|(index, draft)| draft.parse(&format!("assertions[{index}]")))
        .collect::<Result<_, _>>()?;
    if parsed.iter().filter(|a| matches!(a.check, Check::Status(_))).count() > 1 {
        return Err(SpecFieldError::new("assertions", "at most one status assertion"));
    }
    Ok(parsed)
}

impl Assertion {
    /// The assertion as a client would send it (the severity only when it is not the kind's
    /// default).
    pub fn to_draft(&self) -> AssertionDraft {
        let text = |value: &str| Some(Value::String(value.to_owned()));
        let mut draft = AssertionDraft {
            kind: Some(self.check.kind().to_owned()),
            severity: (self.severity != self.check.default_severity())
                .then(|| self.severity.as_str().to_owned()),
            ..AssertionDraft::default()
        };
        match &self.check {
            Check::Status(any_of) => {
                draft.any_of = Some(
                    any_of
                        .iter()
                        .map(|m| match m.given.parse::<u16>() {
                            Ok(code) => Value::from(code),
                            Err(_) => Value::String(m.given.clone()),
                        })
                        .collect(),
                );
            }
            Check::BodyContains { value, negate } => {
                draft.value = text(value);
                draft.negate = negate.then_some(true);
            }
            Check::BodyMatches(pattern) => draft.regex = Some(pattern.as_str().to_owned()),
            Check::JsonPath { path, op, value } => {
                draft.path = Some(path.as_str().to_owned());
                draft.op = Some(op.as_str().to_owned());
                draft.value = value.clone();
            }
            Check::Header { name, op } => {
                draft.name = Some(name.clone());
                draft.op = Some(op.as_str().to_owned());
                draft.value = match op {
                    HeaderOp::Eq(value) | HeaderOp::Contains(value) => text(value),
                    HeaderOp::Matches(pattern) => text(pattern.as_str()),
                    HeaderOp::Exists => None,
                };
            }
            Check::ResponseTime { below } => {
                draft.below_ms = Some(i64::try_from(below.as_millis()).unwrap_or(i64::MAX));
            }
            Check::TlsDaysLeft { above } => draft.above = Some(*above),
        }
        draft
    }
}

impl AssertionDraft {
    fn parse(self, at: &str) -> Result<Assertion, SpecFieldError> {
        let field = |name: &str| format!("{at}.{name}");
        let refuse = |name: &str, message: String| SpecFieldError::new(field(name), message);
        let kind = self.kind.clone().ok_or_else(|| refuse("kind", "kind is required".into()))?;
        let check = match kind.as_str() {
            "status" => {
                let any_of = self.any_of.clone().unwrap_or_default();
                if any_of.is_empty() {
                    return Err(refuse("any_of", "any_of must list at least one status".into()));
                }
                let matches = any_of
                    .iter()
                    .enumerate()
                    .map(|(i, v)| status_match(v).map_err(|m| refuse(&format!("any_of[{i}]"), m)))
                    .collect::<Result<Vec<_>, _>>()?;
                Check::Status(matches)
            }
            "body_contains" => Check::BodyContains {
                value: self.text("value", at)?,
                negate: self.negate.unwrap_or(false),
            },
            "body_matches" => Check::BodyMatches(pattern(&self.regex, &field("regex"))?),
            "json_path" => {
                let source = required_text(&self.path, &field("path"))?;
                let path = serde_json_path::JsonPath::parse(&source)
                    .map_err(|e| refuse("path", format!("not an RFC 9535 JSONPath: {e}")))?;
                let op = match self.op.as_deref() {
                    None => return Err(refuse("op", "op is required".into())),
                    Some(raw) => {
                        JsonOp::ALL.into_iter().find(|op| op.as_str() == raw).ok_or_else(|| {
                            refuse(
                                "op",
                                "op must be eq, ne, lt, le, gt, ge, contains or exists".into(),
                            )
                        })?
                    }
                };
                let value = match (op, self.value.clone()) {
                    (JsonOp::Exists, _) => None,
                    (_, None) => {
                        return Err(refuse("value", format!("{} needs a value", op.as_str())));
                    }
                    (JsonOp::Lt | JsonOp::Le | JsonOp::Gt | JsonOp::Ge, Some(v))
                        if !(v.is_number() || v.is_string()) =>
                    {
                        return Err(refuse(
                            "value",
                            format!("{} compares numbers or strings", op.as_str()),
                        ));
                    }
                    (_, Some(v)) => Some(v),
                };
                Check::JsonPath { path: JsonPathExpr { source, path }, op, value }
            }
            "header" => {
                let name = required_text(&self.name, &field("name"))?;
                if !super::request_token(&name) {
                    return Err(refuse("name", "a header name must be a token".into()));
                }
                let op = match self.op.as_deref().unwrap_or("exists") {
                    "exists" => HeaderOp::Exists,
                    "eq" => HeaderOp::Eq(self.text("value", at)?),
                    "contains" => HeaderOp::Contains(self.text("value", at)?),
                    "matches" => {
                        let source = self.text("value", at)?;
                        HeaderOp::Matches(pattern(&Some(source), &field("value"))?)
                    }
                    _ => {
                        return Err(refuse(
                            "op",
                            "op must be eq, contains, matches or exists".into(),
                        ));
                    }
                };
                Check::Header { name: name.to_ascii_lowercase(), op }
            }
            "response_time" => match self.below_ms {
                Some(ms @ 1..) if ms.unsigned_abs() <= MAX_BELOW_MS => {
                    Check::ResponseTime { below: Duration::from_millis(ms.unsigned_abs()) }
                }
                Some(_) => {
                    return Err(refuse(
                        "below_ms",
                        format!("below_ms must be between 1 and {MAX_BELOW_MS}"),
                    ));
                }
                None => return Err(refuse("below_ms", "below_ms is required".into())),
            },
            "tls_days_left" => match self.above {
                Some(days @ 0..=3650) => Check::TlsDaysLeft { above: days },
                Some(_) => {
                    return Err(refuse("above", "above must be between 0 and 3650 days".into()));
                }
                None => return Err(refuse("above", "above is required".into())),
            },
            _ => {
                return Err(refuse(
                    "kind",
                    "kind must be status, body_contains, body_matches, json_path, header, \
                     response_time or tls_days_left"
                        .into(),
                ));
            }
        };
        let severity = match self.severity.as_deref() {
            None => check.default_severity(),
            Some("down") => Severity::Down,
            Some("degraded") => Severity::Degraded,
            Some(_) => return Err(refuse("severity", "severity must be down or degraded".into())),
        };
        Ok(Assertion { check, severity })
    }

    /// A text field given as `value`: a non-empty string of bounded length.
    fn text(&self, name: &str, at: &str) -> Result<String, SpecFieldError> {
        let field = format!("{at}.{name}");
        match &self.value {
            Some(Value::String(text)) => required_text(&Some(text.clone()), &field),
            Some(_) => Err(SpecFieldError::new(field, "value must be a string")),
            None => Err(SpecFieldError::new(field, "value is required")),
        }
    }
}

fn required_text(raw: &Option<String>, field: &str) -> Result<String, SpecFieldError> {
    match raw {
        None => Err(SpecFieldError::new(field, format!("{field} is required"))),
        Some(text) if text.is_empty() => {
            Err(SpecFieldError::new(field, format!("{field} must not be empty")))
        }
        Some(text) if text.chars().count() > MAX_ASSERTION_TEXT_CHARS => Err(SpecFieldError::new(
            field,
            format!("{field} must be at most {MAX_ASSERTION_TEXT_CHARS} characters"),
        )),
        Some(text) => Ok(text.clone()),
    }
}

fn pattern(raw: &Option<String>, field: &str) -> Result<Pattern, SpecFieldError> {
    let source = required_text(raw, field)?;
    regex::RegexBuilder::new(&source)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map(Pattern)
        .map_err(|e| SpecFieldError::new(field, format!("not a valid regex: {e}")))
}

/// `200`, `"200"`, `"2xx"` or `"301-308"`.
fn status_match(value: &Value) -> Result<StatusMatch, String> {
    let given = match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().to_owned(),
        _ => {
            return Err(
                "a status is a number (200), a class (\"2xx\") or a range (\"301-308\")".into()
            );
        }
    };
    let code = |raw: &str| -> Result<u16, String> {
        raw.parse::<u16>()
            .ok()
            .filter(|c| (100..=599).contains(c))
            .ok_or_else(|| format!("{raw:?} is not a status between 100 and 599"))
    };
    let lower = given.to_ascii_lowercase();
    let (low, high) = if let Some(class) = lower.strip_suffix("xx").filter(|c| c.len() == 1) {
        let digit = code(&format!("{class}00"))?;
        (digit, digit + 99)
    } else if let Some((from, to)) = given.split_once('-') {
        let (low, high) = (code(from.trim())?, code(to.trim())?);
        if low > high {
            return Err(format!("{given:?}: the range's start is above its end"));
        }
        (low, high)
    } else {
        let c = code(&given)?;
        (c, c)
    };
    Ok(StatusMatch { low, high, given })
}
