//! `lookout apply -f FILE [--dry-run] [--prune]`: sends the document to the server, which plans
//! it and applies it all or nothing; prints the plan the way `terraform plan` does.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;
use serde_json::Value;

use super::plan_text::{Palette, plan_text, problems_text};
use crate::commands::api_client::{ApiClient, ServerArgs};
use crate::env_text::substitute;
use crate::settings::Settings;

#[derive(Debug, Args)]
pub(crate) struct ApplyArgs {
    /// The document (YAML or JSON); `-` reads standard input.
    #[arg(short = 'f', long = "file")]
    file: PathBuf,
    /// Show the plan; change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Delete the sites this file made and no longer lists.
    #[arg(long)]
    prune: bool,
    /// The name the document's items are marked with (`file:<name>`; default: the file's name).
    #[arg(long)]
    name: Option<String>,
    #[command(flatten)]
    server: ServerArgs,
}

/// Runs the command; an error (a bad document, a refusal) exits non-zero.
pub(crate) async fn apply(settings: Settings, args: ApplyArgs) -> anyhow::Result<()> {
    let (name, raw) = read(&args)?;
    let text = substitute(&raw, |var| std::env::var(var).ok())
        .map_err(|problem| anyhow::anyhow!("{name}: {problem}"))?;
    let client = ApiClient::new(&args.server, &settings)?;
    let query =
        format!("/api/apply?file={}&dry_run={}&prune={}", encode(&name), args.dry_run, args.prune);
    let palette = Palette::for_terminal(std::io::stdout().is_terminal());
    // The file's own name says its format (`--name` may differ); standard input: the name's.
    let written_as = match args.file.as_os_str() == "-" {
        true => name.clone(),
        false => args.file.to_string_lossy().into_owned(),
    };
    let media_type = match lookout_http::DocumentFormat::of_file(&written_as) {
        lookout_http::DocumentFormat::Toml => "application/toml",
        lookout_http::DocumentFormat::Yaml => "application/yaml",
    };
    let answer = client.send(reqwest::Method::POST, &query, Some((media_type, text))).await?;
    match answer {
        Ok(response) => {
            let plan: Value = response.json().await.context("the server's plan is not JSON")?;
            print!("{}", plan_text(&plan, palette));
            Ok(())
        }
        Err(refusal)
            if refusal.body.get("code").and_then(Value::as_str) == Some("invalid_document") =>
        {
            eprint!(
                "{}",
                problems_text(
                    &name,
                    &refusal.body,
                    Palette::for_terminal(std::io::stderr().is_terminal())
                )
            );
            bail!("{name} was not applied: nothing changed")
        }
        Err(refusal) => bail!("{name} was not applied: {}", refusal.message()),
    }
}

/// The document's name and text.
fn read(args: &ApplyArgs) -> anyhow::Result<(String, String)> {
    if args.file.as_os_str() == "-" {
        let name = args.name.clone().unwrap_or_else(|| "stdin".to_owned());
        let text =
            std::io::read_to_string(std::io::stdin()).context("cannot read standard input")?;
        return Ok((name, text));
    }
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let name = match &args.name {
        Some(name) => name.clone(),
        None => args
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .context("--file names no file")?,
    };
    Ok((name, text))
}

/// A query value, percent-encoded.
pub(super) fn encode(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
