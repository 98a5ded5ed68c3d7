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
    let read = |request: MaintenanceRequest, keys: &_| {
        let draft = request.into_draft()?;
        let spec = draft.parse().map_err(|e| ApiError::validation(e.field, e.message))?;
        Ok(spec
            .try_map_sites(|id| Ok::<_, std::convert::Infallible>(named(keys, *id)))
            .unwrap_or_else(|never| match never {}))
    };
    reader.naming_sites(items, "name", read, |item: &DeclaredMaintenance| &item.name)
}
