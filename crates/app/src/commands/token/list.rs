//! `lookout token list`: one line per stored token, never the secret.

use anyhow::Context;
use lookout_domain::auth::TokenStore;
use lookout_store::Store;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

fn date(at: OffsetDateTime) -> String {
    at.replace_nanosecond(0).unwrap_or(at).format(&Rfc3339).unwrap_or_else(|_| at.to_string())
}

pub(super) async fn run(store: &Store) -> anyhow::Result<()> {
    let tokens = store.list_tokens().await.context("cannot list API tokens")?;
    println!("{:<6} {:<6} {:<21} {:<21} NAME", "ID", "SCOPE", "CREATED", "REVOKED");
    for token in &tokens {
        println!(
            "{:<6} {:<6} {:<21} {:<21} {}",
            token.id,
            token.scope.as_str(),
            date(token.created_at),
            token.revoked_at.map_or_else(|| "-".to_owned(), date),
            token.name.as_ref().map_or("", |n| n.as_str()),
        );
    }
    if tokens.is_empty() {
        eprintln!("No API tokens stored; create one with `lookout token create --scope write`.");
    }
    Ok(())
}
