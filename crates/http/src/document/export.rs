//! The current channels and sites as a document: applied back under the same file name it
//! changes nothing. Secrets are shown as `"***"`, which keeps the stored values; a site's
//! alerts name channels by their key in the document.

use std::collections::HashMap;

use lookout_domain::Website;
use lookout_domain::alerting::Channel;
use serde_json::{Map, Value};
use yaml_rust2::yaml::Hash;
use yaml_rust2::{Yaml, YamlEmitter};

use crate::dto::{ChannelResponse, WebsiteResponse};

/// Fields a document does not carry: the server assigns them.
const SERVER_FIELDS: [&str; 5] = ["id", "created_at", "updated_at", "managed_by", "key"];

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

/// The channels and sites as a document: each with its key when a file manages it under one
/// other than its name (url), its identifying fields first, defaults left out.
#[derive(Debug)]
pub struct ExportedDocument {
    channels: Vec<Item>,
    websites: Vec<Item>,
}

/// The current channels and sites as a document.
pub fn export_document(channels: Vec<Channel>, sites: Vec<Website>) -> ExportedDocument {
    let keys: HashMap<i64, String> =
        channels.iter().map(|channel| (channel.id.get(), channel_key(channel))).collect();
    ExportedDocument {
        channels: channels.into_iter().map(channel_item).collect(),
        websites: sites.into_iter().map(|site| site_item(site, &keys)).collect(),
    }
}

impl ExportedDocument {
    /// The lists, in the order they are written (empty ones left out, but for `websites`).
    fn lists(&self) -> Vec<(&'static str, &[Item])> {
        let mut lists = Vec::new();
        if !self.channels.is_empty() {
            lists.push(("channels", self.channels.as_slice()));
        }
        lists.push(("websites", self.websites.as_slice()));
        lists
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

fn site_item(site: Website, channel_keys: &HashMap<i64, String>) -> Item {
    let key = site
        .managed
        .as_ref()
        .map(|managed| managed.key.as_str().to_owned())
        .filter(|key| key != site.url.given());
    let Ok(Value::Object(mut fields)) = serde_json::to_value(WebsiteResponse::from(site)) else {
        return Item::new();
    };
    if let Some(alerts) = fields.get_mut("alerts") {
        name_channels_by_key(alerts, channel_keys);
    }
    ordered(key, fields, &["url", "name", "check_interval"], &DEFAULTS)
}

/// Every channel id in a site's alerts replaced by that channel's key.
fn name_channels_by_key(alerts: &mut Value, keys: &HashMap<i64, String>) {
    let rename = |list: Option<&mut Value>| {
        for id in list.and_then(Value::as_array_mut).into_iter().flatten() {
            if let Some(key) = id.as_i64().and_then(|raw| keys.get(&raw)) {
                *id = Value::String(key.clone());
            }
        }
    };
    rename(alerts.get_mut("channels"));
    for step in alerts.get_mut("escalate").and_then(Value::as_array_mut).into_iter().flatten() {
        rename(step.get_mut("channels"));
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
