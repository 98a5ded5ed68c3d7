//! Store errors, and their translation into the domain's per-operation errors.

use std::path::PathBuf;

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use lookout_domain::website::{
    CreateWebsiteError, DeleteWebsiteError, GetWebsiteError, HealthError, ListWebsitesError,
    SiteCountsError, UpdateWebsiteError,
};

use lookout_domain::WriteFault;
use lookout_domain::alerting::AlertStoreError;
use lookout_domain::auth::{
    CreateTokenError, FindTokenError, ListTokensError, LoadTokensError, RevokeTokenError,
};
use lookout_domain::history::{EnsurePartitionsError, HistoryError, RollupError};
use lookout_domain::node::{HeartbeatError, ListNodesError};

use crate::DatabaseUrlError;

/// Anything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Url(#[from] DatabaseUrlError),
    #[error("cannot create directory {path}")]
    CreateDirectory {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot build the connection pool: {0}")]
    Pool(String),
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The database answers but cannot write: its disk is full (SQLite `SQLITE_FULL`,
    /// PostgreSQL `53100`).
    #[error("the database's disk is full")]
    DiskFull(#[source] DieselError),
    /// The database answers but its storage fails to write (SQLite `SQLITE_IOERR`).
    #[error("the database's storage failed to write")]
    StorageIo(#[source] DieselError),
    #[error("database query failed")]
    Query(#[source] DieselError),
    #[error("migrations failed: {0}")]
    Migration(String),
    #[error("stored row is invalid: {0}")]
    CorruptRow(String),
}

impl StoreError {
    /// True when the database could not be reached, or cannot write for now (a full disk, an
    /// I/O error) — as opposed to a query that failed. Callers answer 503 and retry later.
    pub fn is_unavailable(&self) -> bool {
        self.write_fault().is_some()
    }

    /// Why writes fail for now, when they do: the check writer holds results meanwhile.
    pub fn write_fault(&self) -> Option<WriteFault> {
        match self {
            Self::Unavailable(_) => Some(WriteFault::Unavailable),
            Self::DiskFull(_) => Some(WriteFault::DiskFull),
            Self::StorageIo(_) => Some(WriteFault::IoError),
            _ => None,
        }
    }

    /// True when the error is a violation of a unique constraint.
    pub(crate) fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            Self::Query(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _))
        )
    }

    pub(crate) fn is_not_found(&self) -> bool {
        matches!(self, Self::Query(DieselError::NotFound))
    }
}

impl From<DieselError> for StoreError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                Self::Unavailable(info.message().to_owned())
            }
            other => match storage_fault(&other) {
                Some(WriteFault::DiskFull) => Self::DiskFull(other),
                Some(_) => Self::StorageIo(other),
                None => Self::Query(other),
            },
        }
    }
}

