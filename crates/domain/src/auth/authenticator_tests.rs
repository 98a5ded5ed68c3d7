//! The authenticator against a mocked token store.

use std::future::ready;

use futures::executor::block_on;

use super::*;
use crate::auth::{FindTokenError, MockTokenStore};

const READER: &str = "reader-token-0123456789";
const WRITER: &str = "writer-token-0123456789";
const STORED: &str = "lk_stored-token-0123456789";

fn token(raw: &str) -> ApiToken {
    ApiToken::parse(raw).unwrap()
}

/// A store holding `active` tokens, looked up by hash on a miss.
fn store_with(active: Vec<(&'static str, Scope)>) -> MockTokenStore {
    let mut store = MockTokenStore::new();
    let listed: Vec<(TokenHash, Scope)> =
        active.iter().map(|(raw, scope)| (TokenHash::of(raw), *scope)).collect();
    store.expect_active_tokens().returning(move || Box::pin(ready(Ok(listed.clone()))));
    store.expect_find_active_token().returning(move |hash| {
        let found = active.iter().find(|(raw, _)| TokenHash::of(raw) == *hash).map(|(_, s)| *s);
        Box::pin(ready(Ok(found)))
    });
    store
}

fn configured() -> Vec<(ApiToken, Scope)> {
    vec![(token(READER), Scope::Read), (token(WRITER), Scope::Write)]
}

#[test]
fn with_no_token_anywhere_loopback_stays_anonymous() {
    let auth = Authenticator::new(store_with(vec![]), vec![], AnonymousAccess::WhileNoTokens);
    block_on(auth.refresh()).unwrap();
    assert!(!auth.has_tokens());
    assert_eq!(block_on(auth.authorize(None, Scope::Write)).unwrap(), Access::Anonymous);
}

#[test]
fn a_public_bind_never_falls_open() {
    let auth = Authenticator::new(store_with(vec![]), vec![], AnonymousAccess::Never);
    block_on(auth.refresh()).unwrap();
    assert!(matches!(
        block_on(auth.authorize(None, Scope::Read)),
        Err(AuthorizeError::MissingToken)
    ));
}

#[test]
fn configured_tokens_are_checked_by_scope() {
    let auth = Authenticator::new(store_with(vec![]), configured(), AnonymousAccess::WhileNoTokens);
    assert!(matches!(
        block_on(auth.authorize(None, Scope::Read)),
        Err(AuthorizeError::MissingToken)
    ));
    assert!(matches!(
        block_on(auth.authorize(Some("nope-nope-nope-nope"), Scope::Read)),
        Err(AuthorizeError::UnknownToken)
    ));
    assert_eq!(
        block_on(auth.authorize(Some(READER), Scope::Read)).unwrap(),
        Access::Token(Scope::Read)
    );
    assert!(matches!(
        block_on(auth.authorize(Some(READER), Scope::Write)),
        Err(AuthorizeError::InsufficientScope { required: Scope::Write, granted: Scope::Read })
    ));
    assert_eq!(
        block_on(auth.authorize(Some(WRITER), Scope::Read)).unwrap(),
        Access::Token(Scope::Write)
    );
    assert_eq!(
        block_on(auth.authorize(Some(WRITER), Scope::Write)).unwrap(),
        Access::Token(Scope::Write)
    );
}

#[test]
fn a_token_listed_twice_gets_the_wider_scope() {
    let twice = vec![(token(READER), Scope::Read), (token(READER), Scope::Write)];
    let auth = Authenticator::new(store_with(vec![]), twice, AnonymousAccess::Never);
    assert_eq!(
        block_on(auth.authorize(Some(READER), Scope::Write)).unwrap(),
        Access::Token(Scope::Write)
    );
}

#[test]
fn stored_tokens_turn_authentication_on_and_work_by_scope() {
    let auth = Authenticator::new(
        store_with(vec![(STORED, Scope::Read)]),
        vec![],
        AnonymousAccess::WhileNoTokens,
    );
    assert_eq!(block_on(auth.refresh()).unwrap(), 1);
    assert!(auth.has_tokens());
    assert!(matches!(
        block_on(auth.authorize(None, Scope::Read)),
        Err(AuthorizeError::MissingToken)
    ));
    assert_eq!(
        block_on(auth.authorize(Some(STORED), Scope::Read)).unwrap(),
        Access::Token(Scope::Read)
    );
}

#[test]
fn a_token_created_after_the_snapshot_works_at_once() {
    let mut store = MockTokenStore::new();
    store.expect_active_tokens().returning(|| Box::pin(ready(Ok(vec![]))));
    store
        .expect_find_active_token()
        .times(1)
        .returning(|_| Box::pin(ready(Ok(Some(Scope::Write)))));
    let auth = Authenticator::new(store, configured(), AnonymousAccess::Never);
    block_on(auth.refresh()).unwrap();
    assert_eq!(
        block_on(auth.authorize(Some(STORED), Scope::Write)).unwrap(),
        Access::Token(Scope::Write)
    );
    // Remembered: the second use does not ask the store again (times(1) above).
    assert_eq!(
        block_on(auth.authorize(Some(STORED), Scope::Read)).unwrap(),
        Access::Token(Scope::Write)
    );
}

#[test]
fn a_revoked_token_stops_working_at_the_next_refresh() {
    let mut store = MockTokenStore::new();
    let mut listings = vec![vec![(TokenHash::of(STORED), Scope::Write)], vec![]].into_iter();
    store
        .expect_active_tokens()
        .times(2)
        .returning(move || Box::pin(ready(Ok(listings.next().unwrap_or_default()))));
    store.expect_find_active_token().returning(|_| Box::pin(ready(Ok(None))));
    let auth = Authenticator::new(store, configured(), AnonymousAccess::WhileNoTokens);
    block_on(auth.refresh()).unwrap();
    assert!(block_on(auth.authorize(Some(STORED), Scope::Write)).is_ok());
    block_on(auth.refresh()).unwrap();
    assert!(matches!(
        block_on(auth.authorize(Some(STORED), Scope::Read)),
        Err(AuthorizeError::UnknownToken)
    ));
    // Configured tokens are unaffected.
    assert!(block_on(auth.authorize(Some(WRITER), Scope::Write)).is_ok());
}

#[test]
fn a_store_that_does_not_answer_is_unavailable_not_unauthorized() {
    let mut store = MockTokenStore::new();
    store
        .expect_find_active_token()
        .returning(|_| Box::pin(ready(Err(FindTokenError::Unavailable("database down".into())))));
    let auth = Authenticator::new(store, configured(), AnonymousAccess::Never);
    assert!(matches!(
        block_on(auth.authorize(Some(STORED), Scope::Read)),
        Err(AuthorizeError::Unavailable(_))
    ));
    // Known tokens still pass without the store.
    assert!(block_on(auth.authorize(Some(READER), Scope::Read)).is_ok());
}
