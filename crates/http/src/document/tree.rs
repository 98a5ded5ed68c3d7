//! A document's text as a JSON value, with the line and column of every key and item, so that
//! an error found later can name where it is. YAML 1.2 (JSON is a subset of it); one document
//! per text; anchors and aliases allowed; duplicate keys refused.

use std::collections::HashMap;

use serde_json::{Map, Number, Value};
use yaml_rust2::Yaml;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::DocumentError;

/// A parsed text: its value and where each path (`websites[2].name`) starts.
#[derive(Debug)]
pub(crate) struct Located {
    pub(crate) value: Value,
    positions: HashMap<String, (usize, usize)>,
}

impl Located {
    /// A value and where each of its paths starts (line and column, both from 1).
    pub(super) fn new(value: Value, positions: HashMap<String, (usize, usize)>) -> Self {
        Self { value, positions }
    }

    /// The line and column (both from 1) of `path`, or of the nearest enclosing path that has
    /// one (a field the text leaves out is reported where its item is).
    pub(crate) fn locate(&self, path: &str) -> Option<(usize, usize)> {
        let mut path = path;
        loop {
            if let Some(found) = self.positions.get(path) {
                return Some(*found);
            }
            let cut = path.rfind(['.', '['])?;
            path = &path[..cut];
        }
    }

    /// An error at `path`, placed where the path is.
    pub(crate) fn error_at(&self, path: String, message: impl Into<String>) -> DocumentError {
        let (line, column) = self.locate(&path).unzip();
        DocumentError { field: Some(path), line, column, message: message.into() }
    }
}

/// A collection being read.
enum Frame {
    Seq { path: String, items: Vec<Value>, anchor: usize },
    Map { path: String, map: Map<String, Value>, key: Option<String>, anchor: usize },
}

impl Frame {
    fn path(&self) -> &str {
        match self {
            Self::Seq { path, .. } | Self::Map { path, .. } => path,
        }
    }
}

/// Parses `text` (YAML or JSON).
pub(crate) fn load(text: &str) -> Result<Located, DocumentError> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Value> = HashMap::new();
    let mut positions = HashMap::new();
    let mut root: Option<Value> = None;
    loop {
        let (event, mark) = parser
            .next_token()
            .map_err(|e| at(e.marker(), format!("not valid YAML or JSON: {}", e.info())))?;
        let (value, anchor) = match event {
            Event::StreamEnd => break,
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => continue,
            Event::DocumentStart if root.is_some() => {
                return Err(at(&mark, "one document per file (found a second `---`)"));
            }
            Event::DocumentStart => continue,
            Event::Alias(id) => match anchors.get(&id) {
                Some(value) => (value.clone(), 0),
                None => return Err(at(&mark, "alias of an unknown anchor")),
            },
            Event::Scalar(raw, style, anchor, tag) => {
                if let Some(Frame::Map { path, map, key: key @ None, .. }) = stack.last_mut() {
                    let name = raw;
                    let child = child_path(path, &name);
                    if map.contains_key(&name) {
                        return Err(at(
                            &mark,
                            format!("duplicate key `{name}` in {}", shown(path)),
                        ));
                    }
                    if map.is_empty() {
                        // A block mapping starts at its first key (its start event is marked
                        // at the first `:`).
                        positions.insert(path.clone(), position(&mark));
                    }
                    positions.insert(child, position(&mark));
                    *key = Some(name);
                    continue;
                }
                let plain = style == TScalarStyle::Plain && tag.is_none();
                (scalar(&raw, plain).map_err(|message| at(&mark, message))?, anchor)
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                let path = match stack.last() {
                    None => String::new(),
                    Some(Frame::Map { key: None, .. }) => {
                        return Err(at(&mark, "a key must be a plain string"));
                    }
                    Some(Frame::Map { path, key: Some(key), .. }) => child_path(path, key),
                    Some(Frame::Seq { path, items, .. }) => format!("{path}[{}]", items.len()),
                };
                positions.entry(path.clone()).or_insert_with(|| position(&mark));
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq { path, items: Vec::new(), anchor }
                } else {
                    Frame::Map { path, map: Map::new(), key: None, anchor }
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq { items, anchor, .. }) => (Value::Array(items), anchor),
                Some(Frame::Map { map, anchor, .. }) => (Value::Object(map), anchor),
                None => return Err(at(&mark, "unbalanced document")),
            },
        };
        if anchor > 0 {
            anchors.insert(anchor, value.clone());
        }
        match stack.last_mut() {
            None => root = Some(value),
            Some(Frame::Seq { path, items, .. }) => {
                positions
                    .entry(format!("{path}[{}]", items.len()))
                    .or_insert_with(|| position(&mark));
                items.push(value);
            }
            Some(Frame::Map { map, key, .. }) => {
                if let Some(key) = key.take() {
                    map.insert(key, value);
                }
            }
        }
    }
    if let Some(open) = stack.last() {
        return Err(DocumentError::whole(format!("{} is not closed", shown(open.path()))));
    }
    Ok(Located { value: root.unwrap_or(Value::Null), positions })
}

