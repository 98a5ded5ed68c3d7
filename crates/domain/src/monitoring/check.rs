//! One check of one website and the availability rule.

use std::time::Duration;

use time::OffsetDateTime;

use super::ProbeFailure;
use crate::WebsiteId;

/// A response status counts as available when it is 2xx or 3xx.
pub fn is_available_status(status: u16) -> bool {
    (200..=399).contains(&status)
}

/// What a probe saw: a status (when the server answered), how long it took, and why it did not
/// get a usable answer.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckOutcome {
    pub status_code: Option<u16>,
    pub response_time: Duration,
    pub error: Option<ProbeFailure>,
}

impl CheckOutcome {
    /// Available means: an answer, no error, and a 2xx–3xx status.
    pub fn is_available(&self) -> bool {
        self.error.is_none() && self.status_code.is_some_and(is_available_status)
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
        CheckOutcome { status_code: status, response_time: Duration::from_millis(120), error }
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
