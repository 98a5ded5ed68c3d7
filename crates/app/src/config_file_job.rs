//! `config_file.path`: the document this server owns, checked at start-up and handed to the
//! `config-file` job.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use lookout_domain::manifest::{Manifest, Owner};
use lookout_domain::{IntervalBounds, SystemClock};
use lookout_jobs::{ConfigFile, ConfigFileWatch};

use crate::config_file_source::FileSource;
use crate::settings::Settings;

/// The owned file, ready to become a job.
#[derive(Debug)]
pub(crate) struct OwnedFile {
    source: FileSource,
    owner: Owner,
    prune: bool,
    every: Duration,
}

impl OwnedFile {
    pub(crate) fn job<M: Manifest>(
        self,
        manifest: M,
        watch: Arc<ConfigFileWatch>,
    ) -> ConfigFile<M, FileSource, SystemClock> {
        ConfigFile::new(
            manifest,
            self.source,
            SystemClock,
            self.owner,
            self.prune,
            self.every,
            watch,
        )
    }
}

/// The owned file and the state `/health` reads, or `None` when `config_file.path` is empty.
pub(crate) fn prepare(
    settings: &Settings,
    bounds: IntervalBounds,
) -> anyhow::Result<Option<(OwnedFile, Arc<ConfigFileWatch>)>> {
    let config = &settings.config_file;
    if config.path.trim().is_empty() {
        return Ok(None);
    }
    let path = PathBuf::from(config.path.trim());
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .context("config_file.path names no file")?;
    let owner = Owner::file(&name).with_context(|| format!("config_file.path: {name}"))?;
    if !(config.poll_secs.is_finite() && config.poll_secs >= 0.1) {
        bail!("config_file.poll_secs must be at least 0.1, got {}", config.poll_secs);
    }
    let watch = ConfigFileWatch::new(&path.display().to_string());
    tracing::info!(path = %path.display(), %owner, prune = config.prune, "Owning a config file");
    let file = OwnedFile {
        source: FileSource::new(path, name, bounds),
        owner,
        prune: config.prune,
        every: Duration::from_secs_f64(config.poll_secs),
    };
    Ok(Some((file, watch)))
}
