//! lookout's probe adapter: one HTTP(S) check of one URL with hyper 1 and rustls.
//!
//! Every check opens a fresh connection (DNS → TCP, from `source_address` when set → TLS with
//! ALPN → HTTP/1.1 or HTTP/2), sends one `GET`, reads the body up to a limit, and reports the
//! status, the time from the first byte sent (the TCP connect) to the end of the body, and why it
//! failed (the domain's `ProbeFailure`, mapped from io, rustls and hyper errors in `failure.rs`).
//! Connection failures that never reached the server are retried; the whole check is bounded by
//! one timeout.

mod certificate;
mod closed_by_drop;
mod connection;
mod dial;
mod failure;
mod options;
mod prober;
mod tls;

pub use options::ProbeOptions;
pub use prober::HyperProber;
pub use tls::{TlsConfigError, load_ca_file};
