//! What an HTTP answer or failure comes to: 2xx delivered; 408, 429, 5xx, network errors,
//! timeouts and TLS errors retried (with the receiver's `Retry-After`); anything else refused.
//! Error texts are short, human, and carry no URL and no secret.

use std::error::Error as StdError;
use std::io;
use std::time::{Duration, SystemTime};

use lookout_domain::alerting::SendOutcome;
use reqwest::StatusCode;
use time::OffsetDateTime;

use crate::guard::{LookupFailure, PrivateAddress};

/// The longest `Retry-After` honoured.
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);

/// What a refused private address reads as.
pub(crate) const PRIVATE_ADDRESS: &str =
    "refused: the channel's URL points at a private address, which the address policy forbids";

/// The outcome of an answer with `status`; `detail` is a short text from the body, if any.
pub(crate) fn of_status(
    status: StatusCode,
    retry_after: Option<&str>,
    detail: Option<&str>,
    now: OffsetDateTime,
) -> SendOutcome {
    let code = status.as_u16();
    if status.is_success() {
        return SendOutcome::Delivered { status_code: Some(code) };
    }
    let mut error = match status.canonical_reason() {
        Some(reason) => format!("HTTP {code} {reason}"),
        None => format!("HTTP {code}"),
    };
    if status.is_redirection() {
        error.push_str(" (redirects are not followed)");
    } else if let Some(detail) = detail {
        error.push_str(": ");
        error.push_str(detail);
    }
    if code == 408 || code == 429 || status.is_server_error() {
        let retry_after = retry_after.and_then(|value| parse_retry_after(value, now));
        SendOutcome::Retry { error, status_code: Some(code), retry_after }
    } else {
        SendOutcome::Reject { error, status_code: Some(code) }
    }
}

/// `Retry-After` as delta-seconds or an HTTP date (relative to `now`), capped at a day.
pub(crate) fn parse_retry_after(value: &str, now: OffsetDateTime) -> Option<Duration> {
    let value = value.trim();
    let delay = match value.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => {
            let at = httpdate::parse_http_date(value).ok()?;
            at.duration_since(SystemTime::from(now)).unwrap_or(Duration::ZERO)
        }
    };
    Some(delay.min(MAX_RETRY_AFTER))
}

/// A short text from a refusal's body, worth showing: a line of plain text such as Slack's
/// `invalid_payload` (HTML error pages and long bodies are left out).
pub(crate) fn body_detail(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let plain = !text.is_empty() && !text.starts_with('<') && text.chars().count() <= 120;
    plain.then_some(text)
}

/// The outcome of a request that got no answer.
pub(crate) fn of_failure(error: &reqwest::Error, timeout: Duration) -> SendOutcome {
    let retry = |error: String| SendOutcome::Retry { error, status_code: None, retry_after: None };
    if find::<PrivateAddress>(error).is_some() {
        return SendOutcome::Reject { error: PRIVATE_ADDRESS.to_owned(), status_code: None };
    }
    if error.is_builder() {
        return SendOutcome::Reject {
            error: "the request cannot be built (check the channel's URL and headers)".to_owned(),
            status_code: None,
        };
    }
    if error.is_timeout() {
        return retry(timed_out(timeout));
    }
    if let Some(lookup) = find::<LookupFailure>(error) {
        return retry(lookup.to_string());
    }
    if let Some(tls) = find::<rustls::Error>(error) {
        return retry(tls_text(tls));
    }
    if let Some(io) = find::<io::Error>(error) {
        return retry(io_text(io, timeout));
    }
    if let Some(http) = find::<hyper::Error>(error) {
        if http.is_parse() || http.is_parse_status() || http.is_parse_too_large() {
            return retry("the answer is not HTTP".to_owned());
        }
        if http.is_incomplete_message() || http.is_closed() || http.is_canceled() {
            return retry("connection closed before an answer".to_owned());
        }
    }
    if error.is_connect() {
        return retry("connection failed".to_owned());
    }
    if error.is_body() || error.is_decode() {
        return retry("the answer's body could not be read".to_owned());
    }
    retry("connection closed before an answer".to_owned())
}

/// `timed out after 10s` (or `after 250ms`).
pub(crate) fn timed_out(timeout: Duration) -> String {
    if timeout.subsec_millis() == 0 && timeout >= Duration::from_secs(1) {
        format!("timed out after {}s", timeout.as_secs())
    } else {
        format!("timed out after {}ms", timeout.as_millis())
    }
}

pub(crate) fn io_text(error: &io::Error, timeout: Duration) -> String {
    match error.kind() {
        io::ErrorKind::ConnectionRefused => "connection refused".to_owned(),
        io::ErrorKind::ConnectionReset => "connection reset".to_owned(),
        io::ErrorKind::ConnectionAborted => "connection aborted".to_owned(),
        io::ErrorKind::TimedOut => timed_out(timeout),
        io::ErrorKind::HostUnreachable => "host unreachable".to_owned(),
        io::ErrorKind::NetworkUnreachable => "network unreachable".to_owned(),
        io::ErrorKind::UnexpectedEof | io::ErrorKind::BrokenPipe => {
            "connection closed before an answer".to_owned()
        }
        _ => match find_in::<rustls::Error>(error) {
            Some(tls) => tls_text(tls),
            None => "connection failed".to_owned(),
        },
    }
}

