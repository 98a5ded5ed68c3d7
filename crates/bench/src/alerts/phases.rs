//! The phases of one alert-benchmark run, each against the running lookout: a healthy
//! baseline (the check rate with no storm), a trickle of single outages (latency), a storm
//! (every site down, or up, at once) and a storm against a receiver failing half its requests.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::bail;
use lookout_target_farm::{Answer, WebhookReceiver};
use time::OffsetDateTime;

use super::farm::{Farm, Meter, Rate};
use super::received::{Received, Spread};
use crate::lookout_process::{LookoutProcess, log_number};

/// What a phase works with.
pub(crate) struct Rig<'a> {
    pub(crate) farm: &'a Farm,
    pub(crate) receiver: &'a WebhookReceiver,
    pub(crate) lookout: &'a mut LookoutProcess,
    pub(crate) sites: u64,
    /// Longest wait for a phase's events.
    pub(crate) timeout: Duration,
}

/// The check rate and lookout's CPU over a window.
#[derive(Debug, Clone)]
pub(crate) struct Load {
    pub(crate) rate: Rate,
    pub(crate) cores: f64,
}

/// Latency of single outages, one at a time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Trickle {
    pub(crate) firing: Spread,
    pub(crate) resolved: Spread,
}

/// Every site down (or up) at once.
#[derive(Debug)]
pub(crate) struct Storm {
    pub(crate) kind: &'static str,
    /// Sites whose event arrived.
    pub(crate) arrived: usize,
    pub(crate) messages: usize,
    pub(crate) largest: usize,
    /// Seconds from the storm's start to the first and the last event.
    pub(crate) span: Option<(f64, f64)>,
    pub(crate) latency: Spread,
    /// Milliseconds of each delivered message's send (lookout's log).
    pub(crate) send_ms: Spread,
    pub(crate) load: Load,
}

/// A storm against a receiver that fails every other request.
#[derive(Debug)]
pub(crate) struct Flaky {
    pub(crate) requests: usize,
    pub(crate) failed_requests: usize,
    /// Sites whose firing was accepted at least once.
    pub(crate) arrived: usize,
    /// Distinct dedup keys accepted (after the receiver's dedup: one event each).
    pub(crate) keys: usize,
    /// Keys accepted more than once (on the wire, before dedup).
    pub(crate) keys_twice: usize,
    pub(crate) most_attempts: usize,
    /// Seconds from the storm's start until every key had been accepted once.
    pub(crate) all_in_secs: Option<f64>,
}

