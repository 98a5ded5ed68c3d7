//! The raw loopback limit: wrk with a new connection per request against the same farm.

use std::process::Command;

/// Requests per second wrk (`threads`, `connections`) reached, or `None` when wrk is not
/// installed or failed.
pub(crate) fn new_connection_rate(
    url: &str,
    threads: u32,
    connections: u32,
    seconds: u32,
) -> Option<f64> {
    let output = Command::new("wrk")
        .args([&format!("-t{threads}"), &format!("-c{connections}"), &format!("-d{seconds}s")])
        .args(["-H", "Connection: close", url])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .find(|line| line.starts_with("Requests/sec:"))
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|value| value.parse().ok())
}
