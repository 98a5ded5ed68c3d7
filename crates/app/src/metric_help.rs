//! The `# HELP` text and unit of every metric family lookout exports, described to the recorder
//! at start so that `/metrics` explains itself (and `promtool check metrics` passes).

use metrics::Unit;

/// The kind of a metric family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Counter,
    Gauge,
    Histogram,
}

/// One metric family: name, kind, unit, help text.
pub(crate) type Family = (&'static str, Kind, Option<Unit>, &'static str);

/// Every family, by name.
pub(crate) const FAMILIES: &[Family] = &[
    (
        "lookout_alert_deliveries_total",
        Kind::Counter,
        None,
        "Alert delivery attempts by channel kind and result (delivered, retry, rejected).",
    ),
    (
        "lookout_alert_delivery_latency_seconds",
        Kind::Histogram,
        Some(Unit::Seconds),
        "Time from the transition that queued an alert to the receiver's acceptance, by channel kind.",
    ),
    (
        "lookout_alert_send_seconds",
        Kind::Histogram,
        Some(Unit::Seconds),
        "Duration of one alert send attempt, by channel kind.",
    ),
    (
        "lookout_certificate_expiry_timestamp_seconds",
        Kind::Gauge,
        Some(Unit::Seconds),
        "When a site's TLS leaf certificate expires, as a Unix timestamp (per-site labels only).",
    ),
    (
        "lookout_check_batch_failures_total",
        Kind::Counter,
        None,
        "Batches of checks the database failed to write (their checks are held and retried).",
    ),
    (
        "lookout_check_batch_size",
        Kind::Histogram,
        Some(Unit::Count),
        "Checks written per database transaction by the check writer.",
    ),
    (
        "lookout_check_duration_seconds",
        Kind::Histogram,
        Some(Unit::Seconds),
        "Duration of one check, from connecting to the judged answer (or the error).",
    ),
    (
        "lookout_checks_dropped_total",
        Kind::Counter,
        None,
        "Checks dropped because the database could not write for longer than the outage buffer holds.",
    ),
    (
        "lookout_checks_held",
        Kind::Gauge,
        Some(Unit::Count),
        "Checks held in memory while the database cannot write.",
    ),
    (
        "lookout_checks_in_flight",
        Kind::Gauge,
        Some(Unit::Count),
        "Checks running right now on this node.",
    ),
    (
        "lookout_checks_total",
        Kind::Counter,
        None,
        "Check runs on this node by result: up, degraded, down, error, skipped (breaker open), paused, site_gone, not_stored, buffered, abandoned.",
    ),
    (
        "lookout_circuit_breakers_open",
        Kind::Gauge,
        Some(Unit::Count),
        "Sites whose circuit breaker is open or running its trial on this node.",
    ),
    (
        "lookout_config_file_applies_total",
        Kind::Counter,
        None,
        "Versions of the owned config file read, by outcome: applied, unchanged, invalid, failed (storage; tried again).",
    ),
    (
        "lookout_config_file_valid",
        Kind::Gauge,
        None,
        "1 when the owned config file's current version is applied, 0 when it is invalid (the last good version stays).",
    ),
    (
        "lookout_http_request_duration_seconds",
        Kind::Histogram,
        Some(Unit::Seconds),
        "Duration of API and page requests, by method and route.",
    ),
    (
        "lookout_http_requests_total",
        Kind::Counter,
        None,
        "API and page requests answered, by method, route and status code.",
    ),
    (
        "lookout_incidents_open",
        Kind::Gauge,
        Some(Unit::Count),
        "Alert incidents open now (firing or acknowledged).",
    ),
    (
        "lookout_job_runs_total",
        Kind::Counter,
        None,
        "Runs of each periodic job (rollup, retention, site-gauges, ...).",
    ),
    (
        "lookout_outbox_oldest_seconds",
        Kind::Gauge,
        Some(Unit::Seconds),
        "Age of the oldest alert delivery still waiting to be sent (0 when none waits).",
    ),
    (
        "lookout_outbox_waiting",
        Kind::Gauge,
        Some(Unit::Count),
        "Alert deliveries waiting to be sent or retried.",
    ),
    (
        "lookout_schedule_claimed_total",
        Kind::Counter,
        None,
        "Check slots this node claimed from the shared schedule (PostgreSQL shared mode).",
    ),
    (
        "lookout_schedule_held",
        Kind::Gauge,
        Some(Unit::Count),
        "Claimed slots this node holds and has not yet returned to the shared schedule.",
    ),
    (
        "lookout_schedule_lateness_seconds",
        Kind::Histogram,
        Some(Unit::Seconds),
        "How late a check started after its scheduled time.",
    ),
    (
        "lookout_schedule_released_total",
        Kind::Counter,
        None,
        "Check slots this node returned to the shared schedule after checking them.",
    ),
    (
        "lookout_scheduled_sites",
        Kind::Gauge,
        Some(Unit::Count),
        "Sites on this node's schedule (local mode) or in its view of the shared schedule.",
    ),
    (
        "lookout_sites",
        Kind::Gauge,
        Some(Unit::Count),
        "Sites by state: enabled, disabled, up, degraded, down (open downtime window or failed last check), unknown (never checked).",
    ),
];

/// Describes every family to the installed recorder.
pub(crate) fn describe_all() {
    for &(name, kind, unit, help) in FAMILIES {
        match (kind, unit) {
            (Kind::Counter, Some(unit)) => metrics::describe_counter!(name, unit, help),
            (Kind::Counter, None) => metrics::describe_counter!(name, help),
            (Kind::Gauge, Some(unit)) => metrics::describe_gauge!(name, unit, help),
            (Kind::Gauge, None) => metrics::describe_gauge!(name, help),
            (Kind::Histogram, Some(unit)) => metrics::describe_histogram!(name, unit, help),
            (Kind::Histogram, None) => metrics::describe_histogram!(name, help),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// Every `counter!`/`gauge!`/`histogram!("lookout_…"` in the workspace's sources.
    fn emitted(dir: &Path, found: &mut Vec<(String, Kind)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                emitted(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for (macro_name, kind) in [
                    ("counter!(", Kind::Counter),
                    ("gauge!(", Kind::Gauge),
                    ("histogram!(", Kind::Histogram),
                ] {
                    for (at, _) in text.match_indices(macro_name) {
                        let rest = text[at + macro_name.len()..].trim_start();
                        if let Some(name) = rest.strip_prefix('"').and_then(|r| r.split('"').next())
                            && name.starts_with("lookout_")
                            && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                        {
                            found.push((name.to_owned(), kind));
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn every_family_the_code_emits_is_described_once_with_its_kind() {
        let crates = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let mut found = Vec::new();
        emitted(crates, &mut found);
        assert!(found.len() > 20, "the scan finds the metrics: {found:?}");
        for (name, kind) in &found {
            let described: Vec<_> = FAMILIES.iter().filter(|f| f.0 == name).collect();
            assert_eq!(described.len(), 1, "{name} is described exactly once");
            assert_eq!(described[0].1, *kind, "{name} is described as what it is");
        }
        for (name, ..) in FAMILIES {
            assert!(found.iter().any(|(n, _)| n == name), "{name} is still emitted somewhere");
        }
    }

    #[test]
    fn help_text_is_one_line_ending_with_a_full_stop() {
        for (name, _, _, help) in FAMILIES {
            assert!(!help.contains('\n') && help.ends_with('.'), "{name}: {help:?}");
        }
    }
}
