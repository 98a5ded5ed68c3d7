//! The `websites` list of a document: each item is what `POST /api/websites` takes, plus its
//! `key` (default: its url) and `adopt`; its alerts may name channels by their key in the
//! document's `channels` as well as by id.

use std::collections::HashMap;

use lookout_domain::IntervalBounds;
use lookout_domain::manifest::{Declared, DeclaredSite, ItemKey};
use serde_json::{Map, Value};

use super::items::{ListReader, named};
use super::{DocumentError, Located};
use crate::dto::CreateWebsiteRequest;

/// Every declared site, or every problem found in any of them.
pub(super) fn declared(
    located: &Located,
    items: &[Value],
    bounds: IntervalBounds,
) -> Result<Vec<Declared<DeclaredSite>>, Vec<DocumentError>> {
    let reader = ListReader {
        located,
        list: "websites",
        shape: "a site is a mapping of its fields (url, name, …)",
    };
    reader.all(items, |index, mut fields| {
        let (key, adopt) = reader.key_and_adopt(index, &mut fields)?;
        let keys = channel_keys(&reader, index, &mut fields)?;
        let request: CreateWebsiteRequest = reader.request(index, fields)?;
        let site = request.try_into_domain(bounds).map_err(|e| reader.refused(index, &e))?;
        let item = site
            .try_map_channels(|id| Ok::<_, std::convert::Infallible>(named(&keys, *id)))
            .unwrap_or_else(|never| match never {});
        let key = reader.key_or(index, key, "url", item.url.given())?;
        Ok(Declared { key, adopt, item })
    })
}

/// Channels named by key (a string) in `alerts.channels` and `alerts.escalate[].channels`,
/// each replaced by a stand-in id (see [`ListReader::stand_ins`]).
fn channel_keys(
    reader: &ListReader<'_>,
    index: usize,
    fields: &mut Map<String, Value>,
) -> Result<HashMap<i64, ItemKey>, DocumentError> {
    let Some(Value::Object(alerts)) = fields.get_mut("alerts") else { return Ok(HashMap::new()) };
    let mut lists: Vec<(String, &mut Vec<Value>)> = Vec::new();
    let mut escalations = None;
    for (name, value) in alerts.iter_mut() {
        match (name.as_str(), value) {
            ("channels", Value::Array(list)) => lists.push(("alerts.channels".into(), list)),
            ("escalate", Value::Array(steps)) => escalations = Some(steps),
            _ => {}
        }
    }
    for (step, value) in escalations.into_iter().flatten().enumerate() {
        if let Some(Value::Array(list)) = value.get_mut("channels") {
            lists.push((format!("alerts.escalate[{step}].channels"), list));
        }
    }
    reader.stand_ins(index, lists)
}
