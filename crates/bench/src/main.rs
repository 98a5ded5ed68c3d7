//! `lookout-bench`: measures the real `lookout` binary (a release build next to this one)
//! against a local target farm, and prints the figures docs/benchmarks.md quotes.
//!
//! - `throughput`: N sites at a short interval for T seconds — target and achieved checks/s,
//!   checks persisted vs requests the farm saw, scheduling lateness, reported minus true
//!   response time, peak RSS, CPU seconds, and wrk's new-connection rate against the same farm.
//! - `idle`: many sites at a long interval — RSS per scheduled site.
//! - `history`: `/api/stats` and per-site stats latency over N sites × D days of checks on
//!   SQLite, from raw checks and after `lookout rollup` (whose speed it reports too).
//! - `scale-out`: on PostgreSQL, 1 node local vs 1 node shared vs N nodes shared — checks/s,
//!   lateness, lookout's and the database's CPU, schedule row updates and commits (alias
//!   `scale`).
//! - `soak`: the release binary for many minutes at a steady rate (default 10,000 checks/s for
//!   10 minutes) on SQLite or PostgreSQL, nobody scraping `/metrics` — anonymous RSS,
//!   descriptors, threads, WAL size, bytes per stored check, lateness p99 and checks/s every
//!   minute, then a PASS/FAIL verdict on memory's trend (the judged minutes' second half's
//!   median RssAnon against the first half's), leaks and the WAL's bound, and a note when the
//!   run was saturated.
//! - `regions`: on PostgreSQL, three nodes checking N sites with no regions, from one region,
//!   and from three regions (each site from all three) — checks/s, lateness, the database's CPU
//!   and WAL per 1,000 checks, and how many sites × regions one PostgreSQL carries at 60 s.
//! - `alerts`: N sites (default 10,000) alerting a webhook receiver — a storm of every site
//!   down at once (deliveries per second with grouping off, messages with grouping on, the
//!   check rate meanwhile against a healthy baseline), latency from the check that crossed the
//!   threshold to the receiver, and a receiver failing half its requests; a verdict per target.
//! - `apply`: a document of N sites (10,000) planned, applied, re-applied with nothing to do
//!   (which must write nothing) and applied with 1 % changed, through the release CLI on SQLite.
//! - `web`: the pages over the history benchmark's data — overview, a site's page, a status
//!   page of 100 sites (p50/p99 against their targets) and the overview's load in Chromium.

mod alerts;
mod apply;
mod bare_client;
mod history;
mod idle;
mod lookout_process;
mod nginx;
mod pg_case;
mod postgres_db;
mod regions;
mod scale_out;
mod sites;
mod soak;
mod stats;
mod throughput;
mod web;
mod wrk;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "lookout-bench", about = "Benchmarks the lookout binary")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Sustained checks per second against a local farm.
    Throughput(throughput::Args),
    /// Memory per scheduled site with many idle sites.
    Idle(idle::Args),
    /// Statistics latency over a large history, raw and rolled up.
    History(history::Args),
    /// The shared schedule's cost on PostgreSQL: local vs shared, 1 vs N nodes.
    #[command(alias = "scale")]
    ScaleOut(scale_out::Args),
    /// Minutes at a steady rate with nobody scraping: memory, descriptors, threads, WAL, storage.
    Soak(soak::Args),
    /// Checking from three regions against one: checks/s, lateness, database CPU and WAL.
    Regions(regions::Args),
    /// Alert storms, delivery latency and a half-failing receiver.
    Alerts(alerts::Args),
    /// The web pages' latency over a large history, and the overview in headless Chromium.
    Web(web::Args),
    /// Monitoring as code at scale: plan and apply a document of 10,000 sites.
    Apply(apply::Args),
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Throughput(args) => throughput::run(args).await,
        Command::Idle(args) => idle::run(args).await,
        Command::History(args) => history::run(args).await,
        Command::ScaleOut(args) => scale_out::run(args).await,
        Command::Soak(args) => soak::run(args).await,
        Command::Regions(args) => regions::run(args).await,
        Command::Alerts(args) => alerts::run(args).await,
        Command::Web(args) => web::run(args).await,
        Command::Apply(args) => apply::run(args).await,
    }
}
