//! The `Prober` port: perform one check of one URL.

use std::future::Future;

use crate::{CheckOutcome, WebsiteUrl};

/// Performs one HTTP(S) check. Never fails: a failed check is an outcome with an error text.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait Prober: Send + Sync + 'static {
    fn probe(&self, url: &WebsiteUrl) -> impl Future<Output = CheckOutcome> + Send;
}
