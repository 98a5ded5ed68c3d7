//! `lookout export [--format yaml|json] [--file NAME] [-o FILE]`: what the server monitors (or
//! only what the document `NAME` manages) as a document that applies back as a no-op.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};

use crate::commands::api_client::{ApiClient, ServerArgs};
use crate::settings::Settings;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    Yaml,
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    #[arg(long, value_enum, default_value = "yaml")]
    format: Format,
    /// Only the items the document of this name manages (e.g. sites.yaml).
    #[arg(long)]
    file: Option<String>,
    /// Write it here instead of standard output.
    #[arg(short = 'o', long = "output")]
    output: Option<PathBuf>,
    #[command(flatten)]
    server: ServerArgs,
}

pub(crate) async fn export(settings: Settings, args: ExportArgs) -> anyhow::Result<()> {
    let client = ApiClient::new(&args.server, &settings)?;
    let format = match args.format {
        Format::Yaml => "yaml",
        Format::Json => "json",
    };
    let mut path = format!("/api/export?format={format}");
    if let Some(file) = &args.file {
        path.push_str(&format!("&file={}", super::apply::encode(file)));
    }
    let answer = client.send(reqwest::Method::GET, &path, None).await?;
    let response = match answer {
        Ok(response) => response,
        Err(refusal) => bail!("cannot export: {}", refusal.message()),
    };
    let mut text = response.text().await.context("cannot read the document")?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    match &args.output {
        Some(path) => {
            std::fs::write(path, &text)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => print!("{text}"),
    }
    Ok(())
}
