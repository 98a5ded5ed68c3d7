//! A PostgreSQL cluster of a test's own (`initdb` + `pg_ctl` on a free port), for tests that
//! stop or break the database. The shared server is never touched.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A private PostgreSQL cluster in a temporary directory, stopped and deleted on drop.
#[derive(Debug)]
pub struct ThrowawayPostgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    as_postgres_user: bool,
}

impl ThrowawayPostgres {
    /// Creates and starts a cluster, or `None` when no PostgreSQL server binaries are installed.
    pub fn start() -> Option<Self> {
        let bin = find_bin_dir()?;
        let dir = tempfile::Builder::new().prefix("lookout-pg-").tempdir().ok()?;
        // initdb refuses to run as root: run the server as the `postgres` user then.
        let as_postgres_user = running_as_root();
        if as_postgres_user {
            hand_to_postgres_user(dir.path());
        }
        let port = free_port();
        let cluster = Self { dir, bin, port, as_postgres_user };
        let data = cluster.data_dir();
        cluster.run(
            "initdb",
            &["-D", &data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"],
        );
        cluster.start_server();
        Some(cluster)
    }

    /// A URL for database `postgres` on this cluster.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Stops the server at once (as a crash or an outage would).
    pub fn stop(&self) {
        let data = self.data_dir();
        self.run("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "stop"]);
    }

    /// Starts the server again on the same port.
    pub fn start_server(&self) {
        let data = self.data_dir();
        let log = format!("{data}.log");
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off",
            self.port,
            self.dir.path().display()
        );
        self.run("pg_ctl", &["-D", &data, "-o", &options, "-l", &log, "-w", "start"]);
    }

    fn data_dir(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    /// A command for one of the server binaries, as the `postgres` user when we are root.
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.as_postgres_user {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(&path);
            command
        } else {
            Command::new(&path)
        }
    }

    fn run(&self, program: &str, args: &[&str]) {
        let output = self
            .command(program)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
        assert!(
            output.status.success(),
            "{program} {args:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

impl Drop for ThrowawayPostgres {
    fn drop(&mut self) {
        let data = self.data_dir();
        let _ = self.command("pg_ctl").args(["-D", &data, "-m", "immediate", "stop"]).output();
    }
}

fn find_bin_dir() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| entry.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists() && bin.join("pg_ctl").exists())
        .collect();
    candidates.sort();
    candidates.pop()
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn hand_to_postgres_user(dir: &Path) {
    let status = Command::new("chown").arg("postgres:").arg(dir).status();
    assert!(status.is_ok_and(|s| s.success()), "cannot chown {} to postgres", dir.display());
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}
