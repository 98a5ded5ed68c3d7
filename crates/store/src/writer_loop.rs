//! The check writer's loop. Normally: take what is queued (up to `max_batch`), write it in one
//! transaction, answer each caller. When the database cannot write — it is unavailable, its disk
//! is full, its storage fails — answer `Buffered` at once and hold the checks, oldest first, up to
//! `outage_buffer` (beyond that they are dropped and counted), retrying every `retry_interval`
//! until they are written in order — their downtime transitions are applied then, as if they had
//! been written on time. What it is doing is published as a [`WriteHealth`].

use std::collections::VecDeque;

use lookout_domain::{
    AppliedTransition, ErrorChain, MonitorCheck, RecordCheckError, RecordedCheck, WriteFault,
    WriteHealth,
};
use tokio::sync::mpsc;

use crate::check_writer::{CheckWriterOptions, Reply};
use crate::writer_health::CheckWriterHealth;
use crate::{Store, StoreError};

/// Checks held while the database cannot write, why, and what it has cost so far.
#[derive(Debug, Default)]
struct Held {
    checks: VecDeque<MonitorCheck>,
    /// Why the latest write failed; `None` while nothing is held.
    fault: Option<WriteFault>,
    dropped: u64,
    stored: u64,
}

impl Held {
    fn health(&self) -> WriteHealth {
        WriteHealth { fault: self.fault, held: self.checks.len() as u64, dropped: self.dropped }
    }
}

/// What the writer tells the outside: metrics, and its health.
struct Signals {
    held: metrics::Gauge,
    dropped: metrics::Counter,
    batch_size: metrics::Histogram,
    failures: metrics::Counter,
    health: CheckWriterHealth,
}

impl Signals {
    fn new(health: CheckWriterHealth) -> Self {
        Self {
            held: metrics::gauge!("lookout_checks_held"),
            dropped: metrics::counter!("lookout_checks_dropped_total"),
            batch_size: metrics::histogram!("lookout_check_batch_size"),
            failures: metrics::counter!("lookout_check_batch_failures_total"),
            health,
        }
    }

    fn publish(&self, held: &Held) {
        self.held.set(held.checks.len() as f64);
        self.health.set(held.health());
    }
}

