//! Status pages as a document declares them: known by slug, compared field by field (the
//! fields `POST /api/status-pages` takes); their sites named by key or id, in order.

use super::plan::{ItemKind, Refusal};
use super::{Managed, Ref, SiteRef};
use crate::status_pages::{StatusPage, StatusPageSlug, StatusPageSpec};

/// A declared status page: its sites may be named by their key in the document.
pub type DeclaredStatusPage = StatusPageSpec<SiteRef>;

/// The `status_pages` of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pages;

impl ItemKind for Pages {
    const LIST: &'static str = "status_pages";
    const IDENTITY: &'static str = "slug";
    type Item = DeclaredStatusPage;
    type Stored = StatusPage;
    type Identity = StatusPageSlug;
    type Field = &'static str;

    fn item_identity(item: &DeclaredStatusPage) -> &StatusPageSlug {
        &item.slug
    }

    fn stored_identity(stored: &StatusPage) -> &StatusPageSlug {
        &stored.slug
    }

    fn stored_id(stored: &StatusPage) -> i64 {
        stored.id
    }

    fn managed(stored: &StatusPage) -> Option<&Managed> {
        stored.managed.as_ref()
    }

    fn compare(
        stored: &StatusPage,
        item: &DeclaredStatusPage,
    ) -> Result<(DeclaredStatusPage, Vec<&'static str>), Refusal> {
        let websites: Vec<SiteRef> = stored.websites.iter().map(|id| Ref::Id(*id)).collect();
        let pairs = [
            ("slug", stored.slug != item.slug),
            ("title", stored.title != item.title),
            ("description", stored.description != item.description),
            ("websites", websites != item.websites),
        ];
        let fields = pairs.into_iter().filter(|(_, changed)| *changed).map(|(f, _)| f).collect();
        Ok((item.clone(), fields))
    }

    fn creatable(_: &DeclaredStatusPage) -> Result<(), Refusal> {
        Ok(())
    }
}
