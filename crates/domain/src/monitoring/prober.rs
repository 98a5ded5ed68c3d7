//! The `Prober` port: perform one check of one URL.

use std::future::Future;

use crate::checks::CheckSpec;
use crate::{CheckOutcome, WebsiteUrl};

/// Performs one HTTP(S) check of `url` as `check` asks it (method, headers, body, timeout,
/// redirects, HTTP version), reading what its assertions need (the headers; the body only when
/// one needs it; the certificate's expiry). Never fails: a failed check is an outcome with an
/// error text. Judging is the caller's ([`CheckOutcome::judge`]).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait Prober: Send + Sync + 'static {
    fn probe(
        &self,
        url: &WebsiteUrl,
        check: &CheckSpec,
    ) -> impl Future<Output = CheckOutcome> + Send;
}