impl Store {
    pub(crate) async fn run_writer(
        self,
        mut receiver: mpsc::Receiver<(MonitorCheck, Reply)>,
        options: CheckWriterOptions,
        health: CheckWriterHealth,
    ) {
        let max_batch = options.max_batch.max(1);
        let metrics = Signals::new(health);
        let mut held = Held::default();
        let mut checks = Vec::with_capacity(max_batch);
        let mut replies: Vec<Reply> = Vec::with_capacity(max_batch);
        loop {
            if !held.checks.is_empty() {
                if self.retry_held(&mut held, &options, &metrics).await {
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
                            None => return self.final_flush(held, &options, &metrics).await,
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
            match self.write_checks(&checks, &options).await {
                Ok(results) => {
                    for (reply, result) in replies.drain(..).zip(results) {
                        let _ = reply.send(Ok(result));
                    }
                }
                Err(error) if let Some(fault) = error.write_fault() => {
                    metrics.failures.increment(1);
                    warn_holding(fault, &error, options.outage_buffer);
                    held.fault = Some(fault);
                    for (check, reply) in checks.drain(..).zip(replies.drain(..)) {
                        hold(&mut held, check, reply, &options, &metrics);
                    }
                }
                Err(error) => {
                    metrics.failures.increment(1);
                    tracing::error!(checks = checks.len(), error = %ErrorChain(&error), "Failed to store a batch of checks");
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
        options: &CheckWriterOptions,
        metrics: &Signals,
    ) -> bool {
        let max_batch = options.max_batch.max(1);
        let batch: Vec<MonitorCheck> = held.checks.iter().take(max_batch).cloned().collect();
        metrics.batch_size.record(batch.len() as f64);
        match self.write_checks(&batch, options).await {
            Ok(results) => {
                held.checks.drain(..batch.len());
                held.stored += batch.len() as u64;
                for (check, result) in batch.iter().zip(results) {
                    log_late_transition(check, result);
                }
                if held.checks.is_empty() {
                    // Healthy again before the log line says so.
                    let ended = std::mem::take(held);
                    metrics.publish(held);
                    log_resumed(ended.fault, ended.stored, ended.dropped);
                } else {
                    metrics.publish(held);
                }
                true
            }
            Err(error) if let Some(fault) = error.write_fault() => {
                if held.fault != Some(fault) {
                    warn_holding(fault, &error, options.outage_buffer);
                    held.fault = Some(fault);
                    metrics.publish(held);
                }
                tracing::debug!(error = %ErrorChain(&error), held = held.checks.len(), "Database still cannot write");
                false
            }
            Err(error) => {
                // Not an outage: these checks cannot be written at all. Drop them rather than
                // block everything behind them.
                metrics.failures.increment(1);
                metrics.dropped.increment(batch.len() as u64);
                held.dropped += batch.len() as u64;
                held.checks.drain(..batch.len());
                metrics.publish(held);
                tracing::error!(checks = batch.len(), error = %ErrorChain(&error), "Dropped held check results that cannot be stored");
                true
            }
        }
    }

    /// The last sender is gone: one more try for the held checks, then report what is lost.
    async fn final_flush(self, mut held: Held, options: &CheckWriterOptions, metrics: &Signals) {
        while !held.checks.is_empty() && self.retry_held(&mut held, options, metrics).await {}
        if !held.checks.is_empty() {
            tracing::error!(
                lost = held.checks.len(),
                "Stopping while the database cannot write: {} held check results are lost",
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
    metrics: &Signals,
) {
    if held.checks.len() >= options.outage_buffer {
        if held.dropped == 0 {
            tracing::warn!(
                "Outage buffer full ({} check results): dropping new results until the database can write again",
                options.outage_buffer
            );
        }
        held.dropped += 1;
        metrics.dropped.increment(1);
        metrics.publish(held);
        let _ = reply.send(Err(RecordCheckError::Unavailable("outage buffer full".into())));
        return;
    }
    held.checks.push_back(check);
    metrics.publish(held);
    let _ = reply.send(Ok(RecordedCheck::Buffered));
}

/// The one WARN of an episode (or of a change of cause within one), naming the cause.
fn warn_holding(fault: WriteFault, error: &StoreError, bound: usize) {
    let error = ErrorChain(error);
    match fault {
        WriteFault::Unavailable => tracing::warn!(
            %error,
            "Database unavailable: holding check results until it returns (at most {bound})"
        ),
        WriteFault::DiskFull => tracing::warn!(
            %error,
            "Disk full: the database cannot write; holding check results until space returns (at most {bound})"
        ),
        WriteFault::IoError => tracing::warn!(
            %error,
            "Storage I/O error: the database cannot write; holding check results until it can (at most {bound})"
        ),
    }
}

/// The INFO that ends an episode.
fn log_resumed(fault: Option<WriteFault>, stored: u64, dropped: u64) {
    let cause = match fault {
        Some(WriteFault::DiskFull) => "Disk space back, writing resumed",
        Some(WriteFault::IoError) => "Storage writes back, writing resumed",
        Some(WriteFault::Unavailable) | None => "Database back",
    };
    tracing::info!(
        stored,
        dropped,
        "{cause}: stored {stored} held check results, dropped {dropped}"
    );
}

/// Window changes caused by checks written late (their callers were answered `Buffered`).
fn log_late_transition(check: &MonitorCheck, result: RecordedCheck) {
    let site = check.website_id;
    match result {
        RecordedCheck::Stored { window: AppliedTransition::Opened { at }, .. } => {
            tracing::warn!(website = %site, "Downtime window opened for website {site} at {at} (stored late)");
        }
        RecordedCheck::Stored { window: AppliedTransition::Closed { duration, .. }, .. } => {
            tracing::info!(website = %site, "Downtime window closed for website {site}. Duration: {:.1}s (stored late)", duration.as_secs_f64());
        }
        _ => {}
    }
}
