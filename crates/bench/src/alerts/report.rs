//! The alert benchmark's figures and its verdict on each of the targets.

use super::Args;
use super::phases::{Flaky, Load, Storm, Trickle};
use super::received::Spread;
use super::setup::Backend;

/// The check rate during a storm must stay at this share of the baseline or above.
const RATE_SHARE: f64 = 0.8;
/// The p99 latency bound with a healthy receiver (ms).
const LATENCY_P99_MS: f64 = 1000.0;

/// The machine's 1-, 5- and 15-minute load averages, as `uptime` shows them.
pub(crate) fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|text| text.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// A line on stderr as each phase ends.
pub(crate) fn progress(phase: &str, load: &str) {
    eprintln!("[alerts] {phase} done (load average {load})");
}

pub(crate) struct Header {
    pub(crate) backend: Backend,
    pub(crate) sites: u64,
    pub(crate) interval: u32,
    pub(crate) load_at_start: String,
}

impl Header {
    pub(crate) fn print(&self) {
        println!(
            "lookout-bench alerts ({:?}; {} sites every {} s = {:.0} checks/s offered; one webhook \
             channel to a receiver in this process; circuit breakers off; load average at start \
             {})",
            self.backend,
            self.sites,
            self.interval,
            self.sites as f64 / f64::from(self.interval),
            self.load_at_start
        );
    }
}

pub(crate) struct UngroupedRun {
    pub(crate) sites: u64,
    pub(crate) baseline: Load,
    pub(crate) trickle: Trickle,
    pub(crate) down: Storm,
    pub(crate) up: Storm,
    pub(crate) flaky: Flaky,
    /// lookout's deliveries afterwards (counted up to 1,000).
    pub(crate) dead: usize,
    pub(crate) waiting: usize,
}

pub(crate) struct GroupedRun {
    pub(crate) baseline: Load,
    pub(crate) down: Storm,
    pub(crate) waited_secs: u64,
}

fn spread(label: &str, s: &Spread) -> String {
    format!("{label} p50 {:.1} / p99 {:.1} / max {:.1} ms (n = {})", s.p50, s.p99, s.max, s.n)
}

fn load(load: &Load) -> String {
    format!(
        "checks/s {:.0} (slowest second {:.0}) over {:.1} s, lookout {:.2} cores",
        load.rate.mean, load.rate.slowest, load.rate.secs, load.cores
    )
}

fn ratio(storm: &Storm, baseline: &Load) -> f64 {
    storm.load.rate.mean / baseline.rate.mean
}

fn storm(label: &str, storm: &Storm, baseline: &Load, sites: u64) {
    let (first, last) = storm.span.unwrap_or((f64::NAN, f64::NAN));
    println!(
        "  {label:<15} {}/{sites} sites' {} arrived in {} messages (largest {} events); first \
         +{first:.2} s, last +{last:.2} s after the storm began: {:.0} events/s from first to \
         last ({:.0}/s from the start)",
        storm.arrived,
        storm.kind,
        storm.messages,
        storm.largest,
        storm.arrived as f64 / (last - first).max(1e-3),
        storm.arrived as f64 / last.max(1e-3),
    );
    println!("  {:<15} {}", "", spread("latency", &storm.latency));
    println!("  {:<15} {}", "", spread("one send", &storm.send_ms));
    println!("  {:<15} {} = {:.2} × baseline", "", load(&storm.load), ratio(storm, baseline));
    let seconds: Vec<String> = storm.load.rate.seconds.iter().map(|r| format!("{r:.0}")).collect();
    println!("  {:<15} checks/s second by second: {}", "", seconds.join(" "));
}

impl UngroupedRun {
    pub(crate) fn print(&self, args: &Args) {
        println!(
            "run 1: grouping off (alerts.group_wait_secs = 0, rate_limit_per_hour = 1000000, \
             retry_max_secs = {})",
            args.retry_max_secs
        );
        println!("  {:<15} {}", "baseline", load(&self.baseline));
        println!(
            "  {:<15} {} sites down one every {} ms, then up: {}",
            "trickle",
            args.trickle_sites,
            args.trickle_ms,
            spread("firing", &self.trickle.firing)
        );
        println!("  {:<15} {}", "", spread("resolved", &self.trickle.resolved));
        storm("storm down", &self.down, &self.baseline, args.sites);
        storm("storm up", &self.up, &self.baseline, args.sites);
        let f = &self.flaky;
        println!(
            "  {:<15} every other request answered 500: {}/{} sites' firing accepted, {} keys \
             after dedup, {} keys accepted more than once; {} requests ({} failed), at most {} \
             for one event; all accepted {} after the storm began; lookout: {} dead, {} waiting",
            "half-failing",
            f.arrived,
            args.sites,
            f.keys,
            f.keys_twice,
            f.requests,
            f.failed_requests,
            f.most_attempts,
            f.all_in_secs.map_or("never".to_owned(), |s| format!("{s:.1} s")),
            self.dead,
            self.waiting,
        );
    }
}

impl GroupedRun {
    pub(crate) fn print(&self, sites: u64) {
        println!(
            "run 2: grouping on (alerts.group_wait_secs = 10, rate_limit_per_hour = 60: the \
             defaults); watched for {} s",
            self.waited_secs
        );
        println!("  {:<15} {}", "baseline", load(&self.baseline));
        storm("storm down", &self.down, &self.baseline, sites);
    }
}

fn verdict(label: &str, figure: &str, met: bool) {
    println!("  {label:<58} {figure:<44} {}", if met { "MET" } else { "NOT MET" });
}

pub(crate) fn verdicts(first: Option<&UngroupedRun>, second: Option<&GroupedRun>) {
    println!("verdicts (load average now {}):", load_average());
    if let Some(first) = first {
        let share = ratio(&first.down, &first.baseline);
        verdict(
            "check rate during the storm ≥ 80 % of the baseline (grouping off)",
            &format!(
                "{:.0} % (storm back up: {:.0} %)",
                share * 100.0,
                ratio(&first.up, &first.baseline) * 100.0
            ),
            share >= RATE_SHARE,
        );
    }
    if let Some(second) = second {
        let share = ratio(&second.down, &second.baseline);
        verdict(
            "check rate during the storm ≥ 80 % of the baseline (grouping on)",
            &format!("{:.0} %", share * 100.0),
            share >= RATE_SHARE,
        );
    }
    let Some(first) = first else { return };
    let p99 = first.trickle.firing.p99.max(first.trickle.resolved.p99);
    verdict(
        "latency p99 < 1 s with a healthy receiver (trickle)",
        &format!("{p99:.1} ms (firing and resolved)"),
        p99 < LATENCY_P99_MS,
    );
    let f = &first.flaky;
    let expected = usize::try_from(first.sites).unwrap_or(usize::MAX);
    verdict(
        "half-failing receiver: every event arrives, once after dedup",
        &format!("{} of {expected} arrived, {} keys, {} dead", f.arrived, f.keys, first.dead),
        f.arrived == expected && f.keys == expected && first.dead == 0,
    );
}
