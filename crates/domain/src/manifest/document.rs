//! A parsed document: every value already valid, each item under its key.

use super::{DeclaredMaintenance, DeclaredSite, DeclaredStatusPage, ItemKey};
use crate::alerting::NewChannel;

/// One declared item: its key, whether the file may take it over from the API, and the item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared<T> {
    pub key: ItemKey,
    /// Take over an item of the same identity made through the API or the pages.
    pub adopt: bool,
    pub item: T,
}

/// What a document declares, in its order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    pub websites: Vec<Declared<DeclaredSite>>,
    pub channels: Vec<Declared<NewChannel>>,
    pub maintenance: Vec<Declared<DeclaredMaintenance>>,
    pub status_pages: Vec<Declared<DeclaredStatusPage>>,
}
