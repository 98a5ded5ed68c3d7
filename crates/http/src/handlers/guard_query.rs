//! `?force=true`: a hand edit of an item a document manages, made anyway.

use lookout_domain::website::FileGuard;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct GuardQuery {
    /// Change or delete a site a document manages anyway (else 409 `managed_by_file`); the
    /// next apply of the file puts its values back.
    #[serde(default)]
    force: bool,
}

impl GuardQuery {
    pub(crate) fn guard(&self) -> FileGuard {
        if self.force { FileGuard::Force } else { FileGuard::Respect }
    }
}
