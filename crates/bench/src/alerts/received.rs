//! What the webhook receiver got, read back as events: one per single-event message, one per
//! entry of a `group` message, each with the time the receiver got it and whether it was
//! accepted (a 2xx answer).

use std::collections::{HashMap, HashSet};

use lookout_target_farm::{Answer, ReceivedRequest};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::stats::quantile;

/// One event as received.
#[derive(Debug, Clone)]
pub(crate) struct Event {
    pub(crate) site: i64,
    pub(crate) kind: String,
    pub(crate) dedup_key: String,
    /// The start of the check that crossed the threshold: the event's `check.timestamp` (the
    /// check that opened the incident for `firing`, the one that resolved it for `resolved`).
    pub(crate) check_at: Option<OffsetDateTime>,
    pub(crate) received_at: OffsetDateTime,
    pub(crate) accepted: bool,
}

/// Requests read back.
#[derive(Debug, Default)]
pub(crate) struct Received {
    /// Requests (messages) in all, accepted or not.
    pub(crate) messages: usize,
    pub(crate) accepted_messages: usize,
    /// Events in the largest message.
    pub(crate) largest: usize,
    pub(crate) events: Vec<Event>,
}

fn accepted(answer: &Answer) -> bool {
    matches!(answer, Answer::Status(status) if (200..300).contains(status))
}

fn event(value: &serde_json::Value, received_at: OffsetDateTime, accepted: bool) -> Event {
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
    Event {
        site: value["website"]["id"].as_i64().unwrap_or_default(),
        kind: text(&value["event"]),
        dedup_key: text(&value["dedup_key"]),
        check_at: value["check"]["timestamp"]
            .as_str()
            .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok()),
        received_at,
        accepted,
    }
}

impl Received {
    pub(crate) fn read(requests: &[ReceivedRequest]) -> Self {
        let mut received = Self::default();
        for request in requests {
            let Ok(body) = request.json() else { continue };
            let ok = accepted(&request.answer);
            received.messages += 1;
            received.accepted_messages += usize::from(ok);
            let before = received.events.len();
            match body["events"].as_array() {
                Some(events) if body["event"] == "group" => {
                    received.events.extend(events.iter().map(|e| event(e, request.received_at, ok)))
                }
                _ => received.events.push(event(&body, request.received_at, ok)),
            }
            received.largest = received.largest.max(received.events.len() - before);
        }
        received
    }

    /// Accepted events of `kind`.
    pub(crate) fn accepted(&self, kind: &str) -> impl Iterator<Item = &Event> {
        self.events.iter().filter(move |e| e.accepted && e.kind == kind)
    }

    /// Sites with an accepted event of `kind`.
    pub(crate) fn sites_with(&self, kind: &str) -> HashSet<i64> {
        self.accepted(kind).map(|e| e.site).collect()
    }

    /// Milliseconds from each accepted `kind` event's check to its receipt.
    pub(crate) fn latencies_ms(&self, kind: &str) -> Vec<f64> {
        self.accepted(kind)
            .filter_map(|e| e.check_at.map(|at| (e.received_at - at).as_seconds_f64() * 1000.0))
            .collect()
    }

    /// Seconds from `start` to the first and to the last accepted `kind` event.
    pub(crate) fn span_secs(&self, kind: &str, start: OffsetDateTime) -> Option<(f64, f64)> {
        let times = self.accepted(kind).map(|e| (e.received_at - start).as_seconds_f64());
        times.fold(None, |span, t| match span {
            None => Some((t, t)),
            Some((first, last)) => Some((f64::min(first, t), f64::max(last, t))),
        })
    }

    /// How often each dedup key of `kind` was accepted.
    pub(crate) fn accepted_per_key(&self, kind: &str) -> HashMap<&str, usize> {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for e in self.accepted(kind) {
            *counts.entry(e.dedup_key.as_str()).or_default() += 1;
        }
        counts
    }

    /// Most requests (accepted or not) that carried one dedup key of `kind`.
    pub(crate) fn most_attempts(&self, kind: &str) -> usize {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for e in self.events.iter().filter(|e| e.kind == kind) {
            *counts.entry(e.dedup_key.as_str()).or_default() += 1;
        }
        counts.into_values().max().unwrap_or(0)
    }
}

/// p50, p99 and max of a sample (NaN when empty).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spread {
    pub(crate) p50: f64,
    pub(crate) p99: f64,
    pub(crate) max: f64,
    pub(crate) n: usize,
}

impl Spread {
    pub(crate) fn of(mut values: Vec<f64>) -> Self {
        let max = values.iter().copied().fold(f64::NAN, f64::max);
        Self {
            p50: quantile(&mut values, 0.5),
            p99: quantile(&mut values, 0.99),
            max,
            n: values.len(),
        }
    }
}
