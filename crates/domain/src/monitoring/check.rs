//! One check of one website and the availability rule.

use std::time::Duration;

use time::OffsetDateTime;

use super::{Phases, ProbeFailure};
use crate::WebsiteId;
use crate::checks::{CertificateInfo, CheckSpec, ResponseBody, ResponseView, Verdict};

/// A response status counts as available when it is 2xx or 3xx.
pub fn is_available_status(status: u16) -> bool {
    (200..=399).contains(&status)
}

/// What a probe saw: a status (when the server answered), how long it took, and why it did not
/// get a usable answer; then what the site's assertions made of it ([`CheckOutcome::judge`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckOutcome {
    pub status_code: Option<u16>,
    pub response_time: Duration,
    pub error: Option<ProbeFailure>,
    /// The final response's headers, names in lower case (read for the judge, then dropped).
    pub headers: Vec<(String, String)>,
    /// The body, when an assertion needs it (read for the judge, then dropped).
    pub body: Option<ResponseBody>,
    /// Whole days until the leaf certificate of an HTTPS answer expires.
    pub tls_days_left: Option<i64>,
    /// That certificate.
    pub certificate: Option<CertificateInfo>,
    /// Where the time went, for an answer.
    pub phases: Option<Phases>,
    /// The judge's answer (`None`: not judged; the default 2xx–3xx rule applies).
    pub verdict: Option<Verdict>,
}

impl CheckOutcome {
    /// An answer (or a failure) with nothing else seen.
    pub fn new(
        status_code: Option<u16>,
        response_time: Duration,
        error: Option<ProbeFailure>,
    ) -> Self {
        Self { status_code, response_time, error, ..Self::default() }
    }

    /// Available means: an answer, no error, and the judge's yes (without a judge: a 2xx–3xx
    /// status).
    pub fn is_available(&self) -> bool {
        if self.error.is_some() {
            return false;
        }
        match (&self.verdict, self.status_code) {
            (Some(verdict), _) => verdict.available,
            (None, status) => status.is_some_and(is_available_status),
        }
    }

    /// Available, but not well.
    pub fn is_degraded(&self) -> bool {
        self.is_available() && self.verdict.as_ref().is_some_and(|v| v.degraded)
    }

    /// What failed, in words, when an assertion did.
    pub fn failed_assertion(&self) -> Option<&str> {
        self.verdict.as_ref().and_then(|v| v.failed_assertion.as_deref())
    }

    /// Judges an answer against the site's settings, then drops the headers and the body.
    pub fn judge(&mut self, spec: &CheckSpec) {
        if let (None, Some(status)) = (&self.error, self.status_code) {
            let response = ResponseView {
                status,
                headers: std::mem::take(&mut self.headers),
                body: self.body.take(),
                response_time: self.response_time,
                tls_days_left: self.tls_days_left,
            };
            self.verdict = Some(spec.judge(&response));
        }
        self.headers = Vec::new();
        self.body = None;
    }
}

/// One recorded check of one website.
#[derive(Debug, Clone, PartialEq)]
pub struct MonitorCheck {
    pub website_id: WebsiteId,
    pub timestamp: OffsetDateTime,
    pub status_code: Option<u16>,
    /// Seconds from the first byte sent to the end of the body (or to the failure).
    pub response_time: f64,
    pub is_available: bool,
    /// The failure's text (`ProbeFailure`'s `Display`).
    pub error_message: Option<String>,
    /// Taken while a silencing maintenance window covered the site: it raises no alert.
    pub in_maintenance: bool,
    /// Available, but a `degraded` assertion failed or the answer was slow.
    pub degraded: bool,
    /// Which assertion failed and what was seen.
    pub failed_assertion: Option<String>,
    /// Where the time went (an answer's; `None` for a failure).
    pub phases: Option<Phases>,
    /// The site's certificate, when it is to be stored with this check (it changed, or was
    /// last stored an hour ago; see `MonitoringService`).
    pub certificate: Option<CertificateInfo>,
}

#[cfg(any(test, feature = "mocks"))]
impl MonitorCheck {
    /// A plain check for tests: HTTP 200 in 100 ms, or HTTP 503, and nothing else.
    pub fn sample(website_id: WebsiteId, timestamp: OffsetDateTime, available: bool) -> Self {
        Self {
            website_id,
            timestamp,
            status_code: Some(if available { 200 } else { 503 }),
            response_time: 0.1,
            is_available: available,
            error_message: None,
            in_maintenance: false,
            degraded: false,
            failed_assertion: None,
            phases: None,
            certificate: None,
        }
    }
}

impl MonitorCheck {
    /// The record of `outcome`, a check of `website_id` that started at `timestamp`.
    pub fn from_outcome(
        website_id: WebsiteId,
        timestamp: OffsetDateTime,
        outcome: CheckOutcome,
    ) -> Self {
        Self {
            website_id,
            timestamp,
            is_available: outcome.is_available(),
            degraded: outcome.is_degraded(),
            failed_assertion: outcome.failed_assertion().map(str::to_owned),
            phases: outcome.phases,
            certificate: None,
            status_code: outcome.status_code,
            response_time: outcome.response_time.as_secs_f64(),
            error_message: outcome.error.map(|failure| failure.to_string()),
            in_maintenance: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitoring::{ConnectFailure, HttpFailure};

    fn outcome(status: Option<u16>, error: Option<ProbeFailure>) -> CheckOutcome {
        CheckOutcome::new(status, Duration::from_millis(120), error)
    }

    #[test]
    fn two_and_three_hundreds_are_available() {
        for status in [200, 204, 299, 301, 304, 399] {
            assert!(outcome(Some(status), None).is_available(), "{status}");
        }
    }

    #[test]
    fn everything_else_is_not() {
        for status in [100, 101, 199, 400, 404, 429, 500, 503, 599] {
            assert!(!outcome(Some(status), None).is_available(), "{status}");
        }
        let timeout = ProbeFailure::Timeout { after: Duration::from_secs(30) };
        assert!(!outcome(None, Some(timeout)).is_available());
        let reset = ProbeFailure::Body(HttpFailure::ConnectionReset);
        assert!(!outcome(Some(200), Some(reset)).is_available());
    }

    #[test]
    fn the_record_keeps_the_outcome_in_seconds() {
        let id = WebsiteId::new(3).unwrap();
        let at = OffsetDateTime::UNIX_EPOCH;
        let check = MonitorCheck::from_outcome(id, at, outcome(Some(503), None));
        assert_eq!(check.status_code, Some(503));
        assert!(!check.is_available);
        assert!((check.response_time - 0.12).abs() < 1e-9);
        assert_eq!(check.error_message, None);
    }

    #[test]
    fn the_record_keeps_the_failure_as_its_text() {
        let id = WebsiteId::new(3).unwrap();
        let refused = ProbeFailure::Connect(ConnectFailure::Refused);
        let check = MonitorCheck::from_outcome(
            id,
            OffsetDateTime::UNIX_EPOCH,
            outcome(None, Some(refused)),
        );
        assert_eq!(check.error_message.as_deref(), Some("connection refused"));
    }
}
