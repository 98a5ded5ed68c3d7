//! Hand edits of items a document manages (issue 16): the guard an edit is made under, and
//! what storage reports of a guarded edit of a channel, a maintenance window or a status page.

use crate::manifest::Owner;

/// Whether a change made by hand (through the API or the pages) may touch an item (a site, a
/// channel, a maintenance window, a status page) a document manages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FileGuard {
    /// Refuse it ([`UpdateWebsiteError::ManagedByFile`] and its kin): the file would silently
    /// differ.
    ///
    /// [`UpdateWebsiteError::ManagedByFile`]: super::UpdateWebsiteError::ManagedByFile
    #[default]
    Respect,
    /// Make it anyway (`?force=true`); the next apply of the file puts its values back.
    Force,
}

/// What a hand edit under a [`FileGuard`] came to, as storage reports it (the check is made in
/// the edit's own transaction).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Guarded<T> {
    /// Made: the item as it is now.
    Done(T),
    /// No such item.
    NotFound,
    /// A document manages the item and the guard was [`FileGuard::Respect`]: left as it was.
    ManagedByFile(Owner),
}
