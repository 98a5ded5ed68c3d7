//! `TestApp`: one running `lookout` process and a typed client for it.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Runs `$body` with `$db` (a fresh `TestDatabase`) on SQLite and on PostgreSQL.
macro_rules! with_both_databases {
    ($name:ident, |$db:ident| $body:expr) => {
        mod $name {
            #[allow(
                unused_imports,
                reason = "only some bodies use it: `expect` would fail on the rest"
            )]
            use super::*;

            #[tokio::test(flavor = "multi_thread")]
            async fn sqlite() {
                let $db = $crate::helpers::TestDatabase::sqlite();
                $body
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn postgres() {
                let Some($db) = $crate::helpers::TestDatabase::postgres().await else {
                    eprintln!("skipped: LOOKOUT_TEST_POSTGRES_URL is not set");
                    return;
                };
                $body
            }
        }
    };
}
pub(crate) use with_both_databases;

/// Runs `$body` with `$app` (a started `TestApp`) on SQLite and on PostgreSQL.
macro_rules! on_both_backends {
    ($name:ident, |$app:ident| $body:expr) => {
        mod $name {
            #[allow(
                unused_imports,
                reason = "only some bodies use it: `expect` would fail on the rest"
            )]
            use super::*;

            #[tokio::test(flavor = "multi_thread")]
            async fn sqlite() {
                let db = $crate::helpers::TestDatabase::sqlite();
                let $app = $crate::helpers::TestApp::start_owning(db, &[]).await;
                $body
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn postgres() {
                let Some(db) = $crate::helpers::TestDatabase::postgres().await else {
                    eprintln!("skipped: LOOKOUT_TEST_POSTGRES_URL is not set");
                    return;
                };
                let $app = $crate::helpers::TestApp::start_owning(db, &[]).await;
                $body
            }
        }
    };
}
pub(crate) use on_both_backends;

pub use lookout_store::test_support::TestDatabase;

/// A running `lookout serve`, killed on drop.
pub struct TestApp {
    child: Child,
    pub address: String,
    pub client: reqwest::Client,
    logs: Arc<Mutex<Vec<String>>>,
    workdir: Option<tempfile::TempDir>,
    /// The database, when the app owns it (dropped after the process is killed).
    database: Option<TestDatabase>,
}

/// What is left of a `TestApp` after it stopped.
pub struct Stopped {
    pub status: ExitStatus,
    pub logs: Vec<String>,
    pub workdir: tempfile::TempDir,
}

/// Starts the binary with `cwd` as its working directory and the given environment.
pub fn spawn_lookout(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lookout"));
    command
        .args(args)
        .current_dir(cwd)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "info")
        .env("LOOKOUT__SERVER__PORT", "0")
        .env("LOOKOUT__SERVER__WORKERS", "2")
        // Local targets live on loopback; the SSRF tests switch this back off.
        .env("LOOKOUT__PROBE__ALLOW_PRIVATE", "true")
        // Tests write history straight into the database, dated in the past; a roll-up pass
        // racing with that would file those hours as rolled up. The retention tests turn it on.
        .env("LOOKOUT__RETENTION__ENABLED", "false")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    command.spawn().expect("cannot start the lookout binary")
}

/// Collects a child's stdout and stderr lines into `logs` on background threads.
fn collect_output(child: &mut Child, logs: &Arc<Mutex<Vec<String>>>) {
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take().expect("stderr is piped");
    for stream in [Box::new(stdout) as Box<dyn std::io::Read + Send>, Box::new(stderr)] {
        let logs = Arc::clone(logs);
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                logs.lock().unwrap().push(line);
            }
        });
    }
}

impl TestApp {
    /// Starts `lookout serve` on `db` with extra environment, and waits until it listens.
    pub async fn start(db: &TestDatabase, env: &[(&str, &str)]) -> Self {
        Self::start_in(tempfile::tempdir().unwrap(), db.url(), env).await
    }

    /// Starts `lookout serve` on `db`, which the app keeps (see [`TestApp::database`]).
    pub async fn start_owning(db: TestDatabase, env: &[(&str, &str)]) -> Self {
        let mut app = Self::start(&db, env).await;
        app.database = Some(db);
        app
    }

    /// The database given to [`TestApp::start_owning`].
    pub fn database(&self) -> &TestDatabase {
        self.database.as_ref().expect("started with start_owning")
    }

