//! Which certificates a node still has to store: a site's certificate is written with a check
//! when it changed or was last written an hour ago, so an HTTPS check does not write it every
//! time.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use time::{Duration, OffsetDateTime};

use crate::WebsiteId;
use crate::checks::CertificateInfo;

/// How old a stored, unchanged certificate's `checked_at` may grow.
pub const CERTIFICATE_REFRESH: Duration = Duration::hours(1);

#[derive(Debug, Default)]
pub(crate) struct CertificateMemo {
    written: Mutex<HashMap<WebsiteId, (CertificateInfo, OffsetDateTime)>>,
}

impl CertificateMemo {
    /// The certificate to store with a check of `site` at `now` that saw `seen`, if any.
    pub(crate) fn to_store(
        &self,
        site: WebsiteId,
        seen: Option<&CertificateInfo>,
        now: OffsetDateTime,
    ) -> Option<CertificateInfo> {
        let seen = seen?;
        let mut written = self.written.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((last, at)) = written.get(&site)
            && last == seen
            && now - *at < CERTIFICATE_REFRESH
        {
            return None;
        }
        written.insert(site, (seen.clone(), now));
        Some(seen.clone())
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn certificate(subject: &str) -> CertificateInfo {
        CertificateInfo {
            subject: subject.into(),
            issuer: "CN=ca".into(),
            sans: vec![],
            not_before: datetime!(2026-11-01 00:00 UTC),
            not_after: datetime!(2027-01-01 00:00 UTC),
        }
    }

    #[test]
    fn a_certificate_is_stored_when_new_changed_or_an_hour_old() {
        let memo = CertificateMemo::default();
        let site = WebsiteId::new(1).unwrap();
        let t0 = datetime!(2026-12-05 00:00 UTC);
        let a = certificate("CN=a");
        assert_eq!(memo.to_store(site, Some(&a), t0), Some(a.clone()), "first seen");
        assert_eq!(memo.to_store(site, Some(&a), t0 + Duration::minutes(59)), None);
        let b = certificate("CN=b");
        assert_eq!(memo.to_store(site, Some(&b), t0 + Duration::minutes(59)), Some(b.clone()));
        assert_eq!(
            memo.to_store(site, Some(&b), t0 + Duration::minutes(120)),
            Some(b),
            "refreshed"
        );
        assert_eq!(memo.to_store(site, None, t0), None, "no certificate: nothing to store");
    }
}
