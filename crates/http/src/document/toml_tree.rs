//! A TOML document's text as a JSON value, with the line and column of every key and item (as
//! [`super::tree`] does for YAML): `[[websites]]` tables are the `websites` list.

use std::collections::HashMap;

use serde_json::{Map, Number, Value};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::DocumentError;
use super::tree::{Located, child_path};

/// Parses `text` as TOML.
pub(crate) fn load(text: &str) -> Result<Located, DocumentError> {
    let lines = LineStarts::of(text);
    let table = DeTable::parse(text).map_err(|error| {
        let (line, column) = error.span().map(|span| lines.place(span.start)).unzip();
        let message = error.message().trim().to_owned();
        DocumentError { field: None, line, column, message: format!("not valid TOML: {message}") }
    })?;
    let mut positions = HashMap::new();
    let value =
        table_value(table.get_ref(), "", &lines, &mut positions).map_err(|(path, message)| {
            let (line, column) = positions.get(&path).copied().unzip();
            DocumentError { field: Some(path), line, column, message }
        })?;
    Ok(Located::new(value, positions))
}

type Positions = HashMap<String, (usize, usize)>;
type Failure = (String, String);

fn table_value(
    table: &DeTable<'_>,
    path: &str,
    lines: &LineStarts,
    at: &mut Positions,
) -> Result<Value, Failure> {
    let mut map = Map::new();
    for (key, value) in table.iter() {
        let child = child_path(path, key.get_ref());
        at.insert(child.clone(), lines.place(key.span().start));
        map.insert(key.get_ref().to_string(), spanned_value(value, &child, lines, at)?);
    }
    Ok(Value::Object(map))
}

fn spanned_value(
    value: &Spanned<DeValue<'_>>,
    path: &str,
    lines: &LineStarts,
    at: &mut Positions,
) -> Result<Value, Failure> {
    at.entry(path.to_owned()).or_insert_with(|| lines.place(value.span().start));
    Ok(match value.get_ref() {
        DeValue::String(text) => Value::String(text.to_string()),
        DeValue::Integer(integer) => {
            let digits: String = integer.as_str().chars().filter(|c| *c != '_').collect();
            let (sign, digits) = match digits.strip_prefix('-') {
                Some(rest) => (-1, rest.to_owned()),
                None => (1, digits.trim_start_matches('+').to_owned()),
            };
            let digits =
                digits.trim_start_matches("0x").trim_start_matches("0o").trim_start_matches("0b");
            let parsed = i64::from_str_radix(digits, integer.radix()).map(|n| sign * n);
            Value::Number(
                parsed
                    .map_err(|_| {
                        (path.to_owned(), format!("{} is not a 64-bit integer", integer.as_str()))
                    })?
                    .into(),
            )
        }
        DeValue::Float(float) => {
            let text: String = float.as_str().chars().filter(|c| *c != '_').collect();
            let number = text.parse::<f64>().ok().and_then(Number::from_f64);
            Value::Number(
                number
                    .ok_or_else(|| (path.to_owned(), format!("{text} is not a finite number")))?,
            )
        }
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(datetime) => Value::String(datetime.to_string()),
        DeValue::Array(items) => {
            let mut list = Vec::with_capacity(items.len());
            for (index, item) in items.iter().enumerate() {
                list.push(spanned_value(item, &format!("{path}[{index}]"), lines, at)?);
            }
            Value::Array(list)
        }
        DeValue::Table(table) => table_value(table, path, lines, at)?,
    })
}

/// The byte offset where each line starts, to turn a span into a line and column.
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn of(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(at, _)| at + 1));
        Self(starts)
    }

    /// Line and column (characters), both from 1, of byte `offset`.
    fn place(&self, offset: usize) -> (usize, usize) {
        let line = self.0.partition_point(|start| *start <= offset).max(1);
        (line, offset - self.0[line - 1] + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn websites_tables_become_a_list_with_positions() {
        let text = "[[websites]]\nkey = \"shop\"\nurl = \"https://shop.example\"\ncheck_interval = 60\nregions = [\"eu\", \"us\"]\n\n[[websites]]\nurl = \"https://api.example\"\nalerts = { failure_threshold = 3 }\n";
        let doc = load(text).unwrap();
        assert_eq!(
            doc.value,
            serde_json::json!({"websites": [
                {"key": "shop", "url": "https://shop.example", "check_interval": 60, "regions": ["eu", "us"]},
                {"url": "https://api.example", "alerts": {"failure_threshold": 3}}]})
        );
        assert_eq!(doc.locate("websites[0].check_interval"), Some((4, 1)));
        assert_eq!(doc.locate("websites[1].alerts.failure_threshold"), Some((9, 12)));
    }

    #[test]
    fn bad_toml_is_placed() {
        let error = load("[[websites]]\nurl = \"a\"\nurl = \"b\"\n").unwrap_err();
        assert_eq!(error.line, Some(3), "{error:?}");
        assert!(error.message.starts_with("not valid TOML"), "{}", error.message);
    }
}
