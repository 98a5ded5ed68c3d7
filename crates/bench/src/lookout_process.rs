//! The `lookout` binary as a child process: start it, read its log, sample its RSS, CPU,
//! descriptors and threads.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// A running lookout.
pub(crate) struct LookoutProcess {
    child: Child,
    logs: Arc<Mutex<Vec<String>>>,
}

/// Resource use read from /proc.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Usage {
    pub(crate) rss_kib: u64,
    pub(crate) peak_rss_kib: u64,
    pub(crate) cpu_secs: f64,
    pub(crate) user_secs: f64,
    pub(crate) system_secs: f64,
}

/// What the process holds at one moment, read from /proc.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Holdings {
    /// Anonymous resident memory (`RssAnon`): the heap and stacks, not mapped files.
    pub(crate) rss_anon_kib: u64,
    /// Open file descriptors (entries of `/proc/<pid>/fd`).
    pub(crate) fds: u64,
    pub(crate) threads: u64,
}

/// The release `lookout` binary next to this executable.
pub(crate) fn lookout_binary() -> anyhow::Result<PathBuf> {
    let me = std::env::current_exe()?;
    let path = me.parent().context("no parent dir")?.join("lookout");
    if !path.exists() {
        bail!("{} not found: build it with `cargo build --release -p lookout`", path.display());
    }
    Ok(path)
}

impl LookoutProcess {
    pub(crate) fn start(workdir: &Path, env: &[(&str, String)]) -> anyhow::Result<Self> {
        Self::start_binary(&lookout_binary()?, workdir, env)
    }

    /// Starts the `lookout` binary at `binary` (another build, e.g. an older commit's).
    pub(crate) fn start_binary(
        binary: &Path,
        workdir: &Path,
        env: &[(&str, String)],
    ) -> anyhow::Result<Self> {
        let mut command = Command::new(binary);
        command
            .current_dir(workdir)
            .env("RUST_LOG", "info")
            .env("LOOKOUT__SERVER__PORT", "0")
            .env("LOOKOUT__LOG__CHECKS", "none")
            .env("LOOKOUT__MONITOR__MIN_INTERVAL_SECS", "1")
            .env("LOOKOUT__PROBE__ALLOW_PRIVATE", "true")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().context("cannot start lookout")?;
        let logs = Arc::new(Mutex::new(Vec::new()));
        let streams: [Box<dyn std::io::Read + Send>; 2] = [
            Box::new(child.stdout.take().context("stdout")?),
            Box::new(child.stderr.take().context("stderr")?),
        ];
        for stream in streams {
            let logs = Arc::clone(&logs);
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    logs.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(line);
                }
            });
        }
        Ok(Self { child, logs })
    }

    pub(crate) fn logs(&self) -> Vec<String> {
        self.logs.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Waits until lookout listens; its base URL (`http://127.0.0.1:PORT`).
    pub(crate) async fn wait_for_address(&mut self, timeout: Duration) -> anyhow::Result<String> {
        let line = self.wait_for("Listening on", timeout).await?;
        line.split("Listening on ")
            .nth(1)
            .map(|rest| rest.trim().trim_matches('"').to_owned())
            .context("no address in the log")
    }

    /// Waits for a log line containing `needle`.
    pub(crate) async fn wait_for(
        &mut self,
        needle: &str,
        timeout: Duration,
    ) -> anyhow::Result<String> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(line) = self.logs().into_iter().find(|l| l.contains(needle)) {
                return Ok(line);
            }
            if let Some(status) = self.child.try_wait()? {
                bail!("lookout exited ({status}):\n{}", self.logs().join("\n"));
            }
            if Instant::now() > deadline {
                bail!("no {needle:?} from lookout within {timeout:?}:\n{}", self.logs().join("\n"));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// An error (with the log) when lookout has exited.
    pub(crate) fn ensure_running(&mut self) -> anyhow::Result<()> {
        match self.child.try_wait()? {
            Some(status) => bail!("lookout exited ({status}):\n{}", self.logs().join("\n")),
            None => Ok(()),
        }
    }

    /// A number field (`VmRSS:`, `Threads:` ...) of `/proc/<pid>/status`; 0 when absent.
    fn status_fields(&self) -> anyhow::Result<impl Fn(&str) -> u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        Ok(move |name: &str| -> u64 {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        })
    }

    pub(crate) fn holdings(&self) -> anyhow::Result<Holdings> {
        let field = self.status_fields()?;
        let fds = std::fs::read_dir(format!("/proc/{}/fd", self.child.id()))?.count();
        Ok(Holdings {
            rss_anon_kib: field("RssAnon:"),
            fds: u64::try_from(fds)?,
            threads: field("Threads:"),
        })
    }

    pub(crate) fn usage(&self) -> anyhow::Result<Usage> {
        let pid = self.child.id();
        let field = self.status_fields()?;
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
        // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
        let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
        let fields: Vec<&str> = after.split_whitespace().collect();
        let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        Ok(Usage {
            rss_kib: field("VmRSS:"),
            peak_rss_kib: field("VmHWM:"),
            cpu_secs: (ticks(11) + ticks(12)) / clock_ticks_per_second(),
            user_secs: ticks(11) / clock_ticks_per_second(),
            system_secs: ticks(12) / clock_ticks_per_second(),
        })
    }

    /// SIGTERM, then wait for the exit; returns every log line.
    pub(crate) fn stop(mut self) -> anyhow::Result<Vec<String>> {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status()?;
        let status = self.child.wait()?;
        std::thread::sleep(Duration::from_millis(100));
        if !status.success() {
            bail!("lookout exited with {status}");
        }
        Ok(self.logs())
    }
}

fn clock_ticks_per_second() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

/// A `key=value` number from a structured log line.
pub(crate) fn log_number(line: &str, key: &str) -> Option<f64> {
    let start = line.find(&format!("{key}="))? + key.len() + 1;
    line[start..].split_whitespace().next()?.trim_matches('"').parse().ok()
}
