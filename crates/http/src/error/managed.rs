//! 409 `managed_by_file`: a hand edit or deletion of an item (a site, a channel, a maintenance
//! window, a status page) a document manages, with the document in `managed_by` and what to do
//! instead in the message.

use std::fmt;

use actix_web::http::StatusCode;
use lookout_domain::manifest::Owner;

use super::ApiError;

impl ApiError {
    /// 409 `managed_by_file`: a hand edit of an item (a site, a channel, a maintenance window,
    /// a status page) a document manages; `error` says which.
    pub(crate) fn edit_of_managed(owner: &Owner, error: &dyn fmt::Display) -> Self {
        Self::managed_by_file(
            owner,
            error,
            "change the file, or add ?force=true to edit it anyway (the next apply of the file \
             puts its values back)",
        )
    }

    /// 409 `managed_by_file`: deleting by hand an item a document manages.
    pub(crate) fn deletion_of_managed(owner: &Owner, error: &dyn fmt::Display) -> Self {
        Self::managed_by_file(
            owner,
            error,
            "remove it from the file and apply with --prune, or add ?force=true to delete it \
             anyway (the next apply of the file makes it again)",
        )
    }

    fn managed_by_file(owner: &Owner, error: &dyn fmt::Display, hint: &str) -> Self {
        let message = format!("{error}: {hint}");
        let mut error = Self::new(StatusCode::CONFLICT, "managed_by_file", message);
        error.body.managed_by = Some(owner.to_string());
        error
    }
}
