//! `ProbeOptions`: how a check is made.

use std::net::IpAddr;
use std::time::Duration;

use lookout_domain::website::AddressPolicy;
use rustls::pki_types::CertificateDer;

/// Settings of the probe (config section `probe`).
#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// Bound on one whole check, retries and redirects included.
    pub timeout: Duration,
    /// Extra attempts after a connection failure that never reached the server.
    pub retries: u32,
    /// Follow 3xx responses (up to `max_redirects` hops) instead of counting them as available.
    pub follow_redirects: bool,
    pub max_redirects: u32,
    /// The body is read up to this many bytes, then the connection is dropped.
    pub max_body_bytes: usize,
    /// Pause before the first retry; doubled for each further one.
    pub retry_backoff: Duration,
    /// Offer HTTP/2 in the TLS handshake (ALPN); plain-text checks always use HTTP/1.1.
    pub http2: bool,
    /// Which resolved addresses a check may connect to (private networks are refused by default).
    pub addresses: AddressPolicy,
    /// The local address every check connects from (`probe.source_address`); `None`: the one
    /// the system picks. A site with no address of its IP family cannot be checked from it.
    pub source_address: Option<IpAddr>,
    /// Certificates trusted in addition to the bundled web roots (a private CA, tests).
    pub extra_roots: Vec<CertificateDer<'static>>,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            retries: 3,
            follow_redirects: false,
            max_redirects: 10,
            max_body_bytes: 1024 * 1024,
            retry_backoff: Duration::from_millis(100),
            http2: true,
            addresses: AddressPolicy::default(),
            source_address: None,
            extra_roots: Vec::new(),
        }
    }
}
