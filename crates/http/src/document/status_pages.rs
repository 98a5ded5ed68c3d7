//! The `status_pages` list of a document: each item is what `POST /api/status-pages` takes,
//! plus its `key` (default: its slug) and `adopt`; `websites` may name sites by their key in
//! the document as well as by id, in the order they are shown.

use lookout_domain::manifest::{Declared, DeclaredStatusPage};
use serde_json::Value;

use super::items::{ListReader, named};
use super::{DocumentError, Located};
use crate::ApiError;
use crate::dto::StatusPageRequest;

/// Every declared page, or every problem found in any of them.
pub(super) fn declared(
    located: &Located,
    items: &[Value],
) -> Result<Vec<Declared<DeclaredStatusPage>>, Vec<DocumentError>> {
    let reader = ListReader {
        located,
        list: "status_pages",
        shape: "a status page is a mapping of its fields (slug, title, websites, …)",
    };
    reader.all(items, |index, mut fields| {
        let (key, adopt) = reader.key_and_adopt(index, &mut fields)?;
        let keys = match fields.get_mut("websites") {
            Some(Value::Array(list)) => reader.stand_ins(index, vec![("websites".into(), list)])?,
            _ => Default::default(),
        };
        let request: StatusPageRequest = reader.request(index, fields)?;
        let spec = request
            .into_draft()
            .and_then(|draft| draft.into_spec().map_err(ApiError::from))
            .map_err(|e| reader.refused(index, &e))?;
        let item = spec
            .try_map_sites(|id| Ok::<_, std::convert::Infallible>(named(&keys, *id)))
            .unwrap_or_else(|never| match never {});
        let key = reader.key_or(index, key, "slug", item.slug.as_str())?;
        Ok(Declared { key, adopt, item })
    })
}
