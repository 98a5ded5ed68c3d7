//! The subcommands.

mod api_client;
mod document;
mod migrate;
mod rollup;
mod serve;
mod sites;
mod token;

pub(crate) use document::{ApplyArgs, ExportArgs, apply, export};
pub(crate) use migrate::migrate;
pub(crate) use rollup::rollup;
pub(crate) use serve::serve;
pub(crate) use sites::{SitesArgs, sites};
pub(crate) use token::{TokenCommand, token};

use std::time::Duration;

use anyhow::Context;
use lookout_store::{DatabaseUrl, Store, StoreOptions};

use crate::settings::Settings;

/// Opens the configured database and applies pending migrations.
async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    let url = DatabaseUrl::parse(&settings.database.url).context("database.url")?;
    let options = StoreOptions {
        pool_size: settings.database.pool_size,
        connect_timeout: Duration::from_secs(settings.database.connect_timeout_secs.max(1)),
    };
    let store = Store::open(&url, options)
        .with_context(|| format!("cannot open database {}", url.redacted()))?;
    let applied = store
        .migrate()
        .await
        .with_context(|| format!("cannot migrate database {}", url.redacted()))?;
    tracing::info!(database = %url.redacted(), applied, "Database ready");
    Ok(store)
}