impl Rig<'_> {
    fn cpu(&self) -> anyhow::Result<f64> {
        Ok(self.lookout.usage()?.cpu_secs)
    }

    /// The check rate with nothing happening, over `secs`.
    pub(crate) async fn baseline(&mut self, secs: u64) -> anyhow::Result<Load> {
        let (cpu, started) = (self.cpu()?, Instant::now());
        let mut meter = Meter::start(self.farm);
        while started.elapsed() < Duration::from_secs(secs) {
            tokio::time::sleep(Duration::from_millis(100)).await;
            meter.tick(self.farm);
        }
        self.lookout.ensure_running()?;
        let rate = meter.finish(self.farm);
        let cores = (self.cpu()? - cpu) / rate.secs;
        Ok(Load { rate, cores })
    }

    /// Waits until `done` says so (polled every `every`), ticking `meter`; false on timeout.
    async fn wait(
        &mut self,
        every: Duration,
        meter: &mut Option<&mut Meter>,
        mut done: impl FnMut(&WebhookReceiver) -> bool,
    ) -> anyhow::Result<bool> {
        let deadline = Instant::now() + self.timeout;
        loop {
            if done(self.receiver) {
                return Ok(true);
            }
            if Instant::now() > deadline {
                return Ok(false);
            }
            self.lookout.ensure_running()?;
            tokio::time::sleep(every).await;
            if let Some(meter) = meter.as_deref_mut() {
                meter.tick(self.farm);
            }
        }
    }

    /// `count` sites spread over all, taken down one every `spacing`, then brought back the
    /// same way; the latency of each firing and resolved event.
    pub(crate) async fn trickle(
        &mut self,
        count: u64,
        spacing: Duration,
    ) -> anyhow::Result<Trickle> {
        self.receiver.clear();
        let step = (self.sites / count.max(1)).max(1);
        let chosen: Vec<u64> = (0..count.min(self.sites)).map(|i| 1 + i * step).collect();
        let every = Duration::from_millis(200);
        for (status, kind) in [(503, "firing"), (200, "resolved")] {
            for n in &chosen {
                self.farm.set([*n], status);
                tokio::time::sleep(spacing).await;
            }
            let expected = chosen.len();
            let arrived = self
                .wait(every, &mut None, |r| {
                    Received::read(&r.requests("/hook")).sites_with(kind).len() >= expected
                })
                .await?;
            if !arrived {
                bail!("trickle: not every {kind} event arrived within {:?}", self.timeout);
            }
        }
        let received = Received::read(&self.receiver.requests("/hook"));
        Ok(Trickle {
            firing: Spread::of(received.latencies_ms("firing")),
            resolved: Spread::of(received.latencies_ms("resolved")),
        })
    }

    /// Every site answers `status` at once; waits for every site's event (`firing` for a
    /// failure status, `resolved` for 200). `grouped`: messages carry several events.
    pub(crate) async fn storm(&mut self, status: u16, grouped: bool) -> anyhow::Result<Storm> {
        self.receiver.clear();
        let kind = if status == 200 { "resolved" } else { "firing" };
        let expected = usize::try_from(self.sites)?;
        let log_from = self.lookout.logs().len();
        let (cpu, start) = (self.cpu()?, OffsetDateTime::now_utc());
        let mut meter = Meter::start(self.farm);
        self.farm.set(1..=self.sites, status);
        if grouped {
            // Few messages: reading them all back is cheap.
            let every = Duration::from_millis(500);
            self.wait(every, &mut Some(&mut meter), |r| {
                Received::read(&r.requests("/hook")).sites_with(kind).len() >= expected
            })
            .await?;
        } else {
            // One request per event: count them, without copying them, until all are in.
            let every = Duration::from_millis(100);
            self.wait(every, &mut Some(&mut meter), |r| r.count("/hook") >= expected).await?;
        }
        let rate = meter.finish(self.farm);
        let cores = (self.cpu()? - cpu) / rate.secs;
        let received = Received::read(&self.receiver.requests("/hook"));
        let send_ms = self.lookout.logs()[log_from..]
            .iter()
            .filter(|line| line.contains("Alert delivered"))
            .filter_map(|line| log_number(line, "ms"))
            .collect();
        Ok(Storm {
            kind,
            arrived: received.sites_with(kind).len(),
            messages: received.messages,
            largest: received.largest,
            span: received.span_secs(kind, start),
            latency: Spread::of(received.latencies_ms(kind)),
            send_ms: Spread::of(send_ms),
            load: Load { rate, cores },
        })
    }

    /// Every site down at once while the receiver fails every other request; waits until
    /// every firing was accepted, then `settle` longer for copies.
    pub(crate) async fn flaky(&mut self, settle: Duration) -> anyhow::Result<Flaky> {
        self.receiver.clear();
        self.receiver.answer_all([Answer::Status(500), Answer::NO_CONTENT]);
        let expected = usize::try_from(self.sites)?;
        let start = OffsetDateTime::now_utc();
        self.farm.set(1..=self.sites, 503);
        let every = Duration::from_secs(2);
        // Reading every request back is costly: only once there can be enough of them.
        self.wait(every, &mut None, |r| {
            r.count("/hook") >= expected
                && Received::read(&r.requests("/hook")).sites_with("firing").len() >= expected
        })
        .await?;
        tokio::time::sleep(settle).await;
        self.receiver.answer_all([]);
        let received = Received::read(&self.receiver.requests("/hook"));
        let per_key = received.accepted_per_key("firing");
        let mut first_accepted: HashMap<&str, OffsetDateTime> = HashMap::new();
        for e in received.accepted("firing") {
            let at = first_accepted.entry(e.dedup_key.as_str()).or_insert(e.received_at);
            *at = (*at).min(e.received_at);
        }
        let arrived = received.sites_with("firing").len();
        Ok(Flaky {
            requests: received.messages,
            failed_requests: received.messages - received.accepted_messages,
            arrived,
            keys: per_key.len(),
            keys_twice: per_key.values().filter(|n| **n > 1).count(),
            most_attempts: received.most_attempts("firing"),
            all_in_secs: (arrived >= expected)
                .then(|| first_accepted.values().max().map(|at| (*at - start).as_seconds_f64()))
                .flatten(),
        })
    }
}
