//! Sending what the outbox hands out: deliveries grouped into messages (one per channel when
//! grouping is on), one attempt per message, and the retry rule applied to every delivery in
//! it. The caller (the outbox worker) runs messages concurrently and records the attempts.

use std::collections::BTreeMap;
use std::time::Instant;

use super::{AlertEvent, AttemptRecord, Channel, DueDelivery, Notifier, RetryPolicy, SendOutcome};
use crate::Clock;

/// Most events in one grouped message.
pub const MAX_EVENTS_PER_MESSAGE: usize = 100;

/// One message: one or more deliveries to one channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub channel: Channel,
    pub deliveries: Vec<DueDelivery>,
}

/// Groups claimed deliveries into messages: with `grouping`, every channel's deliveries go
/// out together (up to [`MAX_EVENTS_PER_MESSAGE`] a message); without it, one message each.
pub fn group_messages(claimed: Vec<DueDelivery>, grouping: bool) -> Vec<Message> {
    if !grouping {
        return claimed
            .into_iter()
            .map(|delivery| Message {
                channel: delivery.channel.clone(),
                deliveries: vec![delivery],
            })
            .collect();
    }
    let mut by_channel: BTreeMap<_, Vec<DueDelivery>> = BTreeMap::new();
    for delivery in claimed {
        by_channel.entry(delivery.channel.id).or_default().push(delivery);
    }
    let mut messages = Vec::new();
    for (_, deliveries) in by_channel {
        let mut rest = deliveries;
        while !rest.is_empty() {
            let tail = rest.split_off(rest.len().min(MAX_EVENTS_PER_MESSAGE));
            let channel = rest[0].channel.clone();
            messages.push(Message { channel, deliveries: rest });
            rest = tail;
        }
    }
    messages
}

/// A jitter value in [0, 1) for a delivery's `attempt`-th retry: spread by the delivery's id so
/// that deliveries failing together do not retry together, and the same on every node.
pub fn jitter(delivery: i64, attempt: u32) -> f64 {
    let mut x = (delivery as u64) ^ (u64::from(attempt) << 32) ^ 0x9E37_79B9_7F4A_7C15;
    // splitmix64
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// Sends messages through a notifier.
#[derive(Debug, Clone)]
pub struct Dispatcher<N, C> {
    notifier: N,
    clock: C,
    retry: RetryPolicy,
}

impl<N: Notifier, C: Clock> Dispatcher<N, C> {
    pub fn new(notifier: N, clock: C, retry: RetryPolicy) -> Self {
        Self { notifier, clock, retry }
    }

    /// Makes one attempt at `message` and says what becomes of each of its deliveries.
    pub async fn send(&self, message: &Message) -> Vec<AttemptRecord> {
        let events: Vec<AlertEvent> = message.deliveries.iter().map(|d| d.event.clone()).collect();
        let at = self.clock.now();
        let started = Instant::now();
        let outcome = self.notifier.send(&message.channel, &events, at).await;
        let duration = started.elapsed();
        let now = self.clock.now();
        let channel = &message.channel;
        let kind = channel.config.kind().as_str();
        match &outcome {
            SendOutcome::Delivered { .. } => tracing::info!(
                channel = %channel.id, kind, events = events.len(), ms = duration.as_millis() as u64,
                "Alert delivered to {}", channel.name.as_str()
            ),
            SendOutcome::Retry { error, .. } => tracing::warn!(
                channel = %channel.id, kind, events = events.len(),
                "Alert delivery to {} failed, will retry: {error}", channel.name.as_str()
            ),
            SendOutcome::Reject { .. } => {}
        }
        message
            .deliveries
            .iter()
            .map(|delivery| {
                let attempts = delivery.attempts.saturating_add(1);
                let jitter = jitter(delivery.id.get(), attempts);
                let next = self.retry.after(&outcome, attempts, delivery.created_at, now, jitter);
                if next == super::AfterAttempt::Dead {
                    tracing::error!(
                        channel = %channel.id, kind, delivery = %delivery.id, attempts,
                        dedup_key = %delivery.event.dedup_key,
                        "Alert delivery to {} given up: {}", channel.name.as_str(), outcome_text(&outcome)
                    );
                }
                AttemptRecord { delivery: delivery.id, at, duration, outcome: outcome.clone(), next }
            })
            .collect()
    }
}

/// The outcome in words, for logs and `last_error`.
pub fn outcome_text(outcome: &SendOutcome) -> &str {
    match outcome {
        SendOutcome::Delivered { .. } => "delivered",
        SendOutcome::Retry { error, .. } | SendOutcome::Reject { error, .. } => error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_is_spread_and_in_range() {
        let values: Vec<f64> = (1..=1000).map(|id| jitter(id, 1)).collect();
        assert!(values.iter().all(|v| (0.0..1.0).contains(v)));
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        assert!((0.4..0.6).contains(&mean), "mean {mean}");
        assert_eq!(jitter(5, 2), jitter(5, 2), "the same on every node");
        assert_ne!(jitter(5, 2), jitter(5, 3));
    }
}
