//! A run's database (a fresh SQLite file, or a fresh database on a PostgreSQL server) with
//! the sites in it, and the few API calls the benchmark makes to lookout: a default webhook
//! channel, and how many deliveries are in a state.

use std::path::Path;

use anyhow::{Context, bail};
use serde_json::json;

use crate::lookout_process::LookoutProcess;
use crate::postgres_db::BenchDatabase;
use crate::sites::{self, SiteSpec};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Backend {
    Sqlite,
    Postgres,
}

/// The database of one run.
pub(crate) enum RunDatabase {
    Sqlite { url: String },
    Postgres(BenchDatabase),
}

impl RunDatabase {
    /// `sites` sites every `interval` s over the farm's `bases`, in a database called `name`.
    pub(crate) async fn create(
        backend: Backend,
        postgres_url: &str,
        workdir: &Path,
        name: &str,
        bases: Vec<String>,
        sites: u64,
        interval: u32,
    ) -> anyhow::Result<Self> {
        match backend {
            Backend::Sqlite => {
                let spec = SiteSpec {
                    bases,
                    count: sites,
                    interval_secs: interval,
                    delay_ms: 0,
                    error_every: 0,
                };
                let url = sites::create(&workdir.join(format!("{name}.db")), &spec).await?;
                Ok(Self::Sqlite { url })
            }
            Backend::Postgres => {
                let name = format!("lookout_bench_{name}_{}", std::process::id());
                let database = BenchDatabase::create(postgres_url, &name).await?;
                database.insert_sites(&bases, sites, interval).await?;
                Ok(Self::Postgres(database))
            }
        }
    }

    pub(crate) fn url(&self) -> String {
        match self {
            Self::Sqlite { url } => url.clone(),
            Self::Postgres(database) => database.url.clone(),
        }
    }

    pub(crate) async fn remove(self) -> anyhow::Result<()> {
        match self {
            Self::Sqlite { .. } => Ok(()),
            Self::Postgres(database) => database.drop_database().await,
        }
    }
}

/// lookout's API.
pub(crate) struct Api {
    client: reqwest::Client,
    base: String,
}

impl Api {
    /// Waits for lookout to listen and takes its address from the log.
    pub(crate) async fn of(lookout: &mut LookoutProcess) -> anyhow::Result<Self> {
        let line = lookout.wait_for("Listening on", std::time::Duration::from_secs(300)).await?;
        let base = line
            .split("Listening on ")
            .nth(1)
            .map(|rest| rest.trim().trim_matches('"').to_owned())
            .context("no address in the log")?;
        Ok(Self { client: reqwest::Client::new(), base })
    }

    /// A webhook channel to `url`, marked default (sites with no `alerts` of their own use it).
    pub(crate) async fn default_webhook(&self, url: &str) -> anyhow::Result<()> {
        let body = json!({ "name": "bench", "kind": "webhook", "config": { "url": url },
            "default": true });
        let response =
            self.client.post(format!("{}/api/channels", self.base)).json(&body).send().await?;
        if response.status().as_u16() != 201 {
            bail!("creating the channel: {} {}", response.status(), response.text().await?);
        }
        Ok(())
    }

    /// Deliveries in `status` (pending, failed, delivered, dead), counted up to 1,000.
    pub(crate) async fn deliveries(&self, status: &str) -> anyhow::Result<usize> {
        let url = format!("{}/api/deliveries?status={status}&limit=1000", self.base);
        let list: serde_json::Value = self.client.get(url).send().await?.json().await?;
        Ok(list.as_array().map_or(0, Vec::len))
    }
}
