//! What the probe reads of the leaf certificate an HTTPS server presented on the connection the
//! check already made (no extra connection).

use std::net::IpAddr;

use lookout_domain::checks::CertificateInfo;
use time::OffsetDateTime;
use x509_parser::extensions::GeneralName;

/// The certificate (DER), or `None` when it does not parse.
pub(crate) fn read(der: &[u8]) -> Option<CertificateInfo> {
    let (_, certificate) = x509_parser::parse_x509_certificate(der).ok()?;
    let validity = certificate.validity();
    let instant = |t: i64| OffsetDateTime::from_unix_timestamp(t).ok();
    let sans = match certificate.subject_alternative_name() {
        Ok(Some(extension)) => extension.value.general_names.iter().filter_map(name).collect(),
        _ => Vec::new(),
    };
    Some(CertificateInfo {
        subject: certificate.subject().to_string(),
        issuer: certificate.issuer().to_string(),
        sans,
        not_before: instant(validity.not_before.timestamp())?,
        not_after: instant(validity.not_after.timestamp())?,
    })
}

/// A DNS name or an IP address of the subject alternative names.
fn name(general: &GeneralName<'_>) -> Option<String> {
    match general {
        GeneralName::DNSName(dns) => Some((*dns).to_owned()),
        GeneralName::IPAddress(bytes) => match bytes.len() {
            4 => <[u8; 4]>::try_from(*bytes).ok().map(|b| IpAddr::from(b).to_string()),
            16 => <[u8; 16]>::try_from(*bytes).ok().map(|b| IpAddr::from(b).to_string()),
            _ => None,
        },
        _ => None,
    }
}
