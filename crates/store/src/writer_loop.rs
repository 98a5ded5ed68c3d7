//! The check writer's loop. Normally: take what is queued (up to `max_batch`), write it in one
//! transaction, answer each caller. When the database is unavailable: answer `Buffered` at once
//! and hold the checks, oldest first, up to `outage_buffer` (beyond that they are dropped and
//! counted), retrying every `retry_interval` until they are written in order — their downtime
//! transitions are applied then, as if they had been written on time.

use std::collections::VecDeque;

use lookout_domain::{AppliedTransition, MonitorCheck, RecordCheckError, RecordedCheck};
use tokio::sync::mpsc;

use crate::Store;
use crate::check_writer::{CheckWriterOptions, Reply};

/// Checks held during an outage, and what the outage has cost so far.
#[derive(Debug, Default)]
struct Held {
    checks: VecDeque<MonitorCheck>,
    dropped: u64,
    stored: u64,
}

struct Metrics {
    held: metrics::Gauge,
    dropped: metrics::Counter,
    batch_size: metrics::Histogram,
    failures: metrics::Counter,
}

impl Metrics {
    fn new() -> Self {
        Self {
            held: metrics::gauge!("lookout_checks_held"),
            dropped: metrics::counter!("lookout_checks_dropped_total"),
            batch_size: metrics::histogram!("lookout_check_batch_size"),
            failures: metrics::counter!("lookout_check_batch_failures_total"),
        }
    }
}

impl Store {
    pub(crate) async fn run_writer(
        self,
        mut receiver: mpsc::Receiver<(MonitorCheck, Reply)>,
        options: CheckWriterOptions,
    ) {
        let max_batch = options.max_batch.max(1);
        let node = options.node_id.as_deref();
        let metrics = Metrics::new();
        let mut held = Held::default();
        let mut checks = Vec::with_capacity(max_batch);
        let mut replies: Vec<Reply> = Vec::with_capacity(max_batch);
        loop {
            if !held.checks.is_empty() {
                if self.retry_held(&mut held, max_batch, node, &metrics).await {
                    continue;
                }
                // Still down: keep taking checks until the next try (or until the last sender
                // is gone, which is shutdown).
                let retry = tokio::time::sleep(options.retry_interval);
                tokio::pin!(retry);
                loop {
                    tokio::select! {
                        () = &mut retry => break,
                        next = receiver.recv() => match next {
                            Some((check, reply)) => hold(&mut held, check, reply, &options, &metrics),
                            None => return self.final_flush(held, max_batch, node, &metrics).await,
                        },
                    }
                }
                continue;
            }
            let Some((check, reply)) = receiver.recv().await else { break };
            checks.push(check);
            replies.push(reply);
            while checks.len() < max_batch {
                match receiver.try_recv() {
                    Ok((check, reply)) => {
                        checks.push(check);
                        replies.push(reply);
                    }
                    Err(_) => break,
                }
            }
            tracing::debug!(checks = checks.len(), "Writing a batch of checks");
            metrics.batch_size.record(checks.len() as f64);
            match self.write_checks(&checks, node).await {
                Ok(results) => {
                    for (reply, result) in replies.drain(..).zip(results) {
                        let _ = reply.send(Ok(result));
                    }
                }
                Err(error) if error.is_unavailable() => {
                    metrics.failures.increment(1);
                    tracing::warn!(
                        error = %error,
                        "Database unavailable: holding check results until it returns (at most {})",
                        options.outage_buffer
                    );
                    for (check, reply) in checks.drain(..).zip(replies.drain(..)) {
                        hold(&mut held, check, reply, &options, &metrics);
                    }
                }
                Err(error) => {
                    metrics.failures.increment(1);
                    tracing::error!(checks = checks.len(), error = %error, "Failed to store a batch of checks");
                    for reply in replies.drain(..) {
                        let _ =
                            reply.send(Err(RecordCheckError::Unknown(error.to_string().into())));
                    }
                }
            }
            checks.clear();
        }
        tracing::debug!("Check writer stopped");
    }

    /// Tries to write the oldest held checks; true when it wrote some (the caller goes on).
    async fn retry_held(
        &self,
        held: &mut Held,
        max_batch: usize,
        node: Option<&str>,
        metrics: &Metrics,
    ) -> bool {
        let batch: Vec<MonitorCheck> = held.checks.iter().take(max_batch).cloned().collect();
        metrics.batch_size.record(batch.len() as f64);
        match self.write_checks(&batch, node).await {
            Ok(results) => {
                held.checks.drain(..batch.len());
                held.stored += batch.len() as u64;
                metrics.held.set(held.checks.len() as f64);
                for (check, result) in batch.iter().zip(results) {
                    log_late_transition(check, result);
                }
                if held.checks.is_empty() {
                    tracing::info!(
                        stored = held.stored,
                        dropped = held.dropped,
                        "Database back: stored {} held check results, dropped {}",
                        held.stored,
                        held.dropped
                    );
                    *held = Held::default();
                }
                true
            }
            Err(error) if error.is_unavailable() => {
                tracing::debug!(error = %error, held = held.checks.len(), "Database still unavailable");
                false
            }
            Err(error) => {
                // Not an outage: these checks cannot be written at all. Drop them rather than
                // block everything behind them.
                metrics.failures.increment(1);
                metrics.dropped.increment(batch.len() as u64);
                held.dropped += batch.len() as u64;
                held.checks.drain(..batch.len());
                metrics.held.set(held.checks.len() as f64);
                tracing::error!(checks = batch.len(), error = %error, "Dropped held check results that cannot be stored");
                true
            }
        }
    }

    /// The last sender is gone: one more try for the held checks, then report what is lost.
    async fn final_flush(
        self,
        mut held: Held,
        max_batch: usize,
        node: Option<&str>,
        metrics: &Metrics,
    ) {
        while !held.checks.is_empty() && self.retry_held(&mut held, max_batch, node, metrics).await
        {
        }
        if !held.checks.is_empty() {
            tracing::error!(
                lost = held.checks.len(),
                "Stopping with the database unavailable: {} held check results are lost",
                held.checks.len()
            );
        }
        tracing::debug!("Check writer stopped");
    }
}

/// Holds `check` (answering `Buffered`), or drops it when the buffer is full.
fn hold(
    held: &mut Held,
    check: MonitorCheck,
    reply: Reply,
    options: &CheckWriterOptions,
    metrics: &Metrics,
) {
    if held.checks.len() >= options.outage_buffer {
        if held.dropped == 0 {
            tracing::warn!(
                "Outage buffer full ({} check results): dropping new results until the database returns",
                options.outage_buffer
            );
        }
        held.dropped += 1;
        metrics.dropped.increment(1);
        let _ = reply.send(Err(RecordCheckError::Unavailable("outage buffer full".into())));
        return;
    }
    held.checks.push_back(check);
    metrics.held.set(held.checks.len() as f64);
    let _ = reply.send(Ok(RecordedCheck::Buffered));
}

/// Window changes caused by checks written late (their callers were answered `Buffered`).
fn log_late_transition(check: &MonitorCheck, result: RecordedCheck) {
    let site = check.website_id;
    match result {
        RecordedCheck::Stored(AppliedTransition::Opened { at }) => {
            tracing::warn!(website = %site, "Downtime window opened for website {site} at {at} (stored late)");
        }
        RecordedCheck::Stored(AppliedTransition::Closed { duration, .. }) => {
            tracing::info!(website = %site, "Downtime window closed for website {site}. Duration: {:.1}s (stored late)", duration.as_secs_f64());
        }
        _ => {}
    }
}
