//! Judging a response against a site's [`CheckSpec`]: up, degraded or down, and in words which
//! assertion failed and what was seen (`json_path $.status eq "up": got "down"`).

use std::cmp::Ordering;
use std::time::Duration;

use serde_json::Value;

use super::CheckSpec;
use super::assertion::{Check, HeaderOp, JsonOp, Severity};

/// The response body as read: at most `probe.max_body_bytes`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponseBody {
    pub bytes: Vec<u8>,
    /// The body went on past what was read.
    pub truncated: bool,
}

/// What a response showed, as the judge needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponseView {
    pub status: u16,
    /// Names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    /// `None` when no assertion needed it (it was not read).
    pub body: Option<ResponseBody>,
    pub response_time: Duration,
    /// Whole days until the leaf certificate expires (`None`: no TLS).
    pub tls_days_left: Option<i64>,
}

/// The judge's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub available: bool,
    /// Available, but a `degraded` assertion failed or it answered slowly.
    pub degraded: bool,
    /// What failed, in words (`None`: nothing, or only the default 2xx–3xx rule).
    pub failed_assertion: Option<String>,
}

/// The default rule when no status assertion replaces it.
fn default_status_ok(status: u16) -> bool {
    (200..400).contains(&status)
}

impl CheckSpec {
    /// Judges `response`. The first failing `down` assertion makes the check fail; else the
    /// first failing `degraded` one, or a response slower than `degraded_above`, makes it
    /// degraded.
    pub fn judge(&self, response: &ResponseView) -> Verdict {
        let has_status = self.assertions.iter().any(|a| matches!(a.check, Check::Status(_)));
        let status_ok = has_status || default_status_ok(response.status);
        let mut down: Option<String> = None;
        let mut degraded: Option<String> = None;
        for assertion in &self.assertions {
            let slot = match assertion.severity {
                Severity::Down => &mut down,
                Severity::Degraded => &mut degraded,
            };
            if slot.is_some() {
                continue;
            }
            if let Err(seen) = holds(&assertion.check, response) {
                *slot = Some(format!("{}: {seen}", assertion.check));
            }
        }
        if degraded.is_none()
            && let Some(limit) = self.degraded_above
            && response.response_time > limit
        {
            degraded = Some(format!(
                "response_time {} ms above degraded_above_ms {}",
                response.response_time.as_millis(),
                limit.as_millis()
            ));
        }
        let available = status_ok && down.is_none();
        Verdict {
            available,
            degraded: available && degraded.is_some(),
            failed_assertion: if available { degraded } else { down },
        }
    }
}

/// `Ok` when the check holds; else what was seen instead.
fn holds(check: &Check, response: &ResponseView) -> Result<(), String> {
    match check {
        Check::Status(any_of) => {
            if any_of.iter().any(|m| m.matches(response.status)) {
                Ok(())
            } else {
                Err(format!("got {}", response.status))
            }
        }
        Check::BodyContains { value, negate } => {
            let body = text(response)?;
            match (body.contains(value.as_str()), negate) {
                (true, false) | (false, true) => Ok(()),
                (false, false) => Err("not found".into()),
                (true, true) => Err("found".into()),
            }
        }
        Check::BodyMatches(pattern) => {
            if pattern.is_match(&text(response)?) {
                Ok(())
            } else {
                Err("no match".into())
            }
        }
        Check::JsonPath { path, op, value } => {
            let body = text(response)?;
            let json: Value =
                serde_json::from_str(&body).map_err(|e| format!("the body is not JSON ({e})"))?;
            let nodes = path.path.query(&json);
            let Some(found) = nodes.first() else {
                return Err("no value at that path".into());
            };
            match value {
                None => Ok(()),
                Some(expected) if json_holds(*op, found, expected) => Ok(()),
                Some(_) => Err(format!("got {}", short(&found.to_string()))),
            }
        }
        Check::Header { name, op } => {
            let values: Vec<&str> = response
                .headers
                .iter()
                .filter(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
                .collect();
            let Some(first) = values.first() else { return Err("missing".into()) };
            let ok = values.iter().any(|v| match op {
                HeaderOp::Exists => true,
                HeaderOp::Eq(expected) => v == expected,
                HeaderOp::Contains(expected) => v.contains(expected.as_str()),
                HeaderOp::Matches(pattern) => pattern.is_match(v),
            });
            if ok { Ok(()) } else { Err(format!("got {:?}", short(first))) }
        }
        Check::ResponseTime { below } => {
            if response.response_time < *below {
                Ok(())
            } else {
                Err(format!("took {} ms", response.response_time.as_millis()))
            }
        }
        Check::TlsDaysLeft { above } => match response.tls_days_left {
            Some(days) if days > *above => Ok(()),
            Some(days) => Err(format!("{days} days left")),
            None => Err("no TLS certificate".into()),
        },
    }
}

/// The body as text, or why it cannot be judged.
fn text(response: &ResponseView) -> Result<String, String> {
    let Some(body) = &response.body else { return Err("the body was not read".into()) };
    if body.truncated {
        return Err(format!(
            "the body was cut at {} bytes (probe.max_body_bytes)",
            body.bytes.len()
        ));
    }
    Ok(String::from_utf8_lossy(&body.bytes).into_owned())
}

fn json_holds(op: JsonOp, found: &Value, expected: &Value) -> bool {
    match op {
        JsonOp::Exists => true,
        JsonOp::Eq => json_eq(found, expected),
        JsonOp::Ne => !json_eq(found, expected),
        JsonOp::Lt => compare(found, expected) == Some(Ordering::Less),
        JsonOp::Le => matches!(compare(found, expected), Some(Ordering::Less | Ordering::Equal)),
        JsonOp::Gt => compare(found, expected) == Some(Ordering::Greater),
        JsonOp::Ge => {
            matches!(compare(found, expected), Some(Ordering::Greater | Ordering::Equal))
        }
        JsonOp::Contains => match (found, expected) {
            (Value::String(haystack), Value::String(needle)) => haystack.contains(needle.as_str()),
            (Value::Array(items), _) => items.iter().any(|item| json_eq(item, expected)),
            (Value::Object(map), Value::String(key)) => map.contains_key(key),
            _ => false,
        },
    }
}

/// JSON equality with numbers compared by value (`1` equals `1.0`).
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// At most 100 characters of what was seen.
fn short(seen: &str) -> String {
    const MAX: usize = 100;
    if seen.chars().count() <= MAX {
        return seen.to_owned();
    }
    let cut: String = seen.chars().take(MAX).collect();
    format!("{cut}…")
}

#[cfg(test)]
#[path = "judge_tests.rs"]
mod tests;
