//! Store errors, and their translation into the domain's per-operation errors.

use std::path::PathBuf;

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use lookout_domain::website::{
    CreateWebsiteError, DeleteWebsiteError, GetWebsiteError, HealthError, ListWebsitesError,
    SiteCountsError, UpdateWebsiteError,
};

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
    #[error("database query failed")]
    Query(#[source] DieselError),
    #[error("migrations failed: {0}")]
    Migration(String),
    #[error("stored row is invalid: {0}")]
    CorruptRow(String),
}

impl StoreError {
    /// True when the database could not be reached at all (as opposed to a query that failed).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Unavailable(_))
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
            other => Self::Query(other),
        }
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
