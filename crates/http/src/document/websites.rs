//! The `websites` list of a document: each item is what `POST /api/websites` takes, plus its
//! `key` (default: its url) and `adopt`.

use lookout_domain::manifest::{Declared, ItemKey};
use lookout_domain::{IntervalBounds, NewWebsite};
use serde_json::Value;

use super::{DocumentError, Located};
use crate::dto::CreateWebsiteRequest;

/// Every declared site, or every problem found in any of them.
pub(super) fn declared(
    located: &Located,
    items: &[Value],
    bounds: IntervalBounds,
) -> Result<Vec<Declared<NewWebsite>>, Vec<DocumentError>> {
    let mut sites = Vec::with_capacity(items.len());
    let mut errors = Vec::new();
    for (index, item) in items.iter().enumerate() {
        match one(located, index, item, bounds) {
            Ok(site) => sites.push(site),
            Err(error) => errors.push(error),
        }
    }
    if errors.is_empty() { Ok(sites) } else { Err(errors) }
}

fn one(
    located: &Located,
    index: usize,
    item: &Value,
    bounds: IntervalBounds,
) -> Result<Declared<NewWebsite>, DocumentError> {
    let here = |field: &str| {
        if field.is_empty() {
            format!("websites[{index}]")
        } else {
            format!("websites[{index}].{field}")
        }
    };
    let Value::Object(fields) = item else {
        return Err(located.error_at(here(""), "a site is a mapping of its fields (url, name, …)"));
    };
    let mut fields = fields.clone();
    let key = match fields.remove("key") {
        None | Some(Value::Null) => None,
        Some(Value::String(raw)) => Some(
            ItemKey::parse(&raw).map_err(|e| located.error_at(here("key"), format!("key {e}")))?,
        ),
        Some(_) => return Err(located.error_at(here("key"), "key must be a string")),
    };
    let adopt = match fields.remove("adopt") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(adopt)) => adopt,
        Some(_) => return Err(located.error_at(here("adopt"), "adopt must be true or false")),
    };
    let request: CreateWebsiteRequest = serde_path_to_error::deserialize(Value::Object(fields))
        .map_err(|error| {
            let message = error.inner().to_string();
            let path = error.path().to_string();
            // An unknown field is reported on its parent; name the field itself.
            let field = match unknown_field(&message) {
                Some(name) if path == "." => name.to_owned(),
                Some(name) if !path.ends_with(name) => format!("{path}.{name}"),
                _ if path == "." => String::new(),
                _ => path,
            };
            located.error_at(here(&field), message)
        })?;
    let site = request.try_into_domain(bounds).map_err(|error| {
        let (field, message) = error.field_and_message();
        located.error_at(here(field.unwrap_or_default()), message)
    })?;
    let key = match key {
        Some(key) => key,
        None => ItemKey::parse(site.url.given()).map_err(|e| {
            located.error_at(here("url"), format!("url cannot serve as the key: {e}"))
        })?,
    };
    Ok(Declared { key, adopt, item: site })
}

/// The field serde names in "unknown field `x`, expected …".
fn unknown_field(message: &str) -> Option<&str> {
    message.strip_prefix("unknown field `")?.split('`').next()
}
