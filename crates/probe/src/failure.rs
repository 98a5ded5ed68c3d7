//! The probe's errors (io, rustls, hyper) mapped to the domain's `ProbeFailure`, whose texts
//! lookout records: `connection refused`, `dns: no such host`, `tls: certificate expired`,
//! `http: invalid response`, ...

use std::error::Error as StdError;
use std::io;
use std::net::IpAddr;

use lookout_domain::monitoring::{
    ConnectFailure, DnsFailure, HttpFailure, ProbeFailure, TlsFailure,
};

/// Whether `failure` happened before the server was reached, so that another attempt may
/// succeed (DNS, TCP connect). A source address that cannot be bound, or that cannot reach
/// any of the site's addresses, fails every attempt the same way.
pub(crate) fn retryable(failure: &ProbeFailure) -> bool {
    match failure {
        ProbeFailure::Connect(
            ConnectFailure::SourceAddress { .. } | ConnectFailure::NoAddressOfSourceFamily { .. },
        ) => false,
        ProbeFailure::Dns(_) | ProbeFailure::Connect(_) => true,
        _ => false,
    }
}

pub(crate) fn dns(error: &io::Error) -> ProbeFailure {
    let message = error.to_string();
    let failure = if message.contains("not known")
        || message.contains("No address associated")
        || message.contains("nodename nor servname")
        || message.contains("no addresses")
    {
        DnsFailure::NoSuchHost
    } else if message.contains("Temporary failure") {
        DnsFailure::Temporary
    } else {
        DnsFailure::Other(message)
    };
    ProbeFailure::Dns(failure)
}

pub(crate) fn connect(error: &io::Error) -> ProbeFailure {
    let failure = match error.kind() {
        io::ErrorKind::ConnectionRefused => ConnectFailure::Refused,
        io::ErrorKind::TimedOut => ConnectFailure::TimedOut,
        io::ErrorKind::HostUnreachable => ConnectFailure::HostUnreachable,
        io::ErrorKind::NetworkUnreachable => ConnectFailure::NetworkUnreachable,
        io::ErrorKind::AddrNotAvailable => ConnectFailure::NoLocalAddress,
        _ => ConnectFailure::Other(error.to_string()),
    };
    ProbeFailure::Connect(failure)
}

/// The source address `address` could not be bound (most often: it is not on this host).
pub(crate) fn bind(address: IpAddr, error: &io::Error) -> ProbeFailure {
    let reason = match error.kind() {
        io::ErrorKind::AddrNotAvailable => "not an address of this host".to_owned(),
        _ => error.to_string(),
    };
    ProbeFailure::Connect(ConnectFailure::SourceAddress { address, reason })
}

pub(crate) fn tls(error: &io::Error) -> ProbeFailure {
    let failure = match find_source::<rustls::Error>(error) {
        Some(rustls::Error::InvalidCertificate(cert)) => certificate(cert),
        Some(rustls::Error::NoApplicationProtocol) => TlsFailure::NoCommonProtocol,
        Some(other) => TlsFailure::Other(other.to_string()),
        None => match error.kind() {
            io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset => {
                TlsFailure::ClosedDuringHandshake
            }
            _ => TlsFailure::HandshakeFailed(error.to_string()),
        },
    };
    ProbeFailure::Tls(failure)
}

fn certificate(error: &rustls::CertificateError) -> TlsFailure {
    use rustls::CertificateError as E;
    match error {
        E::Expired | E::ExpiredContext { .. } => TlsFailure::CertificateExpired,
        E::NotValidYet | E::NotValidYetContext { .. } => TlsFailure::CertificateNotYetValid,
        E::UnknownIssuer => TlsFailure::UnknownIssuer,
        E::NotValidForName | E::NotValidForNameContext { .. } => TlsFailure::WrongHost,
        E::Revoked => TlsFailure::CertificateRevoked,
        E::BadSignature => TlsFailure::BadSignature,
        other => TlsFailure::InvalidCertificate(format!("{other:?}")),
    }
}

/// A failure while exchanging the request and the response headers.
pub(crate) fn request(error: &hyper::Error) -> ProbeFailure {
    ProbeFailure::Http(http_failure(error))
}

/// A failure while reading the body (a response head that hyper refuses is one whenever seen).
pub(crate) fn body(error: &hyper::Error) -> ProbeFailure {
    match http_failure(error) {
        head @ (HttpFailure::HeadersTooLarge | HttpFailure::InvalidResponse) => {
            ProbeFailure::Http(head)
        }
        other => ProbeFailure::Body(other),
    }
}

fn http_failure(error: &hyper::Error) -> HttpFailure {
    if let Some(io) = find_source::<io::Error>(error) {
        match io.kind() {
            io::ErrorKind::ConnectionReset => return HttpFailure::ConnectionReset,
            io::ErrorKind::BrokenPipe => return HttpFailure::ConnectionClosed,
            _ => {}
        }
    }
    if error.is_parse_too_large() {
        return HttpFailure::HeadersTooLarge;
    }
    if error.is_parse() || error.is_parse_status() {
        return HttpFailure::InvalidResponse;
    }
    if error.is_incomplete_message() {
        return HttpFailure::Incomplete;
    }
    if error.is_canceled() || error.is_closed() {
        return HttpFailure::ConnectionClosed;
    }
    HttpFailure::Other(error.to_string())
}

/// The first error of type `T` in `error`'s source chain (itself included).
fn find_source<'a, T: StdError + 'static>(error: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    let mut current: Option<&'a (dyn StdError + 'static)> = Some(error);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        // An io::Error's payload is not its source: look inside it explicitly.
        if let Some(found) = e
            .downcast_ref::<io::Error>()
            .and_then(io::Error::get_ref)
            .and_then(|inner| inner.downcast_ref::<T>())
        {
            return Some(found);
        }
        current = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_errors_are_short_and_retryable() {
        let refused = io::Error::from(io::ErrorKind::ConnectionRefused);
        assert_eq!(connect(&refused), ProbeFailure::Connect(ConnectFailure::Refused));
        assert_eq!(connect(&refused).to_string(), "connection refused");
        assert!(retryable(&connect(&refused)));
        let dns_error =
            io::Error::other("failed to lookup address information: Name or service not known");
        assert_eq!(dns(&dns_error).to_string(), "dns: no such host");
        assert!(retryable(&dns(&dns_error)));
    }

    #[test]
    fn a_source_address_that_cannot_be_bound_is_named_and_not_retried() {
        let address = IpAddr::from([192, 0, 2, 1]);
        let missing = bind(address, &io::Error::from(io::ErrorKind::AddrNotAvailable));
        assert_eq!(
            missing.to_string(),
            "connect: cannot bind the source address 192.0.2.1: not an address of this host"
        );
        assert!(!retryable(&missing));
        let family = ProbeFailure::Connect(ConnectFailure::NoAddressOfSourceFamily { address });
        assert!(!retryable(&family));
    }

    #[test]
    fn certificate_errors_say_what_is_wrong() {
        let expired = io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::Expired),
        );
        assert_eq!(tls(&expired).to_string(), "tls: certificate expired");
        assert!(!retryable(&tls(&expired)));
        let unknown = io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
        );
        assert_eq!(tls(&unknown).to_string(), "tls: certificate signed by an unknown authority");
    }
}
