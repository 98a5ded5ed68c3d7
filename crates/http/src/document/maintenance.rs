//! The `maintenance` list of a document: each item is what `POST /api/maintenance` takes,
//! plus its `key` (default: its name) and `adopt`; `websites` may name sites by their key in
//! the document as well as by id.

use lookout_domain::manifest::{Declared, DeclaredMaintenance};
use serde_json::Value;

use super::items::{ListReader, named};
use super::{DocumentError, Located};
use crate::ApiError;
use crate::dto::MaintenanceRequest;

/// Every declared window, or every problem found in any of them.
pub(super) fn declared(
    located: &Located,
    items: &[Value],
) -> Result<Vec<Declared<DeclaredMaintenance>>, Vec<DocumentError>> {
    let reader = ListReader {
        located,
        list: "maintenance",
        shape: "a maintenance window is a mapping of its fields (name, websites, starts_at, …)",
    };
    reader.all(items, |index, mut fields| {
        let (key, adopt) = reader.key_and_adopt(index, &mut fields)?;
        let keys = match fields.get_mut("websites") {
            Some(Value::Array(list)) => reader.stand_ins(index, vec![("websites".into(), list)])?,
            _ => Default::default(),
        };
        let request: MaintenanceRequest = reader.request(index, fields)?;
        let spec = request
            .into_draft()
            .and_then(|draft| draft.parse().map_err(|e| ApiError::validation(e.field, e.message)))
            .map_err(|e| reader.refused(index, &e))?;
        let item = spec
            .try_map_sites(|id| Ok::<_, std::convert::Infallible>(named(&keys, *id)))
            .unwrap_or_else(|never| match never {});
        let key = reader.key_or(index, key, "name", &item.name)?;
        Ok(Declared { key, adopt, item })
    })
}
