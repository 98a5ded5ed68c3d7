//! `lookout`: a website uptime monitor. `lookout serve` (the default) runs the API and the
//! scheduler; `lookout migrate` applies database migrations and exits; `lookout rollup` runs the
//! roll-up and retention job once; `lookout apply` and `lookout export` keep sites as code.

mod access;
mod alert_settings;
mod commands;
mod config_file_job;
mod config_file_source;
mod engine;
mod env_text;
mod metric_help;
mod metrics;
mod probe_settings;
mod schedule_choice;
mod settings;
mod shutdown;
mod telemetry;
mod web_pages;

use clap::{Parser, Subcommand};

/// jemalloc, not glibc's malloc: glibc gives each busy thread an arena of its own (up to 8 per
/// core) and keeps their freed pages, so under steady load RSS creeps up for many minutes
/// before it settles (the soak in docs/benchmarks.md: +8 % after warm-up at 10,000 checks/s;
/// mimalloc did worse, +32 %); jemalloc hands freed pages back on a decay timer.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Debug, Parser)]
#[command(name = "lookout", version, about = "A website uptime monitor")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the REST API and run the checks (the default).
    Serve,
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Roll up and expire check history now (the retention job), then exit.
    Rollup,
    /// Manage API tokens stored (hashed) in the database.
    Token {
        #[command(subcommand)]
        command: commands::TokenCommand,
    },
    /// Apply a document of sites to a running lookout (plan, then all or nothing).
    Apply(commands::ApplyArgs),
    /// Print a running lookout's sites as a document that applies back as a no-op.
    Export(commands::ExportArgs),
    /// List, show, add, pause, resume or remove the sites of a running lookout.
    Sites(commands::SitesArgs),
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // A missing .env is normal; a broken one is worth failing for.
    match dotenvy::dotenv() {
        Ok(_) => {}
        Err(e) if e.not_found() => {}
        Err(e) => return Err(anyhow::Error::new(e).context("cannot read .env")),
    }
    let settings = settings::Settings::load()?;
    let command = cli.command.unwrap_or(Command::Serve);
    // `token`, `apply` and `export` print their results on stdout: logs go to stderr there.
    let prints = matches!(
        command,
        Command::Token { .. } | Command::Apply(_) | Command::Export(_) | Command::Sites(_)
    );
    telemetry::init(&settings.log, prints)?;
    match command {
        Command::Serve => commands::serve(settings).await,
        Command::Migrate => commands::migrate(settings).await,
        Command::Rollup => commands::rollup(settings).await,
        Command::Token { command } => commands::token(settings, command).await,
        Command::Apply(args) => commands::apply(settings, args).await,
        Command::Export(args) => commands::export(settings, args).await,
        Command::Sites(args) => commands::sites(settings, args).await,
    }
}
