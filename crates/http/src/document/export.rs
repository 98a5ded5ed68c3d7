//! The current sites as a document: applied back under the same file name it changes nothing.

use lookout_domain::Website;
use serde_json::{Map, Value};
use yaml_rust2::yaml::Hash;
use yaml_rust2::{Yaml, YamlEmitter};

use crate::dto::WebsiteResponse;

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

/// The sites as a document: each with its key when a file manages it under one other than its
/// url, its url, name and interval first, defaults left out.
#[derive(Debug)]
pub struct ExportedDocument {
    websites: Vec<Item>,
}

/// The current sites as a document.
pub fn export_document(sites: Vec<Website>) -> ExportedDocument {
    ExportedDocument { websites: sites.into_iter().map(site_item).collect() }
}

impl ExportedDocument {
    /// As JSON (keys sorted within each item).
    pub fn to_json(&self) -> Value {
        let websites = self
            .websites
            .iter()
            .map(|item| Value::Object(item.iter().cloned().collect::<Map<_, _>>()))
            .collect();
        serde_json::json!({ "websites": Value::Array(websites) })
    }

    /// As YAML text, fields in their order.
    pub fn to_yaml(&self) -> String {
        let mut out = String::from("# lookout document: apply with `lookout apply -f FILE`\n");
        let mut body = String::new();
        let mut emitter = YamlEmitter::new(&mut body);
        emitter.multiline_strings(true);
        let websites = self
            .websites
            .iter()
            .map(|item| {
                let mut hash = Hash::new();
                for (name, value) in item {
                    hash.insert(Yaml::String(name.clone()), yaml(value));
                }
                Yaml::Hash(hash)
            })
            .collect();
        let mut top = Hash::new();
        top.insert(Yaml::String("websites".into()), Yaml::Array(websites));
        if emitter.dump(&Yaml::Hash(top)).is_err() {
            return serde_json::to_string_pretty(&self.to_json()).unwrap_or_default();
        }
        out.push_str(body.trim_start_matches("---").trim_start_matches('\n'));
        out.push('\n');
        out
    }
}

fn site_item(site: Website) -> Item {
    let key = site
        .managed
        .as_ref()
        .map(|managed| managed.key.as_str().to_owned())
        .filter(|key| key != site.url.given());
    let Ok(Value::Object(fields)) = serde_json::to_value(WebsiteResponse::from(site)) else {
        return Item::new();
    };
    let mut item = Item::new();
    if let Some(key) = key {
        item.push(("key".into(), Value::String(key)));
    }
    const FIRST: [&str; 3] = ["url", "name", "check_interval"];
    for first in FIRST {
        if let Some(value) = fields.get(first) {
            item.push((first.into(), value.clone()));
        }
    }
    for (name, value) in fields {
        let default =
            DEFAULTS.iter().any(|(field, is_default)| *field == name && is_default(&value));
        if !default && !SERVER_FIELDS.contains(&name.as_str()) && !FIRST.contains(&name.as_str()) {
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
