//! One error enum per token operation.

use super::{Scope, TokenId};
use crate::website::BoxError;

#[derive(Debug, thiserror::Error)]
pub enum CreateTokenError {
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum ListTokensError {
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

#[derive(Debug, thiserror::Error)]
pub enum RevokeTokenError {
    #[error("token {0} not found")]
    NotFound(TokenId),
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

/// Reading every active token (the authenticator's snapshot).
#[derive(Debug, thiserror::Error)]
pub enum LoadTokensError {
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

/// Looking one token up by its hash.
#[derive(Debug, thiserror::Error)]
pub enum FindTokenError {
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

/// Why a request is not let through.
#[derive(Debug, thiserror::Error)]
pub enum AuthorizeError {
    #[error("a bearer token is required (Authorization: Bearer <token>)")]
    MissingToken,
    #[error("the bearer token is not valid")]
    UnknownToken,
    #[error("this call needs a token with the {required} scope; this token has {granted}")]
    InsufficientScope { required: Scope, granted: Scope },
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

impl From<FindTokenError> for AuthorizeError {
    fn from(error: FindTokenError) -> Self {
        match error {
            FindTokenError::Unavailable(e) => Self::Unavailable(e),
            FindTokenError::Unknown(e) => Self::Unknown(e),
        }
    }
}
