//! Deliveries: one event to one channel, kept in the outbox until it is sent or given up.
//! The retry rule is pure: the attempt's outcome, the policy and a jitter value give the time
//! of the next attempt, or `dead`.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    /// Not attempted yet (or waiting for its channel's group or rate limit).
    Pending,
    /// An attempt failed; another is scheduled.
    Failed,
    /// The channel accepted it.
    Delivered,
    /// Given up: a permanent refusal, or still failing after `give_up_after`.
    Dead,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Failed => "failed",
            Self::Delivered => "delivered",
            Self::Dead => "dead",
        }
    }

    /// Parses the stored (and query-string) form.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "pending" => Some(Self::Pending),
            "failed" => Some(Self::Failed),
            "delivered" => Some(Self::Delivered),
            "dead" => Some(Self::Dead),
            _ => None,
        }
    }
}

/// What one attempt to send came to, as the notifier saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    /// Accepted (`status_code` for HTTP channels).
    Delivered { status_code: Option<u16> },
    /// Worth retrying: a network error, a timeout, a 5xx, 408 or 429. `retry_after` is the
    /// receiver's `Retry-After`, when it sent one.
    Retry { error: String, status_code: Option<u16>, retry_after: Option<Duration> },
    /// Refused for good (another 4xx, a bad address): retrying cannot help.
    Reject { error: String, status_code: Option<u16> },
}

/// When to try again (config `alerts.retry_max_secs`, `alerts.give_up_after_secs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The delay before the first retry.
    pub first: Duration,
    /// The longest delay between two attempts.
    pub max: Duration,
    /// A delivery still failing this long after it was queued is dead.
    pub give_up_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            first: Duration::from_secs(1),
            max: Duration::from_secs(300),
            give_up_after: Duration::from_secs(24 * 3600),
        }
    }
}

/// How often one channel gets a message (config `alerts.group_wait_secs`,
/// `alerts.rate_limit_per_hour`). A channel is ready when its last message is at least
/// `group_wait` old (events meanwhile wait and go out together) and it has had fewer than
/// `per_hour` messages in its current hour; a channel held by the limit gets everything that
/// waited in its next message, summarised, instead of losing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelPacing {
    pub group_wait: Duration,
    pub per_hour: u32,
}

impl Default for ChannelPacing {
    fn default() -> Self {
        Self { group_wait: Duration::from_secs(10), per_hour: 60 }
    }
}

/// The hour a channel's message count runs over.
pub const RATE_WINDOW: Duration = Duration::from_secs(3600);

impl ChannelPacing {
    /// A channel is ready at `now` when its last message was at or before the first cut-off
    /// and its current hour began at or before the second (or it has room left in it).
    pub fn cutoffs(&self, now: OffsetDateTime) -> (OffsetDateTime, OffsetDateTime) {
        (now - self.group_wait, now - RATE_WINDOW)
    }

    /// A channel's hour after `messages` more messages at `now`: (start, count).
    pub fn hour_after(
        window_start: Option<OffsetDateTime>,
        sent: u32,
        messages: u32,
        now: OffsetDateTime,
    ) -> (OffsetDateTime, u32) {
        match window_start {
            Some(start) if now - start < RATE_WINDOW => (start, sent.saturating_add(messages)),
            _ => (now, messages),
        }
    }
}

/// The delivery's next state after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterAttempt {
    Delivered,
    RetryAt(OffsetDateTime),
    Dead,
}

impl RetryPolicy {
    /// The delay after the `attempts`-th failed attempt (1 for the first): `first` doubling,
    /// capped at `max`, spread by `jitter` (0 ≤ jitter < 1) over ±25 %, and never shorter
    /// than the receiver's `Retry-After`.
    pub fn delay(&self, attempts: u32, jitter: f64, retry_after: Option<Duration>) -> Duration {
        let doublings = attempts.saturating_sub(1).min(30);
        let base = self.first.saturating_mul(1 << doublings).min(self.max);
        let spread = 0.75 + 0.5 * jitter.clamp(0.0, 1.0);
        let jittered = base.mul_f64(spread).min(self.max);
        jittered.max(retry_after.unwrap_or_default())
    }

