//! Configuration: built-in defaults (config/default.toml, compiled in), then
//! `config/default.toml` and `config/local.toml` in the working directory when present, then
//! `LOOKOUT__SECTION__KEY` environment variables, then the seed's own `DATABASE_URL`,
//! `SCHEDULER_ENABLED` and `SCHEDULER_TIMEZONE`.

use anyhow::{Context, bail};
use config::{Config, Environment, File, FileFormat};
use lookout_domain::IntervalBounds;
use serde::Deserialize;

const BUILT_IN_DEFAULTS: &str = include_str!("../../../config/default.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Settings {
    pub(crate) server: ServerSettings,
    pub(crate) database: DatabaseSettings,
    pub(crate) scheduler: SchedulerSettings,
    pub(crate) monitor: MonitorSettings,
    pub(crate) log: LogSettings,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ServerSettings {
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) workers: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DatabaseSettings {
    pub(crate) url: String,
    pub(crate) pool_size: usize,
    pub(crate) connect_timeout_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SchedulerSettings {
    pub(crate) enabled: bool,
    pub(crate) timezone: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MonitorSettings {
    pub(crate) min_interval_secs: u32,
    pub(crate) max_interval_secs: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LogSettings {
    pub(crate) format: LogFormat,
    pub(crate) level: String,
}

impl Settings {
    /// Loads the layered configuration and checks it.
    pub(crate) fn load() -> anyhow::Result<Self> {
        let mut builder = Config::builder()
            .add_source(File::from_str(BUILT_IN_DEFAULTS, FileFormat::Toml))
            .add_source(File::with_name("config/default").format(FileFormat::Toml).required(false))
            .add_source(File::with_name("config/local").format(FileFormat::Toml).required(false))
            .add_source(
                Environment::with_prefix("LOOKOUT")
                    .prefix_separator("__")
                    .separator("__")
                    .try_parsing(true),
            );
        for (var, key) in [
            ("DATABASE_URL", "database.url"),
            ("SCHEDULER_ENABLED", "scheduler.enabled"),
            ("SCHEDULER_TIMEZONE", "scheduler.timezone"),
        ] {
            if let Some(value) = std::env::var(var).ok().filter(|v| !v.is_empty()) {
                builder = builder.set_override(key, value)?;
            }
        }
        let settings: Self = builder
            .build()
            .context("cannot read configuration")?
            .try_deserialize()
            .context("invalid configuration")?;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> anyhow::Result<()> {
        self.interval_bounds()?;
        if jiff::tz::TimeZone::get(&self.scheduler.timezone).is_err() {
            bail!(
                "scheduler.timezone {:?} is not a known IANA time zone (e.g. UTC, Europe/Berlin)",
                self.scheduler.timezone
            );
        }
        if self.database.pool_size == 0 {
            bail!("database.pool_size must be at least 1");
        }
        Ok(())
    }

    pub(crate) fn interval_bounds(&self) -> anyhow::Result<IntervalBounds> {
        IntervalBounds::new(self.monitor.min_interval_secs, self.monitor.max_interval_secs)
            .context("monitor.min_interval_secs / monitor.max_interval_secs")
    }
}
