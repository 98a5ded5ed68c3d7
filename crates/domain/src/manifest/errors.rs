//! Why a document cannot be applied.

use std::fmt;

use super::{ItemKey, Owner};
use crate::WebsiteId;
use crate::alerting::{ChannelId, ChannelKind};
use crate::website::BoxError;

/// One problem with one item of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanError {
    /// The document's list the item is in (`websites`, `channels`).
    pub list: &'static str,
    /// The item's place in its list; `None` for an item the document no longer lists (one
    /// that would be pruned).
    pub index: Option<usize>,
    /// The item's field the problem is in (`url`, `alerts.channels`).
    pub field: &'static str,
    pub problem: PlanProblem,
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanProblem {
    DuplicateKey {
        first: usize,
        key: ItemKey,
    },
    /// Two items declare the same url (name, slug).
    DuplicateIdentity {
        first: usize,
    },
    /// The stored item of that identity belongs to another document.
    OwnedElsewhere {
        owner: Owner,
    },
    /// The stored item of that identity is this document's item of another key, still listed.
    IdentityOfOtherKey {
        key: ItemKey,
    },
    /// The stored item of that identity was made through the API and differs; not adopted.
    NotAdopted {
        id: i64,
    },
    /// Several items made through the API have that name.
    Ambiguous {
        ids: Vec<i64>,
    },
    BlockedAddress {
        ip: std::net::IpAddr,
    },
    UnknownChannels {
        ids: Vec<ChannelId>,
    },
    /// A site named by an id no site has.
    UnknownWebsite {
        id: WebsiteId,
    },
    /// A key that names no item of that list in the document.
    UnknownKey {
        key: ItemKey,
        list: &'static str,
    },
    /// The url was taken by another site while the plan was applied.
    IdentityTaken,
    /// A channel cannot change its kind.
    KindChanged {
        from: ChannelKind,
        to: ChannelKind,
    },
    /// `"***"` stands for a stored secret, and there is none.
    MaskedWithoutValue,
    /// A channel the document no longer lists is still named by these sites' alerts.
    ChannelInUse {
        key: ItemKey,
        websites: Vec<WebsiteId>,
    },
}

impl PlanError {
    /// A problem of the item at `index` in `list`.
    pub fn at(list: &'static str, index: usize, field: &'static str, problem: PlanProblem) -> Self {
        Self { list, index: Some(index), field, problem }
    }

    /// What one item of the list is called (`website`).
    fn noun(&self) -> &'static str {
        match self.list {
            "websites" => "website",
            "channels" => "channel",
            "maintenance" => "maintenance window",
            "status_pages" => "status page",
            other => other,
        }
    }
}

fn joined<T: fmt::Display>(items: &[T]) -> String {
    items.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (list, field, noun) = (self.list, self.field, self.noun());
        match &self.problem {
            PlanProblem::DuplicateKey { first, key } => {
                write!(f, "key {:?} is already used by {list}[{first}]", key.as_str())
            }
            PlanProblem::DuplicateIdentity { first } => {
                write!(f, "the same {field} is already declared by {list}[{first}]")
            }
            PlanProblem::OwnedElsewhere { owner } => {
                write!(f, "{field} belongs to a {noun} managed by {owner}")
            }
            PlanProblem::IdentityOfOtherKey { key } => write!(
                f,
                "{field} belongs to this file's item {:?}, which the file still declares",
                key.as_str()
            ),
            PlanProblem::NotAdopted { id } => write!(
                f,
                "{field} belongs to {noun} {id}, made through the API or the pages and different \
                 from this item; set `adopt: true` to manage it from this file"
            ),
            PlanProblem::Ambiguous { ids } => write!(
                f,
                "{field} is shared by {noun}s {} made through the API or the pages; rename all \
                 but one of them first",
                joined(ids)
            ),
            PlanProblem::BlockedAddress { ip } => write!(
                f,
                "{field} points at a private address ({ip}); allow it with probe.allow_private \
                 or probe.allowed_cidrs"
            ),
            PlanProblem::UnknownChannels { ids } => write!(f, "no channel with id {}", joined(ids)),
            PlanProblem::UnknownWebsite { id } => write!(f, "no website with id {id}"),
            PlanProblem::UnknownKey { key, list } => {
                write!(f, "no item of `{list}` in this document has key {:?}", key.as_str())
            }
            PlanProblem::IdentityTaken => write!(f, "{field} is already used by another {noun}"),
            PlanProblem::KindChanged { from, to } => write!(
                f,
                "a {} channel cannot become a {} channel; give it a new key to replace it",
                from.as_str(),
                to.as_str()
            ),
            PlanProblem::MaskedWithoutValue => write!(
                f,
                "\"***\" stands for the stored secret, but there is none: give the value itself \
                 (for example ${{SLACK_WEBHOOK_URL}})"
            ),
            PlanProblem::ChannelInUse { key, websites } => write!(
                f,
                "channel {:?} is no longer declared but websites {} still name it in their \
                 alerts; take it out of their alerts first",
                key.as_str(),
                joined(websites)
            ),
        }
    }
}

impl std::error::Error for PlanError {}

/// Why applying a document failed; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error("the document cannot be applied: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<PlanError>),
    /// Stored items kept changing under the plan (another apply or edit each time).
    #[error("the stored items changed while the plan was applied; try again")]
    Contended,
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}
