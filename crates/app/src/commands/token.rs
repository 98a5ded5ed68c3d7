//! `lookout token create | list | revoke`: API tokens stored (hashed) in the database.

mod create;
mod list;
mod revoke;

use clap::Subcommand;
use lookout_domain::auth::{Scope, ScopeError};

use crate::settings::Settings;

#[derive(Debug, Subcommand)]
pub(crate) enum TokenCommand {
    /// Create a token and print it once on stdout (only its hash is stored).
    Create {
        /// read (GET calls) or write (every call).
        #[arg(long, value_parser = parse_scope)]
        scope: Scope,
        /// A label saying what the token is for.
        #[arg(long)]
        name: Option<String>,
    },
    /// List stored tokens: id, scope, created, revoked, name (never the secret).
    List,
    /// Revoke a stored token; running servers stop accepting it within auth.refresh_secs.
    Revoke {
        /// The id shown by `lookout token list`.
        id: i64,
    },
}

fn parse_scope(raw: &str) -> Result<Scope, ScopeError> {
    raw.parse()
}

pub(crate) async fn token(settings: Settings, command: TokenCommand) -> anyhow::Result<()> {
    let store = super::open_store(&settings).await?;
    match command {
        TokenCommand::Create { scope, name } => create::run(&store, scope, name).await,
        TokenCommand::List => list::run(&store).await,
        TokenCommand::Revoke { id } => revoke::run(&store, id, settings.auth.refresh_secs).await,
    }
}
