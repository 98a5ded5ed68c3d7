//! The `managed_by` and `managed_key` columns of the items a document may manage (websites,
//! channels, maintenance windows, status pages): read back, written, and the guard of a hand
//! edit checked inside the edit's own transaction.

use std::fmt;

use lookout_domain::manifest::{ItemKey, Managed, Owner};
use lookout_domain::website::{FileGuard, Guarded};

use crate::StoreError;

/// The document that manages an item, from its two columns (`Err`: what is wrong with them).
pub(crate) fn stored_managed(
    by: Option<&str>,
    key: Option<&str>,
) -> Result<Option<Managed>, String> {
    match (by, key) {
        (Some(by), Some(key)) => Ok(Some(Managed {
            by: Owner::parse(by).map_err(|e| format!("managed_by: {e}"))?,
            key: ItemKey::parse(key).map_err(|e| format!("managed_key: {e}"))?,
        })),
        (None, None) => Ok(None),
        _ => Err("managed_by and managed_key must be set together".to_owned()),
    }
}

/// The `managed_by` and `managed_key` columns of an item a document manages.
pub(crate) fn managed_columns(managed: &Managed) -> (Option<&str>, Option<&str>) {
    (Some(managed.by.as_str()), Some(managed.key.as_str()))
}

/// A stored `managed_by`, read back (`item` names the row in the error: `website 3`).
pub(crate) fn stored_owner(item: impl fmt::Display, stored: &str) -> Result<Owner, StoreError> {
    Owner::parse(stored).map_err(|e| StoreError::CorruptRow(format!("{item}: managed_by: {e}")))
}

/// Inside a transaction on `$conn`: the `managed_by` column (of `$table`) of the one row
/// `$row` selects; `None` when there is no such row.
macro_rules! managed_by {
    ($conn:expr, $row:expr, $table:ident) => {
        $row.select($table::managed_by).first::<Option<String>>($conn).await.optional()?
    };
}
pub(crate) use managed_by;

/// Why a guarded hand edit stopped before it changed anything.
#[derive(Debug)]
pub(crate) enum Stop {
    /// No such row.
    Missing,
    /// A document manages the row (its stored `managed_by`) and the guard is `Respect`.
    Refused(String),
}

/// Inside a hand edit's transaction: whether it may go on, given the row's `managed_by`
/// (`None`: there is no such row).
pub(crate) fn gate(managed_by: Option<&Option<String>>, guard: FileGuard) -> Result<(), Stop> {
    match managed_by {
        None => Err(Stop::Missing),
        Some(Some(owner)) if guard == FileGuard::Respect => Err(Stop::Refused(owner.clone())),
        Some(_) => Ok(()),
    }
}

impl Stop {
    /// The document that refused the edit; `None` when there was no such row (`item` names
    /// the row in a storage error: `channel 3`).
    pub(crate) fn owner(self, item: impl fmt::Display) -> Result<Option<Owner>, StoreError> {
        match self {
            Self::Missing => Ok(None),
            Self::Refused(owner) => stored_owner(item, &owner).map(Some),
        }
    }

    /// What the edit came to: `outcome`, what it made or why it stopped.
    pub(crate) fn settle<T>(
        outcome: Result<T, Self>,
        item: impl fmt::Display,
    ) -> Result<Guarded<T>, StoreError> {
        match outcome {
            Ok(done) => Ok(Guarded::Done(done)),
            Err(stop) => stop.outcome(item),
        }
    }

    /// What the stopped edit came to.
    pub(crate) fn outcome<T>(self, item: impl fmt::Display) -> Result<Guarded<T>, StoreError> {
        Ok(match self.owner(item)? {
            Some(owner) => Guarded::ManagedByFile(owner),
            None => Guarded::NotFound,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_columns_or_neither_and_each_must_parse() {
        let managed = stored_managed(Some("file:ops.yaml"), Some("shop")).unwrap().unwrap();
        assert_eq!((managed.by.as_str(), managed.key.as_str()), ("file:ops.yaml", "shop"));
        assert_eq!(managed_columns(&managed), (Some("file:ops.yaml"), Some("shop")));
        assert_eq!(stored_managed(None, None).unwrap(), None);
        assert!(stored_managed(Some("file:ops.yaml"), None).is_err());
        assert!(stored_managed(Some("ops.yaml"), Some("shop")).unwrap_err().contains("managed_by"));
    }

    #[test]
    fn the_gate_refuses_a_managed_row_under_respect_only() {
        let managed = Some("file:ops.yaml".to_owned());
        assert!(matches!(gate(None, FileGuard::Force), Err(Stop::Missing)));
        assert!(matches!(gate(Some(&managed), FileGuard::Respect), Err(Stop::Refused(_))));
        assert!(gate(Some(&managed), FileGuard::Force).is_ok());
        assert!(gate(Some(&None), FileGuard::Respect).is_ok());
        let refused = gate(Some(&managed), FileGuard::Respect).unwrap_err();
        assert!(matches!(refused.outcome::<()>("channel 3"), Ok(Guarded::ManagedByFile(_))));
        let corrupt = Stop::Refused("nope".into()).outcome::<()>("channel 3").unwrap_err();
        assert!(corrupt.to_string().contains("channel 3: managed_by"), "{corrupt}");
    }
}
