//! Why a check got no usable answer, one variant per cause. `Display` is the short text lookout
//! records in `error_message` and logs: `timeout after 30s`, `dns: no such host`,
//! `connection refused`, `tls: certificate expired`, `http: invalid response`, ...
//! The probe maps its library errors to these at its boundary; the domain decides on variants.

use std::net::IpAddr;
use std::time::Duration;

/// The failure of one check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProbeFailure {
    /// The whole check (attempts, retries and redirects) ran out of time.
    #[error("timeout after {}", seconds(.after))]
    Timeout { after: Duration },
    /// The host name did not resolve.
    #[error("dns: {0}")]
    Dns(DnsFailure),
    /// No TCP connection to any of the host's addresses.
    #[error("{0}")]
    Connect(ConnectFailure),
    /// Every address of the host is private and the address policy refuses it.
    #[error("blocked: private address")]
    BlockedAddress,
    /// The TLS handshake failed.
    #[error("tls: {0}")]
    Tls(TlsFailure),
    /// Sending the request or reading the response head failed.
    #[error("http: {0}")]
    Http(HttpFailure),
    /// Reading the response body failed.
    #[error("http: body: {0}")]
    Body(HttpFailure),
    /// A redirect could not be followed (only with `probe.follow_redirects`).
    #[error("http: {0}")]
    Redirect(RedirectFailure),
    /// The URL does not parse as one to request.
    #[error("invalid url: {0}")]
    InvalidUrl(String),
    #[error("url has no host")]
    UrlWithoutHost,
    /// Failures before the server was reached are retried; these are every attempt's, in order,
    /// when all of them failed.
    #[error("{}", attempts_text(.0))]
    Attempts(Vec<ProbeFailure>),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DnsFailure {
    #[error("no such host")]
    NoSuchHost,
    #[error("temporary failure in name resolution")]
    Temporary,
    /// The resolver's own message.
    #[error("{0}")]
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectFailure {
    #[error("connection refused")]
    Refused,
    #[error("connection timed out")]
    TimedOut,
    #[error("host unreachable")]
    HostUnreachable,
    #[error("network unreachable")]
    NetworkUnreachable,
    #[error("connect: no local address available")]
    NoLocalAddress,
    /// The host resolved to no address to try.
    #[error("connect: no address")]
    NoAddress,
    /// The probe's source address (`probe.source_address`) cannot be bound on this host.
    #[error("connect: cannot bind the source address {address}: {reason}")]
    SourceAddress { address: IpAddr, reason: String },
    /// Every address of the host is of the other IP family than the probe's source address.
    #[error("connect: the site has no {} address to reach from the source address {address}", family(.address))]
    NoAddressOfSourceFamily { address: IpAddr },
    /// The operating system's message.
    #[error("connect: {0}")]
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlsFailure {
    #[error("invalid server name {0}")]
    InvalidServerName(String),
    #[error("certificate expired")]
    CertificateExpired,
    #[error("certificate not yet valid")]
    CertificateNotYetValid,
    #[error("certificate signed by an unknown authority")]
    UnknownIssuer,
    #[error("certificate not valid for this host")]
    WrongHost,
    #[error("certificate revoked")]
    CertificateRevoked,
    #[error("bad certificate signature")]
    BadSignature,
    /// Another certificate problem, as the TLS library names it.
    #[error("invalid certificate: {0}")]
    InvalidCertificate(String),
    #[error("no common application protocol")]
    NoCommonProtocol,
    #[error("connection closed during handshake")]
    ClosedDuringHandshake,
    /// The handshake failed below TLS (an I/O error).
    #[error("handshake failed: {0}")]
    HandshakeFailed(String),
    /// Another TLS error, as the TLS library words it.
    #[error("{0}")]
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpFailure {
    #[error("connection reset")]
    ConnectionReset,
    #[error("connection closed")]
    ConnectionClosed,
    #[error("connection closed before the message completed")]
    Incomplete,
    /// Over the 64 KiB the probe reads.
    #[error("response headers too large")]
    HeadersTooLarge,
    /// Not HTTP, or a status line that does not parse.
    #[error("invalid response")]
    InvalidResponse,
    #[error("cannot build the request: {0}")]
    CannotBuildRequest(String),
    /// Another HTTP error, as the HTTP library words it.
    #[error("{0}")]
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedirectFailure {
    #[error("too many redirects (more than {max})")]
    TooMany { max: u32 },
    #[error("invalid redirect location {location:?}: {reason}")]
    InvalidLocation { location: String, reason: String },
    #[error("redirect to unsupported scheme {0}")]
    UnsupportedScheme(String),
}

/// `IPv4` or `IPv6`.
fn family(address: &IpAddr) -> &'static str {
    if address.is_ipv4() { "IPv4" } else { "IPv6" }
}

/// `30s`, or `0.5s` for a fraction.
fn seconds(duration: &Duration) -> String {
    if duration.subsec_millis() == 0 {
        format!("{}s", duration.as_secs())
    } else {
        format!("{:.1}s", duration.as_secs_f64())
    }
}

/// `connection refused after 2 attempts (#1: connection refused; #2: connection refused)`.
fn attempts_text(attempts: &[ProbeFailure]) -> String {
    let last = attempts.last().map(ToString::to_string).unwrap_or_default();
    let each = attempts
        .iter()
        .enumerate()
        .map(|(i, failure)| format!("#{}: {failure}", i + 1))
        .collect::<Vec<_>>()
        .join("; ");
    format!("{last} after {} attempts ({each})", attempts.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_texts_are_the_recorded_ones() {
        let cases = [
            (ProbeFailure::Timeout { after: Duration::from_secs(30) }, "timeout after 30s"),
            (ProbeFailure::Timeout { after: Duration::from_millis(500) }, "timeout after 0.5s"),
            (ProbeFailure::Timeout { after: Duration::from_millis(1500) }, "timeout after 1.5s"),
            (ProbeFailure::Dns(DnsFailure::NoSuchHost), "dns: no such host"),
            (ProbeFailure::Connect(ConnectFailure::Refused), "connection refused"),
            (ProbeFailure::Connect(ConnectFailure::Other("boom".into())), "connect: boom"),
            (
                ProbeFailure::Connect(ConnectFailure::SourceAddress {
                    address: IpAddr::from([192, 0, 2, 1]),
                    reason: "not an address of this host".into(),
                }),
                "connect: cannot bind the source address 192.0.2.1: not an address of this host",
            ),
            (
                ProbeFailure::Connect(ConnectFailure::NoAddressOfSourceFamily {
                    address: IpAddr::from([0, 0, 0, 0, 0, 0, 0, 1]),
                }),
                "connect: the site has no IPv6 address to reach from the source address ::1",
            ),
            (ProbeFailure::BlockedAddress, "blocked: private address"),
            (ProbeFailure::Tls(TlsFailure::CertificateExpired), "tls: certificate expired"),
            (
                ProbeFailure::Tls(TlsFailure::UnknownIssuer),
                "tls: certificate signed by an unknown authority",
            ),
            (ProbeFailure::Tls(TlsFailure::WrongHost), "tls: certificate not valid for this host"),
            (ProbeFailure::Http(HttpFailure::InvalidResponse), "http: invalid response"),
            (ProbeFailure::Http(HttpFailure::HeadersTooLarge), "http: response headers too large"),
            (
                ProbeFailure::Http(HttpFailure::Incomplete),
                "http: connection closed before the message completed",
            ),
            (ProbeFailure::Body(HttpFailure::ConnectionReset), "http: body: connection reset"),
            (
                ProbeFailure::Redirect(RedirectFailure::TooMany { max: 10 }),
                "http: too many redirects (more than 10)",
            ),
            (ProbeFailure::UrlWithoutHost, "url has no host"),
        ];
        for (failure, text) in cases {
            assert_eq!(failure.to_string(), text, "{failure:?}");
        }
    }

    #[test]
    fn retried_attempts_name_the_last_and_list_each() {
        let refused = ProbeFailure::Connect(ConnectFailure::Refused);
        let failure = ProbeFailure::Attempts(vec![refused.clone(), refused]);
        assert_eq!(
            failure.to_string(),
            "connection refused after 2 attempts (#1: connection refused; #2: connection refused)"
        );
    }
}
