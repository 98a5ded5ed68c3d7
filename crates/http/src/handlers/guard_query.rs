//! `?force=true`: a hand edit of an item a document manages (a site, a channel, a maintenance
//! window, a status page), made anyway.

use lookout_domain::website::FileGuard;
use serde::Deserialize;

use crate::ApiError;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct GuardQuery {
    /// `true`: change or delete an item a document manages anyway (else 409
    /// `managed_by_file`); the next apply of the file puts its values back.
    #[param(value_type = Option<bool>)]
    force: Option<String>,
}

impl GuardQuery {
    /// The guard asked for; 422 naming `force` when it is not `true` or `false`.
    pub(crate) fn guard(&self) -> Result<FileGuard, ApiError> {
        match self.force.as_deref() {
            None | Some("false") => Ok(FileGuard::Respect),
            Some("true") => Ok(FileGuard::Force),
            Some(raw) => Err(ApiError::validation(
                "force",
                format!("force must be true or false, got {raw:?}"),
            )),
        }
    }
}
