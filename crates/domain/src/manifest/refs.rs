//! How a document names another of its items: a site's alerts name channels by id (one that
//! exists) or by their key in the same document.

use serde::{Serialize, Serializer};

use super::ItemKey;
use crate::alerting::ChannelId;

/// A channel as a document's site names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ChannelRef {
    /// A stored channel, by id.
    Id(ChannelId),
    /// The channel of this key in the document's `channels` (made by the same apply when it
    /// is new).
    Key(ItemKey),
}

/// As written in a document: an id is a number, a key a string.
impl Serialize for ChannelRef {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Id(id) => serializer.serialize_i64(id.get()),
            Self::Key(key) => serializer.serialize_str(key.as_str()),
        }
    }
}
