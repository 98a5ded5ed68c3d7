//! The api_tokens table: hashes only, revocation, lookups by hash.

use lookout_domain::auth::{
    ApiToken, NewApiToken, RevokeTokenError, Scope, TokenHash, TokenId, TokenName, TokenStore,
};

use crate::*;

fn new_token(secret: u8, scope: Scope, name: Option<&str>) -> (ApiToken, NewApiToken) {
    let token = ApiToken::from_secret([secret; 32]);
    let new =
        NewApiToken { name: name.map(|n| TokenName::parse(n).unwrap()), scope, hash: token.hash() };
    (token, new)
}

on_both_backends!(stores_only_the_hash_and_lists_tokens, |store, db| {
    let (token, new) = new_token(1, Scope::Write, Some("deploy"));
    let created = store.create_token(&new, T0).await.unwrap();
    assert_eq!(created.scope, Scope::Write);
    assert_eq!(created.name.as_ref().map(TokenName::as_str), Some("deploy"));
    assert_eq!(created.created_at, T0);
    assert_eq!(created.revoked_at, None);
    let (_, unnamed) = new_token(2, Scope::Read, None);
    let second = store.create_token(&unnamed, T1).await.unwrap();
    assert_eq!(store.list_tokens().await.unwrap(), vec![created, second]);
    let secret = token.expose_secret();
    let with_secret = format!(
        "SELECT COUNT(*) AS n FROM api_tokens WHERE token_hash = '{secret}' OR name = '{secret}'"
    );
    assert_eq!(count(&db, &with_secret).await, 0, "the secret itself is never stored");
    let hash = token.hash().to_hex();
    let with_hash = format!("SELECT COUNT(*) AS n FROM api_tokens WHERE token_hash = '{hash}'");
    assert_eq!(count(&db, &with_hash).await, 1);
});

on_both_backends!(finds_active_tokens_by_hash, |store, _db| {
    let (reader, new_reader) = new_token(3, Scope::Read, None);
    let (writer, new_writer) = new_token(4, Scope::Write, None);
    store.create_token(&new_reader, T0).await.unwrap();
    store.create_token(&new_writer, T0).await.unwrap();
    assert_eq!(store.find_active_token(&reader.hash()).await.unwrap(), Some(Scope::Read));
    assert_eq!(store.find_active_token(&writer.hash()).await.unwrap(), Some(Scope::Write));
    assert_eq!(store.find_active_token(&TokenHash::of("unknown")).await.unwrap(), None);
    let mut active = store.active_tokens().await.unwrap();
    active.sort_by_key(|(_, scope)| *scope);
    assert_eq!(active, vec![(reader.hash(), Scope::Read), (writer.hash(), Scope::Write)]);
});

on_both_backends!(revoked_tokens_are_no_longer_active, |store, _db| {
    let (token, new) = new_token(5, Scope::Write, None);
    let created = store.create_token(&new, T0).await.unwrap();
    let revoked = store.revoke_token(created.id, T1).await.unwrap();
    assert_eq!(revoked.revoked_at, Some(T1));
    assert_eq!(store.find_active_token(&token.hash()).await.unwrap(), None);
    assert!(store.active_tokens().await.unwrap().is_empty());
    // Revoking again succeeds and keeps the first revocation time.
    let later = T1 + time::Duration::hours(1);
    assert_eq!(store.revoke_token(created.id, later).await.unwrap().revoked_at, Some(T1));
    assert_eq!(store.list_tokens().await.unwrap(), vec![revoked]);
});

on_both_backends!(revoking_an_unknown_token_is_not_found, |store, _db| {
    let id = TokenId::new(42).unwrap();
    let error = store.revoke_token(id, T0).await.unwrap_err();
    assert!(matches!(error, RevokeTokenError::NotFound(i) if i == id), "{error:?}");
});
