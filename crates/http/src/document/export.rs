//! Everything a document may declare, as a document: applied back under the same file name it
//! changes nothing. Secrets are shown as `"***"`, which keeps the stored values; a site's
//! alerts name channels, and windows and pages name sites, by their key in the document.

use std::collections::HashMap;

use lookout_domain::Website;
use lookout_domain::alerting::Channel;
use lookout_domain::maintenance::MaintenanceWindow;
use lookout_domain::manifest::StoredItems;
use lookout_domain::status_pages::StatusPage;
use serde_json::{Map, Value};
use yaml_rust2::yaml::Hash;
use yaml_rust2::{Yaml, YamlEmitter};

use crate::dto::{ChannelResponse, MaintenanceResponse, StatusPageResponse, WebsiteResponse};

/// Fields a document does not carry: the server assigns them (or works them out).
const SERVER_FIELDS: [&str; 8] = [
    "id",
    "created_at",
    "updated_at",
    "managed_by",
    "key",
    "active",
    "active_until",
    "next_starts_at",
];

/// Whether a field's value is what a site gets without it.
type IsDefault = fn(&Value) -> bool;

/// Fields left out where they hold what a site gets without them.
const DEFAULTS: [(&str, IsDefault); 8] = [
    ("enabled", |v| v == &Value::Bool(true)),
    ("public", |v| v == &Value::Bool(false)),
    ("alerts", Value::is_null),
    ("request", Value::is_null),
    ("assertions", |v| v.as_array().is_some_and(Vec::is_empty)),
    ("degraded_above_ms", Value::is_null),
    ("regions", |v| v.as_array().is_some_and(Vec::is_empty)),
    ("quorum", |v| v == "majority"),
];

/// One item of a document, its fields in the order they are written.
type Item = Vec<(String, Value)>;

/// The items as a document: each with its key when a file manages it under one other than the
/// one it would get (its name, url or slug), its identifying fields first, defaults left out.
#[derive(Debug)]
pub struct ExportedDocument {
    channels: Vec<Item>,
    websites: Vec<Item>,
    maintenance: Vec<Item>,
    status_pages: Vec<Item>,
}

/// Every stored item as a document.
pub fn export_document(items: StoredItems) -> ExportedDocument {
    let StoredItems { websites, channels, maintenance, status_pages } = items;
    let channel_keys: HashMap<i64, String> =
        channels.iter().map(|channel| (channel.id.get(), channel_key(channel))).collect();
    let site_keys: HashMap<i64, String> =
        websites.iter().map(|site| (site.id.get(), site_key(site).to_owned())).collect();
    ExportedDocument {
        channels: channels.into_iter().map(channel_item).collect(),
        websites: websites.into_iter().map(|site| site_item(site, &channel_keys)).collect(),
        maintenance: maintenance.into_iter().map(|w| window_item(w, &site_keys)).collect(),
        status_pages: status_pages.into_iter().map(|p| page_item(p, &site_keys)).collect(),
    }
}

impl ExportedDocument {
    /// The lists, in the order they are written (empty ones left out, but for `websites`).
    fn lists(&self) -> Vec<(&'static str, &[Item])> {
        [
            ("channels", &self.channels),
            ("websites", &self.websites),
            ("maintenance", &self.maintenance),
            ("status_pages", &self.status_pages),
        ]
        .into_iter()
        .filter(|(name, items)| *name == "websites" || !items.is_empty())
        .map(|(name, items)| (name, items.as_slice()))
        .collect()
    }

    /// As JSON (keys sorted within each item).
    pub fn to_json(&self) -> Value {
        let lists = self.lists().into_iter().map(|(name, items)| {
            let items = items
                .iter()
                .map(|item| Value::Object(item.iter().cloned().collect::<Map<_, _>>()))
                .collect();
            (name.to_owned(), Value::Array(items))
        });
        Value::Object(lists.collect())
    }

    /// As YAML text, fields in their order.
    pub fn to_yaml(&self) -> String {
        let mut out = String::from("# lookout document: apply with `lookout apply -f FILE`\n");
        let mut body = String::new();
        let mut emitter = YamlEmitter::new(&mut body);
        emitter.multiline_strings(true);
        let mut top = Hash::new();
        for (name, items) in self.lists() {
            let items = items
                .iter()
                .map(|item| {
                    let mut hash = Hash::new();
                    for (name, value) in item {
                        hash.insert(Yaml::String(name.clone()), yaml(value));
                    }
                    Yaml::Hash(hash)
                })
                .collect();
            top.insert(Yaml::String(name.into()), Yaml::Array(items));
        }
        if emitter.dump(&Yaml::Hash(top)).is_err() {
            return serde_json::to_string_pretty(&self.to_json()).unwrap_or_default();
        }
        out.push_str(body.trim_start_matches("---").trim_start_matches('\n'));
        out.push('\n');
        out
    }
}

/// A channel's key in the document: its file's key, else its name.
fn channel_key(channel: &Channel) -> String {
    channel.managed.as_ref().map_or(channel.name.as_str(), |m| m.key.as_str()).to_owned()
}

