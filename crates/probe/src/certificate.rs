//! What the probe reads of the leaf certificate an HTTPS server presented on the connection the
//! check already made (no extra connection).

use std::time::SystemTime;

/// Whole days from `now` until the certificate (DER) expires; negative once it has. `None`
/// when it does not parse.
pub(crate) fn days_left(der: &[u8], now: SystemTime) -> Option<i64> {
    let (_, certificate) = x509_parser::parse_x509_certificate(der).ok()?;
    let not_after = certificate.validity().not_after.timestamp();
    let now = match now.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_secs()).ok()?,
        Err(_) => 0,
    };
    Some((not_after - now).div_euclid(86_400))
}
