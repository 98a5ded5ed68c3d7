//! Monitoring-as-code documents on the wire: YAML (or JSON) text in, the domain's
//! [`Document`] out, every problem placed at its file, line and column; and the current sites
//! written back as a document that applies as a no-op.

mod channels;
mod export;
mod items;
mod maintenance;
mod status_pages;
mod toml_tree;
mod tree;
mod websites;

use lookout_domain::IntervalBounds;
use lookout_domain::manifest::{Document, PlanError};
use serde::Serialize;

pub use export::{ExportedDocument, export_document};
use tree::Located;

/// The top-level lists a document may have, named after the API's resources.
const SECTIONS: [&str; 4] = ["websites", "channels", "maintenance", "status_pages"];

/// One problem in a document: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DocumentError {
    /// The path of the offending value (`websites[2].check_interval`); absent for the syntax.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// From 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// From 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    pub message: String,
}

impl DocumentError {
    fn whole(message: impl Into<String>) -> Self {
        Self { field: None, line: None, column: None, message: message.into() }
    }

    /// `sites.yaml:12:5: websites[2].check_interval: must be …`
    pub fn describe(&self, file: &str) -> String {
        let place = match (self.line, self.column) {
            (Some(line), Some(column)) => format!("{file}:{line}:{column}"),
            _ => file.to_owned(),
        };
        match &self.field {
            Some(field) => format!("{place}: {field}: {}", self.message),
            None => format!("{place}: {}", self.message),
        }
    }
}

/// A document read from text, and where each of its items is (taken apart: the document goes
/// to the plan, the places stay to name its problems).
#[derive(Debug)]
pub struct ParsedDocument {
    pub document: Document,
    pub places: DocumentPlaces,
}

/// Where each path of a parsed document is in its text.
#[derive(Debug)]
pub struct DocumentPlaces {
    located: Located,
}

impl DocumentPlaces {
    /// Places a problem the plan found on the item it names (on the list, for an item the
    /// document no longer lists).
    pub fn locate(&self, error: &PlanError) -> DocumentError {
        let path = match error.index {
            Some(index) => format!("{}[{index}].{}", error.list, error.field),
            None => error.list.to_owned(),
        };
        self.located.error_at(path, error.to_string())
    }
}

/// The text a document is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentFormat {
    /// YAML 1.2, of which JSON is a part.
    Yaml,
    Toml,
}

impl DocumentFormat {
    /// TOML for a `*.toml` file, else YAML (and JSON).
    pub fn of_file(name: &str) -> Self {
        if name.to_ascii_lowercase().ends_with(".toml") { Self::Toml } else { Self::Yaml }
    }

    /// TOML for a `toml` media type (`application/toml`), else YAML (and JSON).
    pub fn of_media_type(content_type: &str) -> Self {
        if content_type.to_ascii_lowercase().contains("toml") { Self::Toml } else { Self::Yaml }
    }
}

/// The items read, or none with their problems added to `errors`.
fn kept_apart<T>(
    read: Result<Vec<T>, Vec<DocumentError>>,
    errors: &mut Vec<DocumentError>,
) -> Vec<T> {
    read.unwrap_or_else(|mut found| {
        errors.append(&mut found);
        Vec::new()
    })
}

/// Reads a document; every problem found is returned, nothing half-read.
pub fn parse_document(
    text: &str,
    format: DocumentFormat,
    bounds: IntervalBounds,
) -> Result<ParsedDocument, Vec<DocumentError>> {
    let located = match format {
        DocumentFormat::Yaml => tree::load(text),
        DocumentFormat::Toml => toml_tree::load(text),
    }
    .map_err(|e| vec![e])?;
    let mut errors = Vec::new();
    let top = match &located.value {
        serde_json::Value::Null => serde_json::Map::new(),
        serde_json::Value::Object(top) => top.clone(),
        _ => {
            let message =
                "a document is a mapping of websites, channels, maintenance, status_pages";
            return Err(vec![located.error_at(String::new(), message)]);
        }
    };
    for name in top.keys() {
        if !SECTIONS.contains(&name.as_str()) {
            let message =
                format!("unknown field `{name}`, expected one of {}", SECTIONS.join(", "));
            errors.push(located.error_at(name.clone(), message));
        }
    }
    let mut list = |name: &str| match top.get(name) {
        None | Some(serde_json::Value::Null) => Some(&[][..]),
        Some(serde_json::Value::Array(items)) => Some(items.as_slice()),
        Some(_) => {
            errors.push(located.error_at(name.into(), format!("{name} must be a list")));
            None
        }
    };
    let (sites, channel_items) = (list("websites"), list("channels"));
    let (window_items, page_items) = (list("maintenance"), list("status_pages"));
    let websites = websites::declared(&located, sites.unwrap_or_default(), bounds);
    let websites = kept_apart(websites, &mut errors);
    let channels = channels::declared(&located, channel_items.unwrap_or_default());
    let channels = kept_apart(channels, &mut errors);
    let maintenance = maintenance::declared(&located, window_items.unwrap_or_default());
    let maintenance = kept_apart(maintenance, &mut errors);
    let status_pages = status_pages::declared(&located, page_items.unwrap_or_default());
    let status_pages = kept_apart(status_pages, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let document = Document { websites, channels, maintenance, status_pages };
    Ok(ParsedDocument { document, places: DocumentPlaces { located } })
}

#[cfg(test)]
#[path = "document_tests.rs"]
mod tests;
