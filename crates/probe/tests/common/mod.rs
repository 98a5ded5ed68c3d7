//! What the probe's test files share: options for local targets and one judged probe.

use std::time::Duration;

use lookout_domain::checks::CheckSpec;
use lookout_domain::website::AddressPolicy;
use lookout_domain::{CheckOutcome, Prober, WebsiteUrl};
use lookout_probe::{HyperProber, ProbeOptions};

/// Local targets live on loopback: allow it (the default policy refuses private addresses).
pub fn options() -> ProbeOptions {
    ProbeOptions {
        retry_backoff: Duration::from_millis(1),
        addresses: AddressPolicy::allow_all(),
        ..ProbeOptions::default()
    }
}

/// One check of `url` as `spec` asks it, judged as the monitoring service judges it.
pub async fn probe_as(options: ProbeOptions, url: &str, spec: &CheckSpec) -> CheckOutcome {
    let prober = HyperProber::new(options).unwrap_or_else(|e| panic!("prober: {e}"));
    let url = WebsiteUrl::parse(url).unwrap_or_else(|e| panic!("url: {e}"));
    let mut outcome = prober.probe(&url, spec).await;
    outcome.judge(spec);
    outcome
}

/// The text lookout records for the outcome's failure.
pub fn error_text(outcome: &CheckOutcome) -> Option<String> {
    outcome.error.as_ref().map(ToString::to_string)
}
