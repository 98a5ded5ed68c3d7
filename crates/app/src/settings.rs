//! Configuration: built-in defaults (config/default.toml, compiled in), then
//! `config/default.toml` and `config/local.toml` in the working directory when present, then
//! `LOOKOUT__SECTION__KEY` environment variables, then the seed's own `DATABASE_URL`,
//! `SCHEDULER_ENABLED` and `SCHEDULER_TIMEZONE`.

use anyhow::{Context, bail};
use config::{Config, Environment, File, FileFormat};
use std::time::Duration;

use lookout_domain::auth::{ApiToken, Scope};
use lookout_domain::history::RetentionPolicy;
use lookout_domain::node::NodeId;
use lookout_domain::regions::RegionName;
use lookout_domain::website::AddressPolicy;
use lookout_domain::{BreakerPolicy, CheckLogPolicy, IntervalBounds};
use lookout_probe::ProbeOptions;
use serde::Deserialize;

use crate::alert_settings::{AlertSettings, SmtpSettings};
use crate::probe_settings::ProbeSettings;

const BUILT_IN_DEFAULTS: &str = include_str!("../../../config/default.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Settings {
    pub(crate) server: ServerSettings,
    pub(crate) database: DatabaseSettings,
    pub(crate) scheduler: SchedulerSettings,
    pub(crate) monitor: MonitorSettings,
    pub(crate) probe: ProbeSettings,
    pub(crate) circuit_breaker: CircuitBreakerSettings,
    pub(crate) retention: RetentionSettings,
    pub(crate) node: NodeSettings,
    pub(crate) metrics: MetricsSettings,
    pub(crate) log: LogSettings,
    pub(crate) auth: AuthSettings,
    pub(crate) alerts: AlertSettings,
    pub(crate) smtp: SmtpSettings,
    pub(crate) web: WebSettings,
    pub(crate) config_file: ConfigFileSettings,
}

/// `[config_file]`: a document of sites this server owns and keeps applied.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConfigFileSettings {
    /// The document (YAML or JSON); empty: none.
    pub(crate) path: String,
    /// How often the file is read; a change is applied once two reads agree.
    pub(crate) poll_secs: f64,
    /// Delete the sites the file made and no longer lists.
    pub(crate) prune: bool,
}

/// `[web]`: the web pages (secrets: `Debug` shows only whether a key is set).
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WebSettings {
    pub(crate) enabled: bool,
    /// Hex, at least 64 digits (32 bytes); empty: a key generated once and kept in the database.
    pub(crate) session_key: String,
}

impl std::fmt::Debug for WebSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebSettings")
            .field("enabled", &self.enabled)
            .field("session_key", &if self.session_key.is_empty() { "generated" } else { "***" })
            .finish()
    }
}

/// `[auth]`: API tokens from configuration (secrets: `Debug` shows only how many).
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AuthSettings {
    pub(crate) read_tokens: Vec<String>,
    pub(crate) write_tokens: Vec<String>,
    /// How often stored tokens are re-read: the bound on a revocation taking effect.
    pub(crate) refresh_secs: u64,
}

