//! The raw loopback limit: wrk with a new connection per request against the same farm.

use std::process::Command;

/// Requests per second wrk reached, or `None` when wrk is not installed or failed.
pub(crate) fn new_connection_rate(url: &str, connections: u32, seconds: u32) -> Option<f64> {
    let output = Command::new("wrk")
        .args(["-t2", &format!("-c{connections}"), &format!("-d{seconds}s")])
        .args(["-H", "Connection: close", url])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .find(|line| line.starts_with("Requests/sec:"))
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|value| value.parse().ok())
}
