//! The `outbox-dispatch` job: sends what the outbox holds. Every second, and at once when the
//! check writer has queued deliveries, it leases the due deliveries, groups them into messages
//! (one per channel when grouping is on), sends the messages concurrently through the domain's
//! dispatcher, records every attempt, and repeats while a full batch came back.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use lookout_domain::Clock;
use lookout_domain::alerting::{
    AfterAttempt, AttemptRecord, ChannelPacing, Dispatcher, Notifier, Outbox, SendOutcome,
    group_messages,
};
use tokio::sync::Notify;

use crate::PeriodicJob;

/// Settings of the outbox worker.
#[derive(Debug, Clone)]
pub struct OutboxOptions {
    /// This node: who holds the leases.
    pub owner: String,
    /// How long a lease lasts (longer than a send's timeout).
    pub lease: Duration,
    /// Most deliveries leased at once.
    pub batch: u32,
    /// Messages sent at the same time.
    pub concurrency: usize,
    /// Whether a channel's deliveries go out together.
    pub grouping: bool,
    /// How often one channel gets a message.
    pub pacing: ChannelPacing,
}

/// Sends the outbox's due deliveries.
pub struct OutboxDispatch<O, N, C> {
    outbox: O,
    dispatcher: Dispatcher<N, C>,
    clock: C,
    options: OutboxOptions,
    wake: Arc<Notify>,
}

impl<O, N, C> std::fmt::Debug for OutboxDispatch<O, N, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboxDispatch").field("options", &self.options).finish_non_exhaustive()
    }
}

impl<O: Outbox, N: Notifier, C: Clock + Clone> OutboxDispatch<O, N, C> {
    pub const EVERY: Duration = Duration::from_secs(1);

    /// `wake` is the signal the check writer fires when it queues deliveries.
    pub fn new(
        outbox: O,
        dispatcher: Dispatcher<N, C>,
        clock: C,
        options: OutboxOptions,
        wake: Arc<Notify>,
    ) -> Self {
        Self { outbox, dispatcher, clock, options, wake }
    }

    /// One lease-send-record round; how many deliveries it leased.
    async fn round(&self) -> usize {
        let claimed = match self
            .outbox
            .claim_due(
                &self.options.owner,
                self.clock.now(),
                self.options.lease,
                self.options.batch,
                self.options.pacing,
            )
            .await
        {
            Ok(claimed) => claimed,
            Err(error) => {
                tracing::debug!(%error, "Cannot read the outbox");
                return 0;
            }
        };
        let leased = claimed.len();
        if leased == 0 {
            return 0;
        }
        tracing::debug!(deliveries = leased, "Sending deliveries");
        let messages = group_messages(claimed, self.options.grouping);
        let attempts: Vec<AttemptRecord> = futures::stream::iter(messages)
            .map(|message| async move {
                let kind = message.channel.config.kind().as_str();
                let records = self.dispatcher.send(&message).await;
                observe(kind, &records);
                for (record, delivery) in records.iter().zip(&message.deliveries) {
                    if record.next == AfterAttempt::Delivered {
                        // From the transition that queued it to the receiver's answer.
                        let latency = (record.at + record.duration - delivery.created_at).as_seconds_f64();
                        metrics::histogram!("lookout_alert_delivery_latency_seconds", "channel" => kind)
                            .record(latency.max(0.0));
                    }
                }
                records
            })
            .buffer_unordered(self.options.concurrency.max(1))
            .flat_map(futures::stream::iter)
            .collect()
            .await;
        if let Err(error) = self.outbox.record_attempts(&attempts).await {
            // The leases run out and the deliveries go again: at least once, never lost.
            tracing::error!(%error, deliveries = attempts.len(), "Cannot record delivery attempts");
        }
        leased
    }
}

/// Counts each delivery's result and the time from its queuing to its delivery.
fn observe(kind: &'static str, records: &[AttemptRecord]) {
    for record in records {
        let result = match (&record.outcome, record.next) {
            (SendOutcome::Delivered { .. }, _) => "delivered",
            (_, AfterAttempt::Dead) => "dead",
            (SendOutcome::Retry { .. }, _) => "retry",
            (SendOutcome::Reject { .. }, _) => "rejected",
        };
        metrics::counter!("lookout_alert_deliveries_total", "channel" => kind, "result" => result)
            .increment(1);
        metrics::histogram!("lookout_alert_send_seconds", "channel" => kind)
            .record(record.duration.as_secs_f64());
    }
}

impl<O: Outbox, N: Notifier, C: Clock + Clone> PeriodicJob for OutboxDispatch<O, N, C> {
    fn name(&self) -> &'static str {
        "outbox-dispatch"
    }

    fn period(&self) -> Duration {
        Self::EVERY
    }

    fn runs_at_start(&self) -> bool {
        true
    }

    fn wake(&self) -> Option<Arc<Notify>> {
        Some(Arc::clone(&self.wake))
    }

    async fn run(&self) {
        // Keep going while full batches come back (a storm), within one run.
        while self.round().await >= self.options.batch as usize {}
    }
}
