//! How a document names another of its items: a site's alerts name channels, a maintenance
//! window or a status page names sites — by id (one that exists) or by their key in the same
//! document.

use serde::{Serialize, Serializer};

use super::ItemKey;
use crate::WebsiteId;
use crate::alerting::ChannelId;

/// An item as another item of a document names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ref<I> {
    /// A stored item, by id.
    Id(I),
    /// The item of this key in the document (made by the same apply when it is new).
    Key(ItemKey),
}

/// A channel as a document's site names it.
pub type ChannelRef = Ref<ChannelId>;
/// A site as a document's maintenance window or status page names it.
pub type SiteRef = Ref<WebsiteId>;

impl<I: Copy> Ref<I> {
    /// The id, when the item is named by one.
    pub fn id(&self) -> Option<I> {
        match self {
            Self::Id(id) => Some(*id),
            Self::Key(_) => None,
        }
    }
}

/// As written in a document: an id is a number, a key a string.
impl<I: Copy + Into<i64>> Serialize for Ref<I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Id(id) => serializer.serialize_i64((*id).into()),
            Self::Key(key) => serializer.serialize_str(key.as_str()),
        }
    }
}