    /// Starts `lookout serve` in `workdir` against `database_url`.
    pub async fn start_in(
        workdir: tempfile::TempDir,
        database_url: &str,
        env: &[(&str, &str)],
    ) -> Self {
        let mut all_env = Vec::new();
        if !database_url.is_empty() {
            all_env.push(("DATABASE_URL", database_url));
        }
        all_env.extend_from_slice(env);
        let mut child = spawn_lookout(workdir.path(), &[], &all_env);
        let logs = Arc::new(Mutex::new(Vec::new()));
        collect_output(&mut child, &logs);
        let address = wait_for_address(&mut child, &logs);
        Self {
            child,
            address,
            client: reqwest::Client::new(),
            logs,
            workdir: Some(workdir),
            database: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Every line the process has printed so far.
    pub fn logs(&self) -> Vec<String> {
        self.logs.lock().unwrap().clone()
    }

    /// Waits until a log line contains `needle`, for up to `timeout`.
    pub async fn wait_for_log(&self, needle: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if self.logs().iter().any(|l| l.contains(needle)) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }

    /// Sends SIGTERM and waits for the process to exit; keeps its working directory.
    pub fn terminate(mut self) -> Stopped {
        send_sigterm(&self.child);
        let deadline = Instant::now() + Duration::from_secs(15);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "lookout did not exit after SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        };
        // Let the reader threads drain the last lines.
        std::thread::sleep(Duration::from_millis(100));
        let workdir = self.workdir.take().expect("the working directory is kept until stop");
        Stopped { status, logs: self.logs(), workdir }
    }

    /// The process id (to read its /proc entries).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL, as a crash would; keeps the working directory.
    pub fn kill9(mut self) -> tempfile::TempDir {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        self.workdir.take().expect("the working directory is kept until stop")
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        response(self.client.get(self.url(path)).send().await.unwrap()).await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> (u16, Value) {
        response(self.client.post(self.url(path)).json(body).send().await.unwrap()).await
    }

    pub async fn patch_json(&self, path: &str, body: &Value) -> (u16, Value) {
        response(self.client.patch(self.url(path)).json(body).send().await.unwrap()).await
    }

    pub async fn delete(&self, path: &str) -> (u16, Value) {
        response(self.client.delete(self.url(path)).send().await.unwrap()).await
    }

    /// Sends a raw body with the given content type (or none).
    pub async fn send_raw(
        &self,
        method: reqwest::Method,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> (u16, Value) {
        let mut request = self.client.request(method, self.url(path)).body(body);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        response(request.send().await.unwrap()).await
    }

    /// The Prometheus text of `GET /metrics`.
    pub async fn metrics_text(&self) -> String {
        self.client.get(self.url("/metrics")).send().await.unwrap().text().await.unwrap()
    }

    /// Creates `count` websites at `/s/{n}` of `farm`, checked every `interval` seconds, through
    /// the API; returns their ids.
    pub async fn create_sites(
        &self,
        farm: &lookout_target_farm::TargetServer,
        count: usize,
        interval: u64,
    ) -> Vec<Value> {
        let mut ids = Vec::new();
        for n in 0..count {
            let url = farm.url(&format!("/s/{n}"));
            let body = serde_json::json!({ "url": url, "name": format!("S{n}"), "check_interval": interval });
            let (status, site) = self.post_json("/api/websites", &body).await;
            assert_eq!(status, 201, "{site}");
            ids.push(site["id"].clone());
        }
        ids
    }

    /// Creates a website and returns its JSON, asserting 201.
    pub async fn create_website(&self, url: &str, name: &str) -> Value {
        let (status, body) =
            self.post_json("/api/websites", &serde_json::json!({ "url": url, "name": name })).await;
        assert_eq!(status, 201, "{body}");
        body
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn send_sigterm(child: &Child) {
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    assert!(status.is_ok_and(|s| s.success()), "cannot signal lookout");
}

/// A SQL timestamp literal for an instant (UTC, as the columns keep it).
pub fn sql_timestamp(instant: time::OffsetDateTime) -> String {
    use time::format_description::well_known::Rfc3339;
    let utc = instant.to_offset(time::UtcOffset::UTC);
    format!("'{}'::timestamp", utc.format(&Rfc3339).unwrap().trim_end_matches('Z'))
}

/// Polls `condition` every 50 ms for up to `timeout`.
pub async fn eventually(timeout: Duration, mut condition: impl AsyncFnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if condition().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

/// The value of the first sample of metric `name` in a Prometheus text (0 when absent).
pub fn metric(text: &str, name: &str) -> f64 {
    text.lines()
        .find(|line| line.starts_with(name))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
        .unwrap_or(0.0)
}

/// Status and JSON body (`Null` when empty).
pub async fn response(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            panic!("response is not JSON ({e}): {:?}", String::from_utf8_lossy(&bytes))
        })
    };
    (status, body)
}

fn wait_for_address(child: &mut Child, logs: &Arc<Mutex<Vec<String>>>) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(address) =
            logs.lock().unwrap().iter().find_map(|line| line.split("Listening on ").nth(1)).map(
                |rest| {
                    rest.split_whitespace().next().unwrap_or_default().trim_matches('"').to_owned()
                },
            )
        {
            return address;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!(
                "lookout exited with {status} before listening:\n{}",
                logs.lock().unwrap().join("\n")
            );
        }
        assert!(
            Instant::now() < deadline,
            "lookout did not start:\n{}",
            logs.lock().unwrap().join("\n")
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs the binary to completion (for `lookout migrate` and start-up failures); one still
/// running after 60 s is killed and fails the test.
pub fn run_to_exit(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> (ExitStatus, String) {
    let mut child = spawn_lookout(cwd, args, env);
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            let output = child.wait_with_output().unwrap();
            panic!("lookout {args:?} kept running: {}", String::from_utf8_lossy(&output.stderr));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status, text)
}

/// Inserts `count` enabled websites straight into the database (faster than the API), checked
/// every `interval` seconds at `/s/{n}` of `farm`; every `failing_every`-th answers 503.
pub async fn insert_sites(
    db: &TestDatabase,
    farm: &lookout_target_farm::TargetServer,
    count: u64,
    interval: u64,
    failing_every: u64,
) {
    let rows: Vec<String> = (0..count)
        .map(|n| {
            let query = if n % failing_every == 0 { "?status=503" } else { "" };
            format!(
                "('{}', 'site {n}', true, {interval}, '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
                farm.url(&format!("/s/{n}{query}"))
            )
        })
        .collect();
    for chunk in rows.chunks(500) {
        db.execute(&format!(
            "INSERT INTO websites (url, name, enabled, check_interval, created_at, updated_at) VALUES {}",
            chunk.join(", ")
        ))
        .await
        .unwrap();
    }
}