fn channel_item(channel: Channel) -> Item {
    let key = Some(channel_key(&channel)).filter(|key| key != channel.name.as_str());
    let Ok(Value::Object(fields)) = serde_json::to_value(ChannelResponse::from(channel)) else {
        return Item::new();
    };
    let defaults: [(&str, IsDefault); 1] = [("default", |v| v == &Value::Bool(false))];
    ordered(key, fields, &["name", "kind", "config"], &defaults)
}

/// A site's key in the document: its file's key, else its url.
fn site_key(site: &Website) -> &str {
    site.managed.as_ref().map_or(site.url.given(), |m| m.key.as_str())
}

fn site_item(site: Website, channel_keys: &HashMap<i64, String>) -> Item {
    let key = Some(site_key(&site).to_owned()).filter(|key| key != site.url.given());
    let Ok(Value::Object(mut fields)) = serde_json::to_value(WebsiteResponse::from(site)) else {
        return Item::new();
    };
    if let Some(alerts) = fields.get_mut("alerts") {
        name_channels_by_key(alerts, channel_keys);
    }
    ordered(key, fields, &["url", "name", "check_interval"], &DEFAULTS)
}

fn window_item(window: MaintenanceWindow, site_keys: &HashMap<i64, String>) -> Item {
    let key = window.managed.as_ref().map(|m| m.key.as_str().to_owned());
    let key = key.filter(|key| key != &window.spec.name);
    let shown = MaintenanceResponse::at(window, time::OffsetDateTime::UNIX_EPOCH);
    let Ok(Value::Object(mut fields)) = serde_json::to_value(shown) else { return Item::new() };
    name_by_key(fields.get_mut("websites"), site_keys);
    let defaults: [(&str, IsDefault); 10] = [
        ("all", |v| v == &Value::Bool(false)),
        ("websites", |v| v.as_array().is_some_and(Vec::is_empty)),
        ("mode", |v| v == "silence"),
        ("starts_at", Value::is_null),
        ("ends_at", Value::is_null),
        ("schedule", Value::is_null),
        ("duration_secs", Value::is_null),
        ("timezone", Value::is_null),
        ("from", Value::is_null),
        ("until", Value::is_null),
    ];
    ordered(key, fields, &["name"], &defaults)
}

fn page_item(page: StatusPage, site_keys: &HashMap<i64, String>) -> Item {
    let key = page.managed.as_ref().map(|m| m.key.as_str().to_owned());
    let key = key.filter(|key| key != page.slug.as_str());
    let shown = StatusPageResponse::from(page);
    let Ok(Value::Object(mut fields)) = serde_json::to_value(shown) else { return Item::new() };
    name_by_key(fields.get_mut("websites"), site_keys);
    // `url` is where the page is served, not a field of it.
    let defaults: [(&str, IsDefault); 2] = [("description", Value::is_null), ("url", |_| true)];
    ordered(key, fields, &["slug", "title"], &defaults)
}

/// Every id in a list replaced by the key of the item of that id.
fn name_by_key(list: Option<&mut Value>, keys: &HashMap<i64, String>) {
    for id in list.and_then(Value::as_array_mut).into_iter().flatten() {
        if let Some(key) = id.as_i64().and_then(|raw| keys.get(&raw)) {
            *id = Value::String(key.clone());
        }
    }
}

/// Every channel id in a site's alerts replaced by that channel's key.
fn name_channels_by_key(alerts: &mut Value, keys: &HashMap<i64, String>) {
    name_by_key(alerts.get_mut("channels"), keys);
    for step in alerts.get_mut("escalate").and_then(Value::as_array_mut).into_iter().flatten() {
        name_by_key(step.get_mut("channels"), keys);
    }
}

/// An item's fields: its key (when it has its own), the `first` ones, then the rest but those
/// the server assigns and those holding their default.
fn ordered(
    key: Option<String>,
    fields: Map<String, Value>,
    first: &[&str],
    defaults: &[(&str, IsDefault)],
) -> Item {
    let mut item = Item::new();
    if let Some(key) = key {
        item.push(("key".into(), Value::String(key)));
    }
    for first in first {
        if let Some(value) = fields.get(*first) {
            item.push(((*first).into(), value.clone()));
        }
    }
    for (name, value) in fields {
        let default =
            defaults.iter().any(|(field, is_default)| *field == name && is_default(&value));
        if !default && !SERVER_FIELDS.contains(&name.as_str()) && !first.contains(&name.as_str()) {
            item.push((name, value));
        }
    }
    item
}

fn yaml(value: &Value) -> Yaml {
    match value {
        Value::Null => Yaml::Null,
        Value::Bool(b) => Yaml::Boolean(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Yaml::Integer(i),
            None => Yaml::Real(n.to_string()),
        },
        Value::String(s) => Yaml::String(s.clone()),
        Value::Array(items) => Yaml::Array(items.iter().map(yaml).collect()),
        Value::Object(fields) => {
            let mut hash = Hash::new();
            for (name, value) in fields {
                hash.insert(Yaml::String(name.clone()), yaml(value));
            }
            Yaml::Hash(hash)
        }
    }
}
