//! `lookout sites list | get | add | pause | resume | rm`: the sites of a running lookout, for
//! people (a table) and scripts (`--json`), over its API.

mod table;

use anyhow::{Context, bail};
use clap::Subcommand;
use reqwest::Method;
use serde_json::{Value, json};

use super::api_client::{ApiClient, ServerArgs};
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub(crate) struct SitesArgs {
    #[command(subcommand)]
    command: SitesCommand,
    /// Print the API's JSON instead of a table.
    #[arg(long, global = true)]
    json: bool,
    #[command(flatten)]
    server: ServerArgs,
}

#[derive(Debug, Subcommand)]
enum SitesCommand {
    /// Every site: id, name, url, interval, enabled, who manages it.
    List,
    /// One site and its current state.
    Get { id: i64 },
    /// Add a site.
    Add {
        url: String,
        /// Default: the url's host.
        #[arg(long)]
        name: Option<String>,
        /// Seconds between checks (default: the server's monitor.default_interval_secs).
        #[arg(long)]
        interval: Option<u32>,
    },
    /// Stop checking a site (a site a file manages needs --force).
    Pause {
        id: i64,
        #[arg(long)]
        force: bool,
    },
    /// Check a paused site again.
    Resume {
        id: i64,
        #[arg(long)]
        force: bool,
    },
    /// Delete a site with its history (a site a file manages needs --force).
    Rm {
        id: i64,
        #[arg(long)]
        force: bool,
    },
}

pub(crate) async fn sites(settings: Settings, args: SitesArgs) -> anyhow::Result<()> {
    let client = ApiClient::new(&args.server, &settings)?;
    let out = match args.command {
        SitesCommand::List => {
            let sites = json_of(&client, Method::GET, "/api/websites", None).await?;
            if args.json { pretty(&sites) } else { table::sites(&sites) }
        }
        SitesCommand::Get { id } => {
            let site = json_of(&client, Method::GET, &format!("/api/websites/{id}"), None).await?;
            let status =
                json_of(&client, Method::GET, &format!("/api/websites/{id}/status"), None).await?;
            if args.json {
                pretty(&json!({ "website": site, "status": status }))
            } else {
                table::site(&site, &status)
            }
        }
        SitesCommand::Add { url, name, interval } => {
            let name = match name {
                Some(name) => name,
                None => host_of(&url).with_context(|| format!("{url} has no host; pass --name"))?,
            };
            let mut body = json!({ "url": url, "name": name });
            if let Some(interval) = interval {
                body["check_interval"] = json!(interval);
            }
            let site = json_of(&client, Method::POST, "/api/websites", Some(body)).await?;
            if args.json { pretty(&site) } else { table::sites(&json!([site])) }
        }
        SitesCommand::Pause { id, force } | SitesCommand::Resume { id, force } => {
            let enabled = matches!(args.command, SitesCommand::Resume { .. });
            let path = format!("/api/websites/{id}{}", if force { "?force=true" } else { "" });
            let body = json!({ "enabled": enabled });
            let site = json_of(&client, Method::PATCH, &path, Some(body)).await?;
            if args.json { pretty(&site) } else { table::sites(&json!([site])) }
        }
        SitesCommand::Rm { id, force } => {
            let path = format!("/api/websites/{id}{}", if force { "?force=true" } else { "" });
            match client.send(Method::DELETE, &path, None).await? {
                Ok(_) => format!("Deleted site {id}.\n"),
                Err(refusal) => bail!("{}{}", refusal.message(), hint(&refusal.body)),
            }
        }
    };
    print!("{out}");
    Ok(())
}

/// The JSON of a successful call; a refusal is the error, with a hint for a managed site.
async fn json_of(
    client: &ApiClient,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> anyhow::Result<Value> {
    let body = body.map(|b| ("application/json", b.to_string()));
    match client.send(method, path, body).await? {
        Ok(response) => response.json().await.context("the server's answer is not JSON"),
        Err(refusal) => bail!("{}{}", refusal.message(), hint(&refusal.body)),
    }
}

fn hint(body: &Value) -> &'static str {
    if body["code"] == "managed_by_file" {
        "\nChange the file and apply it, or pass --force (the next apply puts the file's values back)."
    } else {
        ""
    }
}

fn pretty(value: &Value) -> String {
    format!("{}\n", serde_json::to_string_pretty(value).unwrap_or_default())
}

/// `https://shop.example.com/x` → `shop.example.com`.
fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?.rsplit('@').next()?;
    (!host.is_empty()).then(|| host.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_defaults_to_the_host() {
        assert_eq!(host_of("https://shop.example.com/health").as_deref(), Some("shop.example.com"));
        assert_eq!(host_of("http://u:p@10.0.0.1:8080?x").as_deref(), Some("10.0.0.1:8080"));
        assert_eq!(host_of("shop"), None);
    }
}