impl std::fmt::Debug for AuthSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthSettings")
            .field("read_tokens", &self.read_tokens.len())
            .field("write_tokens", &self.write_tokens.len())
            .field("refresh_secs", &self.refresh_secs)
            .finish()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MetricsSettings {
    pub(crate) enabled: bool,
    pub(crate) per_site_labels: bool,
    /// `/metrics` needs a read token (once any token exists).
    pub(crate) require_token: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ServerSettings {
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) workers: usize,
    /// Serve a non-loopback address with no API token configured (logged as a WARN).
    pub(crate) allow_anonymous: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DatabaseSettings {
    pub(crate) url: String,
    pub(crate) pool_size: usize,
    pub(crate) connect_timeout_secs: u64,
    pub(crate) max_batch: usize,
    pub(crate) outage_buffer: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SchedulerSettings {
    pub(crate) enabled: bool,
    pub(crate) timezone: String,
    pub(crate) max_concurrent_checks: usize,
    pub(crate) mode: SchedulerMode,
    pub(crate) lease_secs: u64,
}

/// `scheduler.mode`: where the schedule lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum SchedulerMode {
    /// `local` on SQLite, `shared` on PostgreSQL.
    Auto,
    /// In this process's memory: one node.
    Local,
    /// In PostgreSQL, claimed by every node.
    Shared,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CircuitBreakerSettings {
    pub(crate) failure_threshold: u32,
    pub(crate) open_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NodeSettings {
    pub(crate) id: String,
    pub(crate) region: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RetentionSettings {
    pub(crate) enabled: bool,
    pub(crate) schedule: String,
    pub(crate) raw_days: u32,
    pub(crate) hourly_days: u32,
    pub(crate) grace_secs: u32,
    pub(crate) batch_sites: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum CheckLines {
    All,
    Failures,
    None,
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
    pub(crate) checks: CheckLines,
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
                    .try_parsing(true)
                    .list_separator(",")
                    .with_list_parse_key("probe.allowed_cidrs")
                    .with_list_parse_key("auth.read_tokens")
                    .with_list_parse_key("auth.write_tokens"),
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
        if self.database.max_batch == 0 {
            bail!("database.max_batch must be at least 1");
        }
        if self.scheduler.max_concurrent_checks == 0 {
            bail!("scheduler.max_concurrent_checks must be at least 1");
        }
        self.probe_options()?;
        if self.circuit_breaker.failure_threshold == 0 {
            bail!("circuit_breaker.failure_threshold must be at least 1");
        }
        lookout_jobs::parse_cron(&self.retention.schedule).context("retention.schedule")?;
        self.node_id()?;
        self.node_region()?;
        if self.retention.raw_days == 0 || self.retention.hourly_days == 0 {
            bail!("retention.raw_days and retention.hourly_days must be at least 1");
        }
        if self.retention.batch_sites == 0 {
            bail!("retention.batch_sites must be at least 1");
        }
        self.scheduler_mode()?;
        self.configured_tokens()?;
        if self.auth.refresh_secs == 0 {
            bail!("auth.refresh_secs must be at least 1");
        }
        self.alerts.validate()?;
        self.smtp.validate()?;
        Ok(())
    }

    /// The tokens of `auth.read_tokens` and `auth.write_tokens` with their scopes (empty
    /// entries are skipped, so an empty environment variable means none).
    pub(crate) fn configured_tokens(&self) -> anyhow::Result<Vec<(ApiToken, Scope)>> {
        let lists = [
            ("auth.read_tokens", &self.auth.read_tokens, Scope::Read),
            ("auth.write_tokens", &self.auth.write_tokens, Scope::Write),
        ];
        let mut tokens = Vec::new();
        for (key, list, scope) in lists {
            for (index, raw) in list.iter().enumerate().filter(|(_, raw)| !raw.trim().is_empty()) {
                let token = ApiToken::parse(raw).with_context(|| format!("{key}[{index}]"))?;
                tokens.push((token, scope));
            }
        }
        Ok(tokens)
    }

    pub(crate) fn probe_options(&self) -> anyhow::Result<ProbeOptions> {
        self.probe.options()
    }

    /// Which addresses sites may point at (`probe.allow_private`, `probe.allowed_cidrs`).
    pub(crate) fn address_policy(&self) -> anyhow::Result<AddressPolicy> {
        self.probe.address_policy()
    }

    /// The schedule to run (`scheduler.mode`, `auto` resolved by the database backend); a
    /// shared schedule's lease must outlast a check.
    pub(crate) fn scheduler_mode(&self) -> anyhow::Result<SchedulerMode> {
        let postgres = self.database.url.starts_with("postgres");
        let mode = match self.scheduler.mode {
            SchedulerMode::Auto if postgres => SchedulerMode::Shared,
            SchedulerMode::Auto => SchedulerMode::Local,
            SchedulerMode::Shared if !postgres => {
                bail!("scheduler.mode = \"shared\" needs a PostgreSQL database.url")
            }
            mode => mode,
        };
        if mode == SchedulerMode::Shared
            && (self.scheduler.lease_secs as f64) < self.probe.timeout_secs + 5.0
        {
            bail!(
                "scheduler.lease_secs ({}) must be at least probe.timeout_secs + 5 ({}): a lease must outlast a check",
                self.scheduler.lease_secs,
                self.probe.timeout_secs + 5.0
            );
        }
        Ok(mode)
    }

    pub(crate) fn breaker_policy(&self) -> BreakerPolicy {
        BreakerPolicy {
            failure_threshold: self.circuit_breaker.failure_threshold,
            open_for: Duration::from_secs(self.circuit_breaker.open_secs),
        }
    }

    /// This node's id: `node.id`, or the host name and process id.
    pub(crate) fn node_id(&self) -> anyhow::Result<NodeId> {
        let raw = match self.node.id.trim() {
            "" => {
                let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
                    .unwrap_or_default()
                    .trim()
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
                    .take(40)
                    .collect::<String>();
                let host = if host.is_empty() { "lookout".to_owned() } else { host };
                format!("{host}-{}", std::process::id())
            }
            id => id.to_owned(),
        };
        NodeId::parse(&raw).context("node.id")
    }

    /// This node's region: `node.region`, none when empty.
    pub(crate) fn node_region(&self) -> anyhow::Result<Option<RegionName>> {
        match self.node.region.trim() {
            "" => Ok(None),
            raw => RegionName::parse(raw).map(Some).context("node.region"),
        }
    }

    pub(crate) fn retention_policy(&self) -> RetentionPolicy {
        let days = |n: u32| time::Duration::days(i64::from(n));
        RetentionPolicy {
            raw: days(self.retention.raw_days),
            hourly: days(self.retention.hourly_days),
            grace: time::Duration::seconds(i64::from(self.retention.grace_secs)),
            site_batch: self.retention.batch_sites,
            ..RetentionPolicy::default()
        }
    }

    pub(crate) fn check_log_policy(&self) -> CheckLogPolicy {
        match self.log.checks {
            CheckLines::All => CheckLogPolicy::All,
            CheckLines::Failures => CheckLogPolicy::Failures,
            CheckLines::None => CheckLogPolicy::None,
        }
    }

    pub(crate) fn interval_bounds(&self) -> anyhow::Result<IntervalBounds> {
        IntervalBounds::new(self.monitor.min_interval_secs, self.monitor.max_interval_secs)
            .context("monitor.min_interval_secs / monitor.max_interval_secs")
    }
}