/// A plain scalar by the YAML 1.2 core schema; a quoted or tagged one is a string.
fn scalar(raw: &str, plain: bool) -> Result<Value, String> {
    if !plain {
        return Ok(Value::String(raw.to_owned()));
    }
    Ok(match Yaml::from_str(raw) {
        Yaml::Null => Value::Null,
        Yaml::Boolean(b) => Value::Bool(b),
        Yaml::Integer(i) => Value::Number(i.into()),
        Yaml::Real(text) => match text.parse::<f64>().ok().and_then(Number::from_f64) {
            Some(number) => Value::Number(number),
            None => return Err(format!("{raw} is not a finite number")),
        },
        _ => Value::String(raw.to_owned()),
    })
}

pub(super) fn child_path(parent: &str, key: &str) -> String {
    if parent.is_empty() { key.to_owned() } else { format!("{parent}.{key}") }
}

fn shown(path: &str) -> &str {
    if path.is_empty() { "the document" } else { path }
}

fn position(mark: &Marker) -> (usize, usize) {
    (mark.line(), mark.col() + 1)
}

fn at(mark: &Marker, message: impl Into<String>) -> DocumentError {
    let (line, column) = position(mark);
    DocumentError { field: None, line: Some(line), column: Some(column), message: message.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_becomes_json_with_positions() {
        let text = "websites:\n  - key: shop\n    url: https://shop.example\n    check_interval: 60\n    public: true\n    name: '60'\n";
        let doc = load(text).unwrap();
        assert_eq!(
            doc.value,
            serde_json::json!({"websites": [{"key": "shop", "url": "https://shop.example",
                "check_interval": 60, "public": true, "name": "60"}]})
        );
        assert_eq!(doc.locate("websites[0].check_interval"), Some((4, 5)));
        assert_eq!(doc.locate("websites[0].alerts.channels[0]"), Some((2, 5)));
        assert_eq!(doc.locate("websites"), Some((1, 1)));
    }

    #[test]
    fn json_is_read_too() {
        let doc =
            load(r#"{"websites": [{"url": "https://a.example", "enabled": false}]}"#).unwrap();
        assert_eq!(doc.value["websites"][0]["enabled"], Value::Bool(false));
    }

    #[test]
    fn aliases_copy_their_anchor() {
        let text = "base: &b {check_interval: 30}\nother: *b\n";
        assert_eq!(load(text).unwrap().value["other"]["check_interval"], 30);
    }

    #[test]
    fn duplicate_keys_and_bad_syntax_are_placed() {
        let error = load("websites:\n  - url: a\n    url: b\n").unwrap_err();
        assert_eq!((error.line, error.column), (Some(3), Some(5)));
        assert!(error.message.contains("duplicate key `url`"), "{}", error.message);
        let error = load("websites: [\n").unwrap_err();
        assert!(error.line.is_some() && error.message.starts_with("not valid YAML"));
        assert!(load("a: 1\n---\nb: 2\n").unwrap_err().message.contains("one document"));
    }
}