/// What a failed statement says about the storage under the database. Neither backend's error
/// code reaches us through diesel (SQLite's result code, PostgreSQL's SQLSTATE), so this reads
/// the messages: SQLite's are fixed English texts per result code; PostgreSQL's carry the
/// operating system's `strerror` and, for `53100 disk_full`, the hint "Check free disk space."
/// (a PostgreSQL server whose `lc_messages` is not English translates both: there a full disk
/// stays an unknown failure).
fn storage_fault(error: &DieselError) -> Option<WriteFault> {
    match error {
        DieselError::DatabaseError(DatabaseErrorKind::Unknown, info) => {
            let message = info.message();
            let full =
                ["database or disk is full", "No space left on device", "Disk quota exceeded"];
            if full.iter().any(|text| message.contains(text))
                || info.hint().is_some_and(|hint| hint.contains("Check free disk space"))
            {
                Some(WriteFault::DiskFull)
            } else if message.contains("disk I/O error") {
                Some(WriteFault::IoError)
            } else {
                None
            }
        }
        // A COMMIT that failed, and whose ROLLBACK failed too: the commit's error is the cause.
        DieselError::RollbackErrorOnCommit { commit_error, .. } => storage_fault(commit_error),
        _ => None,
    }
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for StoreError {
    fn from(error: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        Self::Unavailable(error.to_string())
    }
}

/// Implements `From<StoreError>` for domain errors that have `Unavailable` and `Unknown` arms.
macro_rules! into_domain_error {
    ($($domain:ty),+ $(,)?) => {$(
        impl From<StoreError> for $domain {
            fn from(error: StoreError) -> Self {
                if error.is_unavailable() {
                    Self::Unavailable(Box::new(error))
                } else {
                    Self::Unknown(Box::new(error))
                }
            }
        }
    )+};
}

into_domain_error!(
    CreateWebsiteError,
    ListWebsitesError,
    GetWebsiteError,
    UpdateWebsiteError,
    DeleteWebsiteError,
    SiteCountsError,
    HistoryError,
    EnsurePartitionsError,
    RollupError,
    HeartbeatError,
    ListNodesError,
);

into_domain_error!(
    AlertStoreError,
    lookout_domain::status_pages::StatusPageWriteError,
    lookout_domain::manifest::ManifestWriteError,
);

into_domain_error!(
    CreateTokenError,
    ListTokensError,
    RevokeTokenError,
    LoadTokensError,
    FindTokenError,
);

impl From<StoreError> for HealthError {
    fn from(error: StoreError) -> Self {
        Self(Box::new(error))
    }
}

#[cfg(test)]
mod tests {
    use diesel::result::DatabaseErrorInformation;

    use super::*;

    /// A database error as a backend reports it.
    #[derive(Debug)]
    struct Reported {
        message: &'static str,
        hint: Option<&'static str>,
    }

    impl DatabaseErrorInformation for Reported {
        fn message(&self) -> &str {
            self.message
        }
        fn details(&self) -> Option<&str> {
            None
        }
        fn hint(&self) -> Option<&str> {
            self.hint
        }
        fn table_name(&self) -> Option<&str> {
            None
        }
        fn column_name(&self) -> Option<&str> {
            None
        }
        fn constraint_name(&self) -> Option<&str> {
            None
        }
        fn statement_position(&self) -> Option<i32> {
            None
        }
    }

    fn reported(message: &'static str, hint: Option<&'static str>) -> DieselError {
        DieselError::DatabaseError(DatabaseErrorKind::Unknown, Box::new(Reported { message, hint }))
    }

    fn fault(error: DieselError) -> Option<WriteFault> {
        StoreError::from(error).write_fault()
    }

    #[test]
    fn a_full_disk_on_either_backend_is_a_disk_full_fault() {
        // SQLite's SQLITE_FULL.
        assert_eq!(fault(reported("database or disk is full", None)), Some(WriteFault::DiskFull));
        // PostgreSQL's 53100: a table, a temporary file, a quota.
        let extend = "could not extend file \"base/16384/16397\": No space left on device";
        let hint = Some("Check free disk space.");
        assert_eq!(fault(reported(extend, hint)), Some(WriteFault::DiskFull));
        let temp = "could not write block 12 of temporary file: No space left on device";
        assert_eq!(fault(reported(temp, None)), Some(WriteFault::DiskFull));
        let quota = "could not extend file \"base/16384/16397\": Disk quota exceeded";
        assert_eq!(fault(reported(quota, hint)), Some(WriteFault::DiskFull));
        // A COMMIT that failed for lack of room, whose ROLLBACK failed too.
        let both = DieselError::RollbackErrorOnCommit {
            rollback_error: Box::new(reported("cannot rollback - no transaction is active", None)),
            commit_error: Box::new(reported("database or disk is full", None)),
        };
        assert_eq!(fault(both), Some(WriteFault::DiskFull));
    }

    #[test]
    fn an_io_error_is_a_storage_fault_and_other_failures_are_not() {
        assert_eq!(fault(reported("disk I/O error", None)), Some(WriteFault::IoError));
        assert!(StoreError::from(reported("disk I/O error", None)).is_unavailable());
        assert_eq!(fault(reported("no such table: websites", None)), None);
        assert_eq!(fault(DieselError::NotFound), None);
        let unique = DieselError::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            Box::new(Reported { message: "database or disk is full", hint: None }),
        );
        assert_eq!(fault(unique), None, "only errors of unknown kind are read");
    }
}