    /// Decides what follows an attempt made at `now` on a delivery queued at `queued_at`.
    pub fn after(
        &self,
        outcome: &SendOutcome,
        attempts: u32,
        queued_at: OffsetDateTime,
        now: OffsetDateTime,
        jitter: f64,
    ) -> AfterAttempt {
        match outcome {
            SendOutcome::Delivered { .. } => AfterAttempt::Delivered,
            SendOutcome::Reject { .. } => AfterAttempt::Dead,
            SendOutcome::Retry { retry_after, .. } => {
                let delay = self.delay(attempts, jitter, *retry_after);
                let next = now + delay;
                if next > queued_at + self.give_up_after {
                    AfterAttempt::Dead
                } else {
                    AfterAttempt::RetryAt(next)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const T0: OffsetDateTime = datetime!(2026-11-30 03:00:00 UTC);

    fn retry(after: Option<u64>) -> SendOutcome {
        SendOutcome::Retry {
            error: "HTTP 503".into(),
            status_code: Some(503),
            retry_after: after.map(Duration::from_secs),
        }
    }

    #[test]
    fn delays_start_near_a_second_and_double_up_to_the_cap() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.delay(1, 0.5, None), Duration::from_secs(1));
        assert_eq!(policy.delay(2, 0.5, None), Duration::from_secs(2));
        assert_eq!(policy.delay(5, 0.5, None), Duration::from_secs(16));
        assert_eq!(policy.delay(40, 0.5, None), Duration::from_secs(300), "capped");
        assert_eq!(policy.delay(1, 0.0, None), Duration::from_millis(750));
        assert!(policy.delay(1, 0.999, None) < Duration::from_millis(1250));
    }

    #[test]
    fn retry_after_is_honoured() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.delay(1, 0.5, Some(Duration::from_secs(30))), Duration::from_secs(30));
    }

    #[test]
    fn a_refusal_is_dead_at_once_and_a_failure_after_the_deadline_is_dead() {
        let policy = RetryPolicy::default();
        let reject = SendOutcome::Reject { error: "HTTP 404".into(), status_code: Some(404) };
        assert_eq!(policy.after(&reject, 1, T0, T0, 0.5), AfterAttempt::Dead);
        assert_eq!(
            policy.after(&retry(None), 1, T0, T0, 0.5),
            AfterAttempt::RetryAt(T0 + Duration::from_secs(1))
        );
        let late = T0 + Duration::from_secs(24 * 3600 - 10);
        assert_eq!(policy.after(&retry(None), 20, T0, late, 0.5), AfterAttempt::Dead);
        let ok = SendOutcome::Delivered { status_code: Some(204) };
        assert_eq!(policy.after(&ok, 3, T0, late, 0.5), AfterAttempt::Delivered);
    }

    #[test]
    fn a_channel_hour_counts_messages_and_starts_again_after_an_hour() {
        let pacing = ChannelPacing::default();
        assert_eq!(ChannelPacing::hour_after(None, 0, 2, T0), (T0, 2));
        let later = T0 + Duration::from_secs(600);
        assert_eq!(ChannelPacing::hour_after(Some(T0), 2, 1, later), (T0, 3));
        let next_hour = T0 + Duration::from_secs(3600);
        assert_eq!(ChannelPacing::hour_after(Some(T0), 60, 1, next_hour), (next_hour, 1));
        assert_eq!(pacing.cutoffs(later), (later - Duration::from_secs(10), later - RATE_WINDOW));
    }

    #[test]
    fn statuses_round_trip_their_text() {
        for status in [
            DeliveryStatus::Pending,
            DeliveryStatus::Failed,
            DeliveryStatus::Delivered,
            DeliveryStatus::Dead,
        ] {
            assert_eq!(DeliveryStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(DeliveryStatus::parse("sent"), None);
    }
}
