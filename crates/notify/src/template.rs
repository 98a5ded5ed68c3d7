//! Template channels: the user's minijinja template rendered against the event as sent (the
//! webhook's JSON as context: `event`, `dedup_key`, `website.name`, `check.status_code`, ...).
//!
//! For a JSON content type, values are written JSON-safe: a string's characters are escaped
//! for use inside a JSON string (`"{{ website.name }}"` stays valid whatever the name),
//! `none` is written `null`, maps and lists as JSON; `{{ x | tojson }}` writes any value as
//! a JSON literal. A template is checked when saved (rendered against a sample event) and
//! bounded when run (fuel), so a template cannot loop for ever.

use lookout_domain::alerting::{AlertEvent, ChannelConfigError, Header, TemplateMethod};
use minijinja::value::ValueKind;
use minijinja::{AutoEscape, Environment, Error, Output, State, Value};
use reqwest::Method;
use time::OffsetDateTime;

use crate::http_send::{self, Outgoing};

/// The field a template error names.
pub(crate) const FIELD: &str = "config.body_template";
/// Instructions one render may run.
const FUEL: u64 = 200_000;
/// Largest rendered body, in bytes.
const MAX_RENDERED_BYTES: usize = 1024 * 1024;

/// Why a template cannot be used: `line N: <what>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TemplateError(pub(crate) String);

impl TemplateError {
    pub(crate) fn into_config_error(self) -> ChannelConfigError {
        ChannelConfigError { field: FIELD.to_owned(), message: self.0 }
    }
}

/// Renders `template` for `event` sent at `now`; with `json`, the result must parse as JSON.
pub(crate) fn render(
    template: &str,
    event: &AlertEvent,
    now: OffsetDateTime,
    json: bool,
) -> Result<String, TemplateError> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_fuel(Some(FUEL));
    if json {
        env.set_formatter(json_formatter);
    }
    let compiled = env.template_from_str(template).map_err(|e| TemplateError(describe(&e)))?;
    let rendered = compiled
        .render(Value::from_serialize(event.sent_at(now)))
        .map_err(|e| TemplateError(describe(&e)))?;
    if rendered.len() > MAX_RENDERED_BYTES {
        return Err(TemplateError(format!(
            "the rendered body is larger than {} KiB",
            MAX_RENDERED_BYTES / 1024
        )));
    }
    if json && let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(&rendered) {
        let what = e.to_string();
        let what = what.split(" at line ").next().unwrap_or_default();
        return Err(TemplateError(format!(
            "line {}: rendered body is not valid JSON: {what}",
            e.line()
        )));
    }
    Ok(rendered)
}

/// A template channel's settings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TemplateChannel<'a> {
    pub(crate) url: &'a str,
    pub(crate) method: TemplateMethod,
    pub(crate) headers: &'a [Header],
    pub(crate) content_type: &'a str,
    pub(crate) body_template: &'a str,
    /// Whether the content type is JSON (the output must parse).
    pub(crate) json: bool,
}

/// The request of a template channel for one event.
pub(crate) fn request<'a>(
    channel: TemplateChannel<'a>,
    event: &AlertEvent,
    now: OffsetDateTime,
) -> Result<Outgoing<'a>, String> {
    let body = render(channel.body_template, event, now, channel.json)
        .map_err(|e| format!("the template does not render: {}", e.0))?;
    let headers =
        http_send::headers(channel.content_type, Some(&event.dedup_key), channel.headers)?;
    let method = match channel.method {
        TemplateMethod::Post => Method::POST,
        TemplateMethod::Put => Method::PUT,
        TemplateMethod::Patch => Method::PATCH,
    };
    let secrets = channel.headers.iter().map(|h| h.value.expose()).collect();
    Ok(Outgoing { method, url: channel.url, headers, body: body.into_bytes(), secrets })
}

/// Checks a template by rendering it against a sample event.
pub(crate) fn check(
    template: &str,
    json: bool,
    now: OffsetDateTime,
) -> Result<(), ChannelConfigError> {
    render(template, &AlertEvent::sample(now), now, json)
        .map(drop)
        .map_err(TemplateError::into_config_error)
}

/// `line 3: syntax error: unexpected end of input` (the line when minijinja knows it).
fn describe(error: &Error) -> String {
    let what = match error.detail() {
        Some(detail) => format!("{}: {detail}", error.kind()),
        None => error.kind().to_string(),
    };
    match error.line() {
        Some(line) => format!("line {line}: {what}"),
        None => what,
    }
}

/// Writes values JSON-safe (see the module doc).
fn json_formatter(out: &mut Output<'_>, state: &State<'_, '_>, value: &Value) -> Result<(), Error> {
    if value.is_safe() {
        return minijinja::escape_formatter(out, state, value);
    }
    let text = match value.kind() {
        ValueKind::String => {
            let quoted = serde_json::to_string(value.as_str().unwrap_or_default())
                .map_err(|e| Error::new(minijinja::ErrorKind::BadSerialization, e.to_string()))?;
            quoted[1..quoted.len() - 1].to_owned()
        }
        ValueKind::None => "null".to_owned(),
        ValueKind::Map | ValueKind::Seq => serde_json::to_string(value)
            .map_err(|e| Error::new(minijinja::ErrorKind::BadSerialization, e.to_string()))?,
        _ => return minijinja::escape_formatter(out, state, value),
    };
    out.write_str(&text).map_err(Error::from)
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const NOW: OffsetDateTime = datetime!(2026-11-30 03:00:00 UTC);

    fn sample() -> AlertEvent {
        AlertEvent::sample(NOW)
    }

    #[test]
    fn renders_the_event_as_sent() {
        let text = render(
            "{{ event }} {{ website.name }} {{ check.status_code }} {{ sent_at }}",
            &sample(),
            NOW,
            false,
        );
        assert_eq!(text.unwrap(), "firing Example 503 2026-11-30T03:00:00Z");
    }

    #[test]
    fn json_output_stays_valid_whatever_the_values() {
        let mut event = sample();
        event.website.as_mut().unwrap().name = "Shop \"main\"\n\\ 1".into();
        event.check.as_mut().unwrap().error_message = None;
        let body = render(
            r#"{"name": "{{ website.name }}", "error": {{ check.error_message }}, "site": {{ website }}, "n": {{ website.name | tojson }}}"#,
            &event,
            NOW,
            true,
        )
        .unwrap();
        let parsed: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(parsed["name"], "Shop \"main\"\n\\ 1");
        assert_eq!(parsed["n"], "Shop \"main\"\n\\ 1");
        assert_eq!(parsed["error"], serde_json::Value::Null);
        assert_eq!(parsed["site"]["url"], "https://example.com/");
    }

    #[test]
    fn errors_name_the_line() {
        let error = check("{\n  \"a\": 1,\n  \"b\": {{ event \n}", true, NOW).unwrap_err();
        assert_eq!(error.field, "config.body_template");
        assert!(error.message.starts_with("line "), "{}", error.message);
        let error = check("{\n  \"a\": {{ event }}\n}", true, NOW).unwrap_err();
        assert!(
            error.message.starts_with("line 2: rendered body is not valid JSON"),
            "{}",
            error.message
        );
        assert!(check("plain {{ event }}", false, NOW).is_ok());
    }

    #[test]
    fn endless_templates_run_out_of_fuel() {
        let error = check(
            "{% for a in range(10000) %}{% for b in range(10000) %}x{% endfor %}{% endfor %}",
            false,
            NOW,
        );
        assert!(error.is_err());
    }
}
