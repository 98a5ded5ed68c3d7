//! The `token-refresh` job: re-reads the stored API tokens every `auth.refresh_secs`, the bound
//! on a revocation (or a first stored token) taking effect. The first read is at start-up,
//! before the server listens; this job does the ones after it.

use std::sync::Arc;
use std::time::Duration;

use lookout_domain::ErrorChain;
use lookout_domain::auth::{Authenticator, TokenStore};

use crate::PeriodicJob;

/// Refreshes the authenticator's snapshot of the stored tokens every period.
#[derive(Debug)]
pub struct TokenRefresh<S> {
    authenticator: Arc<Authenticator<S>>,
    every: Duration,
}

impl<S: TokenStore> TokenRefresh<S> {
    /// `every` is at least a second.
    pub fn new(authenticator: Arc<Authenticator<S>>, every: Duration) -> Self {
        Self { authenticator, every: every.max(Duration::from_secs(1)) }
    }
}

impl<S: TokenStore> PeriodicJob for TokenRefresh<S> {
    fn name(&self) -> &'static str {
        "token-refresh"
    }

    fn period(&self) -> Duration {
        self.every
    }

    async fn run(&self) {
        if let Err(error) = self.authenticator.refresh().await {
            tracing::warn!(error = %ErrorChain(&error), "Cannot re-read API tokens; keeping the last ones read");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::future::ready;
    use std::sync::Mutex;

    use lookout_domain::auth::{
        AnonymousAccess, LoadTokensError, MockTokenStore, Scope, TokenHash,
    };

    use super::*;

    #[tokio::test]
    async fn a_revoked_token_is_refused_after_the_next_run_and_a_failed_run_keeps_the_last_ones() {
        let hash = TokenHash::of("lk_reader_token_0123456789");
        let stored = Arc::new(Mutex::new(vec![
            Ok(vec![]),
            Err(LoadTokensError::Unavailable("down".into())),
            Ok(vec![(hash, Scope::Read)]),
        ]));
        let mut store = MockTokenStore::new();
        store
            .expect_active_tokens()
            .returning(move || Box::pin(ready(stored.lock().unwrap().pop().unwrap())));
        store.expect_find_active_token().returning(|_| Box::pin(ready(Ok(None))));
        let authenticator = Arc::new(Authenticator::new(store, [], AnonymousAccess::Never));
        authenticator.refresh().await.unwrap();
        let token = Some("lk_reader_token_0123456789");
        assert!(authenticator.authorize(token, Scope::Read).await.is_ok());

        let job = TokenRefresh::new(Arc::clone(&authenticator), Duration::ZERO);
        assert_eq!(job.period(), Duration::from_secs(1));
        job.run().await;
        assert!(authenticator.authorize(token, Scope::Read).await.is_ok(), "kept");
        job.run().await;
        assert!(authenticator.authorize(token, Scope::Read).await.is_err(), "revoked");
    }
}
