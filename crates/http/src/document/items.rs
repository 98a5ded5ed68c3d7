//! One list of a document: each item is what the API's `POST` takes, plus its `key` and
//! `adopt`; every problem is placed on the item's field.

use std::collections::{BTreeSet, HashMap};

use lookout_domain::manifest::{Declared, ItemKey, Ref};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::{DocumentError, Located};
use crate::ApiError;

/// How one list's items are read.
pub(super) struct ListReader<'a> {
    pub(super) located: &'a Located,
    /// The list's name (`websites`).
    pub(super) list: &'static str,
    /// What an item is, for the message on an item that is not a mapping.
    pub(super) shape: &'static str,
}

impl ListReader<'_> {
    /// The path of `field` of item `index` (`websites[2].url`).
    pub(super) fn path(&self, index: usize, field: &str) -> String {
        match field {
            "" => format!("{}[{index}]", self.list),
            _ => format!("{}[{index}].{field}", self.list),
        }
    }

    pub(super) fn error(
        &self,
        index: usize,
        field: &str,
        message: impl Into<String>,
    ) -> DocumentError {
        self.located.error_at(self.path(index, field), message)
    }

    /// Every item read by `one`, or every problem found in any of them.
    pub(super) fn all<T>(
        &self,
        items: &[Value],
        mut one: impl FnMut(usize, Map<String, Value>) -> Result<Declared<T>, DocumentError>,
    ) -> Result<Vec<Declared<T>>, Vec<DocumentError>> {
        let mut read = Vec::with_capacity(items.len());
        let mut errors = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let Value::Object(fields) = item else {
                errors.push(self.error(index, "", self.shape));
                continue;
            };
            match one(index, fields.clone()) {
                Ok(item) => read.push(item),
                Err(error) => errors.push(error),
            }
        }
        if errors.is_empty() { Ok(read) } else { Err(errors) }
    }

    /// Takes `key` and `adopt` out of an item's fields.
    pub(super) fn key_and_adopt(
        &self,
        index: usize,
        fields: &mut Map<String, Value>,
    ) -> Result<(Option<ItemKey>, bool), DocumentError> {
        let key = match fields.remove("key") {
            None | Some(Value::Null) => None,
            Some(Value::String(raw)) => Some(
                ItemKey::parse(&raw).map_err(|e| self.error(index, "key", format!("key {e}")))?,
            ),
            Some(_) => return Err(self.error(index, "key", "key must be a string")),
        };
        let adopt = match fields.remove("adopt") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(adopt)) => adopt,
            Some(_) => return Err(self.error(index, "adopt", "adopt must be true or false")),
        };
        Ok((key, adopt))
    }

    /// The item's remaining fields as the API's request body.
    pub(super) fn request<R: DeserializeOwned>(
        &self,
        index: usize,
        fields: Map<String, Value>,
    ) -> Result<R, DocumentError> {
        serde_path_to_error::deserialize(Value::Object(fields)).map_err(|error| {
            let message = error.inner().to_string();
            let path = error.path().to_string();
            // An unknown field is reported on its parent; name the field itself.
            let field = match unknown_field(&message) {
                Some(name) if path == "." => name.to_owned(),
                Some(name) if !path.ends_with(name) => format!("{path}.{name}"),
                _ if path == "." => String::new(),
                _ => path,
            };
            self.error(index, &field, message)
        })
    }

    /// A refusal of the API's parsing, placed on its field.
    pub(super) fn refused(&self, index: usize, error: &ApiError) -> DocumentError {
        let (field, message) = error.field_and_message();
        self.error(index, field.unwrap_or_default(), message)
    }

    /// The key given, or the one the item is known by without it.
    pub(super) fn key_or(
        &self,
        index: usize,
        key: Option<ItemKey>,
        field: &str,
        default: &str,
    ) -> Result<ItemKey, DocumentError> {
        match key {
            Some(key) => Ok(key),
            None => ItemKey::parse(default).map_err(|e| {
                self.error(index, field, format!("{field} cannot serve as the key: {e}"))
            }),
        }
    }
}

impl ListReader<'_> {
    /// Items another item names by key (a string) in `lists` (each with its path), each
    /// replaced by an id nothing in those lists has, so the API's parsing reads the rest;
    /// answers which stand-in is which key.
    pub(super) fn stand_ins(
        &self,
        index: usize,
        lists: Vec<(String, &mut Vec<Value>)>,
    ) -> Result<HashMap<i64, ItemKey>, DocumentError> {
        let taken: BTreeSet<i64> =
            lists.iter().flat_map(|(_, list)| list.iter().filter_map(Value::as_i64)).collect();
        let mut stand_ins = (1..=i64::MAX).rev().filter(|id| !taken.contains(id));
        let mut keys = HashMap::new();
        for (path, list) in lists {
            for (at, value) in list.iter_mut().enumerate() {
                let Value::String(raw) = value else { continue };
                let key = ItemKey::parse(raw).map_err(|e| {
                    self.error(index, &format!("{path}[{at}]"), format!("a key {e}"))
                })?;
                let Some(stand_in) = stand_ins.next() else { continue };
                *value = Value::from(stand_in);
                keys.insert(stand_in, key);
            }
        }
        Ok(keys)
    }
}

impl ListReader<'_> {
    /// Every item of a list whose `websites` may name sites by key (maintenance windows, status
    /// pages): `read` parses the API's request body, given which stand-in is which key; the
    /// item's key defaults to `default_key` (its field `identity`).
    pub(super) fn naming_sites<R: DeserializeOwned, T>(
        &self,
        items: &[Value],
        identity: &str,
        read: impl Fn(R, &HashMap<i64, ItemKey>) -> Result<T, ApiError>,
        default_key: impl Fn(&T) -> &str,
    ) -> Result<Vec<Declared<T>>, Vec<DocumentError>> {
        self.all(items, |index, mut fields| {
            let (key, adopt) = self.key_and_adopt(index, &mut fields)?;
            let keys = match fields.get_mut("websites") {
                Some(Value::Array(list)) => {
                    self.stand_ins(index, vec![("websites".into(), list)])?
                }
                _ => HashMap::new(),
            };
            let request: R = self.request(index, fields)?;
            let item = read(request, &keys).map_err(|e| self.refused(index, &e))?;
            let key = self.key_or(index, key, identity, default_key(&item))?;
            Ok(Declared { key, adopt, item })
        })
    }
}

/// An id as the document named it: by key, when it is a stand-in for one.
pub(super) fn named<I: Copy + Into<i64>>(keys: &HashMap<i64, ItemKey>, id: I) -> Ref<I> {
    keys.get(&id.into()).map_or(Ref::Id(id), |key| Ref::Key(key.clone()))
}

/// The field serde names in "unknown field `x`, expected …".
fn unknown_field(message: &str) -> Option<&str> {
    message.strip_prefix("unknown field `")?.split('`').next()
}
