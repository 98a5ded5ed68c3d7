//! The reference target: nginx with one worker on loopback, answering `200 ok` to every path,
//! so lookout and wrk are measured against the same server the figures name.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// A running nginx; stopped when dropped.
#[derive(Debug)]
pub(crate) struct Nginx {
    child: Child,
    port: u16,
}

impl Nginx {
    /// Starts nginx (one worker, no access log, no keep-alive) in `workdir` on a free port.
    pub(crate) fn start(workdir: &Path) -> anyhow::Result<Self> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let prefix = workdir.join("nginx");
        std::fs::create_dir_all(prefix.join("logs"))?;
        let config = prefix.join("nginx.conf");
        std::fs::write(
            &config,
            format!(
                "worker_processes 1;\n\
                 daemon off;\n\
                 pid {pid};\n\
                 error_log {errors} warn;\n\
                 events {{ worker_connections 8192; }}\n\
                 http {{\n\
                 \x20 access_log off;\n\
                 \x20 keepalive_timeout 0;\n\
                 \x20 client_body_temp_path {tmp};\n\
                 \x20 proxy_temp_path {tmp};\n\
                 \x20 fastcgi_temp_path {tmp};\n\
                 \x20 uwsgi_temp_path {tmp};\n\
                 \x20 scgi_temp_path {tmp};\n\
                 \x20 server {{\n\
                 \x20   listen 127.0.0.1:{port} backlog=4096;\n\
                 \x20   location / {{ default_type text/plain; return 200 \"ok\"; }}\n\
                 \x20 }}\n\
                 }}\n",
                pid = prefix.join("nginx.pid").display(),
                errors = prefix.join("logs/error.log").display(),
                tmp = prefix.join("logs").display(),
            ),
        )?;
        let child = Command::new("nginx")
            .args(["-p", &prefix.display().to_string(), "-c", &config.display().to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("cannot start nginx (scripts/bench installs it from Debian)")?;
        let mut nginx = Self { child, port };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if started.elapsed() > Duration::from_secs(10) || nginx.child.try_wait()?.is_some() {
                bail!("nginx did not start listening on 127.0.0.1:{port}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(nginx)
    }

    /// Where it listens.
    pub(crate) fn address(&self) -> std::net::SocketAddr {
        std::net::SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// `http://127.0.0.1:<port>`.
    pub(crate) fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // nginx stops its worker on SIGQUIT/SIGTERM; kill() is SIGKILL of the master only, so
        // ask politely first.
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let _ = self.child.wait();
    }
}