fn tls_text(error: &rustls::Error) -> String {
    use rustls::CertificateError as E;
    match error {
        rustls::Error::InvalidCertificate(certificate) => match certificate {
            E::Expired | E::ExpiredContext { .. } => "tls: certificate expired".to_owned(),
            E::UnknownIssuer => "tls: certificate not trusted (unknown issuer)".to_owned(),
            E::NotValidForName | E::NotValidForNameContext { .. } => {
                "tls: certificate is for another host".to_owned()
            }
            other => format!("tls: invalid certificate ({other:?})"),
        },
        other => format!("tls: {other}"),
    }
}

/// The first error of type `T` in `error`'s source chain (itself included, and the error an
/// `io::Error` wraps, which its `source()` skips).
pub(crate) fn find<'e, T: StdError + 'static>(
    error: &'e (dyn StdError + 'static),
) -> Option<&'e T> {
    find_in(error)
}

fn find_in<'e, T: StdError + 'static>(error: &'e (dyn StdError + 'static)) -> Option<&'e T> {
    let mut current = Some(error);
    while let Some(error) = current {
        if let Some(found) = error.downcast_ref::<T>() {
            return Some(found);
        }
        current = match error.downcast_ref::<io::Error>().and_then(io::Error::get_ref) {
            Some(wrapped) => Some(wrapped as &(dyn StdError + 'static)),
            None => error.source(),
        };
    }
    None
}

/// `text` with every secret replaced by `***` (a receiver may echo what it was sent).
pub(crate) fn scrub(text: String, secrets: &[&str]) -> String {
    secrets
        .iter()
        .filter(|secret| secret.len() >= 4)
        .fold(text, |text, secret| text.replace(secret, lookout_domain::alerting::MASK))
}

/// The outcome with its error text scrubbed of `secrets`.
pub(crate) fn scrubbed(outcome: SendOutcome, secrets: &[&str]) -> SendOutcome {
    match outcome {
        SendOutcome::Retry { error, status_code, retry_after } => {
            SendOutcome::Retry { error: scrub(error, secrets), status_code, retry_after }
        }
        SendOutcome::Reject { error, status_code } => {
            SendOutcome::Reject { error: scrub(error, secrets), status_code }
        }
        delivered @ SendOutcome::Delivered { .. } => delivered,
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const NOW: OffsetDateTime = datetime!(2026-11-30 03:00:00 UTC);

    #[test]
    fn statuses_are_classified() {
        let outcome = |code: u16| of_status(StatusCode::from_u16(code).unwrap(), None, None, NOW);
        assert_eq!(outcome(204), SendOutcome::Delivered { status_code: Some(204) });
        for code in [408, 429, 500, 502, 503] {
            assert!(matches!(outcome(code), SendOutcome::Retry { .. }), "{code}");
        }
        for code in [301, 400, 401, 404, 410, 422] {
            assert!(matches!(outcome(code), SendOutcome::Reject { .. }), "{code}");
        }
        let SendOutcome::Retry { error, .. } = outcome(503) else { unreachable!() };
        assert_eq!(error, "HTTP 503 Service Unavailable");
    }

    #[test]
    fn retry_after_reads_seconds_and_dates_and_is_capped() {
        assert_eq!(parse_retry_after(" 30 ", NOW), Some(Duration::from_secs(30)));
        assert_eq!(
            parse_retry_after("Mon, 30 Nov 2026 03:02:00 GMT", NOW),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after("Mon, 30 Nov 2026 02:00:00 GMT", NOW), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("999999", NOW), Some(MAX_RETRY_AFTER));
        assert_eq!(parse_retry_after("soon", NOW), None);
    }

    #[test]
    fn only_short_plain_bodies_are_shown() {
        assert_eq!(body_detail(b"invalid_payload\n").as_deref(), Some("invalid_payload"));
        assert_eq!(body_detail(b"<html><body>502</body></html>"), None);
        assert_eq!(body_detail(&[b'x'; 500]), None);
        assert_eq!(body_detail(b""), None);
    }

    #[test]
    fn secrets_are_scrubbed() {
        let text = scrub("echo: token-1234 and s3cret!".to_owned(), &["token-1234", "s3cret!", ""]);
        assert_eq!(text, "echo: *** and ***");
    }

    #[test]
    fn timeouts_read_in_seconds_or_milliseconds() {
        assert_eq!(timed_out(Duration::from_secs(10)), "timed out after 10s");
        assert_eq!(timed_out(Duration::from_millis(300)), "timed out after 300ms");
    }
}
