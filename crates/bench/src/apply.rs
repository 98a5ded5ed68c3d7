//! `lookout-bench apply`: monitoring as code at scale on SQLite — a document of N sites (10,000
//! by default) planned on an empty server, applied, planned and applied again with nothing to
//! do (which must write nothing), then with a hundred sites changed — each through the real
//! CLI (`lookout apply`) against the release binary, timed from the command's start to its end.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::lookout_process::{LookoutProcess, lookout_binary};
use crate::throughput::tempfile_dir;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Sites in the document.
    #[arg(long, default_value_t = 10_000)]
    sites: u64,
}

/// The document: every tenth site with a request header, every seventh with an assertion,
/// every fifth from two regions.
fn document(sites: u64, interval_of: impl Fn(u64) -> u64) -> String {
    let mut text = String::from("websites:\n");
    for n in 0..sites {
        text.push_str(&format!(
            "  - key: site-{n}\n    url: https://site-{n}.example.com/health\n    name: Site {n}\n    check_interval: {}\n",
            interval_of(n)
        ));
        if n % 10 == 0 {
            text.push_str("    request:\n      headers:\n        X-Probe: lookout\n");
        }
        if n % 7 == 0 {
            text.push_str("    assertions:\n      - { kind: status, any_of: [200, \"3xx\"] }\n");
        }
        if n % 5 == 0 {
            text.push_str("    regions: [eu, us]\n");
        }
    }
    text
}

/// Runs `lookout apply` once; its wall time and the plan's last lines.
fn apply(
    dir: &Path,
    server: &str,
    file: &str,
    extra: &[&str],
) -> anyhow::Result<(Duration, String)> {
    let started = Instant::now();
    let output = Command::new(lookout_binary()?)
        .current_dir(dir)
        .args(["apply", "-f", file, "--name", "sites.yaml", "--server", server])
        .args(extra)
        .output()
        .context("cannot run lookout apply")?;
    let took = started.elapsed();
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!("lookout apply failed: {}{}", stdout, String::from_utf8_lossy(&output.stderr));
    }
    let tail: Vec<&str> = stdout.lines().rev().take(2).collect();
    Ok((took, tail.into_iter().rev().collect::<Vec<_>>().join(" / ")))
}

/// The database files' sizes and modification times (a write changes one of them).
fn fingerprint(db: &Path) -> Vec<(u64, std::time::SystemTime)> {
    ["", "-wal"]
        .iter()
        .filter_map(|suffix| std::fs::metadata(format!("{}{suffix}", db.display())).ok())
        .filter_map(|m| Some((m.len(), m.modified().ok()?)))
        .collect()
}

pub(crate) async fn run(args: Args) -> anyhow::Result<()> {
    let workdir: PathBuf = tempfile_dir()?.join("apply");
    std::fs::create_dir_all(&workdir)?;
    let db = workdir.join("apply.db");
    let env = [
        ("DATABASE_URL", format!("sqlite://{}", db.display())),
        ("SCHEDULER_ENABLED", "false".to_owned()),
        ("LOOKOUT__RETENTION__ENABLED", "false".to_owned()),
    ];
    let mut lookout = LookoutProcess::start(&workdir, &env)?;
    let server = lookout.wait_for_address(Duration::from_secs(120)).await?;
    let first = document(args.sites, |_| 300);
    std::fs::write(workdir.join("sites.yaml"), &first)?;
    let changed = document(args.sites, |n| if n % 100 == 0 { 600 } else { 300 });
    std::fs::write(workdir.join("changed.yaml"), &changed)?;

    println!("lookout-bench apply (SQLite, {} sites, scheduler off, the release CLI)", args.sites);
    println!(
        "  document                         {:>8.1} MiB of YAML",
        first.len() as f64 / 1_048_576.0
    );
    let (plan, said) = apply(&workdir, &server, "sites.yaml", &["--dry-run"])?;
    println!(
        "  plan, empty server (dry run)     {:>8.2} s   target < 2 s   ({said})",
        plan.as_secs_f64()
    );
    let (create, said) = apply(&workdir, &server, "sites.yaml", &[])?;
    println!(
        "  apply, every site created        {:>8.2} s   target < 10 s  ({said})",
        create.as_secs_f64()
    );
    let (noop_plan, said) = apply(&workdir, &server, "sites.yaml", &["--dry-run"])?;
    println!(
        "  plan, nothing to do              {:>8.2} s   target < 2 s   ({said})",
        noop_plan.as_secs_f64()
    );
    let before = fingerprint(&db);
    let (noop, said) = apply(&workdir, &server, "sites.yaml", &[])?;
    let wrote = if fingerprint(&db) == before { "wrote nothing" } else { "WROTE to the database" };
    println!(
        "  re-apply, nothing to do          {:>8.2} s   {wrote}   ({said})",
        noop.as_secs_f64()
    );
    let (update, said) = apply(&workdir, &server, "changed.yaml", &[])?;
    println!("  apply, 1 % of sites changed      {:>8.2} s   ({said})", update.as_secs_f64());
    let usage = lookout.usage()?;
    println!("  lookout's peak RSS               {:>8} KiB", usage.peak_rss_kib);
    lookout.stop()?;
    std::fs::remove_dir_all(&workdir).ok();
    let pass = plan.as_secs_f64() < 2.0
        && noop_plan.as_secs_f64() < 2.0
        && create.as_secs_f64() < 10.0
        && wrote == "wrote nothing";
    println!("  verdict                          {}", if pass { "PASS" } else { "FAIL" });
    Ok(())
}
