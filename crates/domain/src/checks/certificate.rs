//! The leaf certificate an HTTPS site presented, as the probe read it on the connection the
//! check made, and the site's certificate as last stored.

use time::OffsetDateTime;

use crate::WebsiteId;

/// What lookout keeps of a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateInfo {
    /// The subject's distinguished name (`CN=example.com`).
    pub subject: String,
    pub issuer: String,
    /// Subject alternative names: DNS names and IP addresses.
    pub sans: Vec<String>,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
}

impl CertificateInfo {
    /// Whole days until it expires (negative once it has).
    pub fn days_left(&self, now: OffsetDateTime) -> i64 {
        (self.not_after - now).whole_seconds().div_euclid(86_400)
    }
}

/// A site's certificate as last stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteCertificate {
    pub website_id: WebsiteId,
    pub certificate: CertificateInfo,
    /// When a check last read it (kept at most an hour old while it is unchanged).
    pub checked_at: OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn days_left_count_whole_days_and_go_negative() {
        let info = CertificateInfo {
            subject: "CN=a".into(),
            issuer: "CN=ca".into(),
            sans: vec!["a.example".into()],
            not_before: datetime!(2026-11-01 00:00 UTC),
            not_after: datetime!(2026-12-15 12:00 UTC),
        };
        assert_eq!(info.days_left(datetime!(2026-12-05 13:00 UTC)), 9);
        assert_eq!(info.days_left(datetime!(2026-12-15 11:00 UTC)), 0);
        assert_eq!(info.days_left(datetime!(2026-12-15 13:00 UTC)), -1);
    }
}
