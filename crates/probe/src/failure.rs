//! Why a check failed, as the short texts lookout records: `connection refused`,
//! `dns: no such host`, `tls: certificate expired`, `http: invalid response`, ...

use std::error::Error as StdError;
use std::io;

/// A failed attempt. `Connect` failures never reached the server and may be retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    Connect(String),
    Server(String),
}

impl Failure {
    pub(crate) fn text(&self) -> &str {
        match self {
            Self::Connect(text) | Self::Server(text) => text,
        }
    }
}

pub(crate) fn dns(error: &io::Error) -> Failure {
    let message = error.to_string();
    let text = if message.contains("not known")
        || message.contains("No address associated")
        || message.contains("nodename nor servname")
        || message.contains("no addresses")
    {
        "dns: no such host".to_owned()
    } else if message.contains("Temporary failure") {
        "dns: temporary failure in name resolution".to_owned()
    } else {
        format!("dns: {message}")
    };
    Failure::Connect(text)
}

pub(crate) fn connect(error: &io::Error) -> Failure {
    let text = match error.kind() {
        io::ErrorKind::ConnectionRefused => "connection refused".to_owned(),
        io::ErrorKind::TimedOut => "connection timed out".to_owned(),
        io::ErrorKind::HostUnreachable => "host unreachable".to_owned(),
        io::ErrorKind::NetworkUnreachable => "network unreachable".to_owned(),
        io::ErrorKind::AddrNotAvailable => "connect: no local address available".to_owned(),
        _ => format!("connect: {error}"),
    };
    Failure::Connect(text)
}

pub(crate) fn tls(error: &io::Error) -> Failure {
    let text = match find_source::<rustls::Error>(error) {
        Some(rustls::Error::InvalidCertificate(cert)) => certificate(cert),
        Some(rustls::Error::NoApplicationProtocol) => "tls: no common application protocol".into(),
        Some(other) => format!("tls: {other}"),
        None => match error.kind() {
            io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset => {
                "tls: connection closed during handshake".to_owned()
            }
            _ => format!("tls: handshake failed: {error}"),
        },
    };
    Failure::Server(text)
}

fn certificate(error: &rustls::CertificateError) -> String {
    use rustls::CertificateError as E;
    match error {
        E::Expired | E::ExpiredContext { .. } => "tls: certificate expired".into(),
        E::NotValidYet | E::NotValidYetContext { .. } => "tls: certificate not yet valid".into(),
        E::UnknownIssuer => "tls: certificate signed by an unknown authority".into(),
        E::NotValidForName | E::NotValidForNameContext { .. } => {
            "tls: certificate not valid for this host".into()
        }
        E::Revoked => "tls: certificate revoked".into(),
        E::BadSignature => "tls: bad certificate signature".into(),
        other => format!("tls: invalid certificate: {other:?}"),
    }
}

/// A failure while exchanging the request and the response headers.
pub(crate) fn request(error: &hyper::Error) -> Failure {
    Failure::Server(http_text(error, "http"))
}

/// A failure while reading the body.
pub(crate) fn body(error: &hyper::Error) -> Failure {
    Failure::Server(http_text(error, "http: body"))
}

fn http_text(error: &hyper::Error, prefix: &str) -> String {
    if let Some(io) = find_source::<io::Error>(error) {
        match io.kind() {
            io::ErrorKind::ConnectionReset => return format!("{prefix}: connection reset"),
            io::ErrorKind::BrokenPipe => return format!("{prefix}: connection closed"),
            _ => {}
        }
    }
    if error.is_parse_too_large() {
        return "http: response headers too large".to_owned();
    }
    if error.is_parse() || error.is_parse_status() {
        return "http: invalid response".to_owned();
    }
    if error.is_incomplete_message() {
        return format!("{prefix}: connection closed before the message completed");
    }
    if error.is_canceled() || error.is_closed() {
        return format!("{prefix}: connection closed");
    }
    format!("{prefix}: {error}")
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
        assert_eq!(connect(&refused), Failure::Connect("connection refused".into()));
        let dns_error =
            io::Error::other("failed to lookup address information: Name or service not known");
        assert_eq!(dns(&dns_error), Failure::Connect("dns: no such host".into()));
    }

    #[test]
    fn certificate_errors_say_what_is_wrong() {
        let expired = io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::Expired),
        );
        assert_eq!(tls(&expired), Failure::Server("tls: certificate expired".into()));
        let unknown = io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
        );
        assert_eq!(tls(&unknown).text(), "tls: certificate signed by an unknown authority");
    }
}
