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
    let read = |request: StatusPageRequest, keys: &_| {
        let spec = request.into_draft()?.into_spec().map_err(ApiError::from)?;
        Ok(spec
            .try_map_sites(|id| Ok::<_, std::convert::Infallible>(named(keys, *id)))
            .unwrap_or_else(|never| match never {}))
    };
    reader.naming_sites(items, "slug", read, |item: &DeclaredStatusPage| item.slug.as_str())
}
