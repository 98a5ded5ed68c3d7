//! Why a document cannot be applied.

use super::{ItemKey, Owner};
use crate::WebsiteId;
use crate::alerting::ChannelId;
use crate::website::BoxError;

/// One problem with one declared site (`index` is its place in `websites`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("key {key:?} is already used by websites[{first}]")]
    DuplicateKey { index: usize, first: usize, key: ItemKey },
    #[error("the same url is already declared by websites[{first}]")]
    DuplicateUrl { index: usize, first: usize },
    #[error("url belongs to a site managed by {owner}")]
    OwnedElsewhere { index: usize, owner: Owner },
    #[error("url belongs to this file's item {key:?}, which the file still declares")]
    UrlOfOtherKey { index: usize, key: ItemKey },
    #[error(
        "url belongs to website {id}, made through the API or the pages and different from this item; \
         set `adopt: true` to manage it from this file"
    )]
    NotAdopted { index: usize, id: WebsiteId },
    #[error(
        "url points at a private address ({ip}); allow it with probe.allow_private or probe.allowed_cidrs"
    )]
    BlockedAddress { index: usize, ip: std::net::IpAddr },
    #[error("no channel with id {}", .ids.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))]
    UnknownChannels { index: usize, ids: Vec<ChannelId> },
    #[error("url is already used by another website")]
    UrlTaken { index: usize },
}

impl PlanError {
    /// The declared site's place in `websites`.
    pub fn index(&self) -> usize {
        match self {
            Self::DuplicateKey { index, .. }
            | Self::DuplicateUrl { index, .. }
            | Self::OwnedElsewhere { index, .. }
            | Self::UrlOfOtherKey { index, .. }
            | Self::NotAdopted { index, .. }
            | Self::BlockedAddress { index, .. }
            | Self::UnknownChannels { index, .. }
            | Self::UrlTaken { index, .. } => *index,
        }
    }

    /// The field of the declared site the problem is in.
    pub fn field(&self) -> &'static str {
        match self {
            Self::DuplicateKey { .. } => "key",
            Self::UnknownChannels { .. } => "alerts.channels",
            _ => "url",
        }
    }
}

/// Why applying a document failed; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error("the document cannot be applied: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<PlanError>),
    /// Stored sites kept changing under the plan (another apply or edit each time).
    #[error("the sites changed while the plan was applied; try again")]
    Contended,
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}
