//! The maintenance window errors as status codes and bodies: a bad field is 422 naming it (ids
//! that name no site: `websites`, listed in the body's `websites`), a missing window 404,
//! storage down 503, anything else 500.

use lookout_domain::WebsiteId;
use lookout_domain::maintenance::{
    CreateMaintenanceError, DeleteMaintenanceError, GetMaintenanceError, ListMaintenanceError,
    UpdateMaintenanceError,
};

use super::ApiError;

fn unknown_websites(error: &dyn std::fmt::Display, ids: &[WebsiteId]) -> ApiError {
    let mut api_error = ApiError::validation("websites", error);
    api_error.body.websites = Some(ids.iter().map(|id| id.get()).collect());
    api_error
}

impl From<CreateMaintenanceError> for ApiError {
    fn from(error: CreateMaintenanceError) -> Self {
        match &error {
            CreateMaintenanceError::Invalid(field) => Self::validation(field.field, field),
            CreateMaintenanceError::UnknownWebsites(ids) => unknown_websites(&error, ids),
            CreateMaintenanceError::Unavailable(_) => Self::unavailable(&error),
            CreateMaintenanceError::Unknown(_) => Self::internal(&error),
        }
    }
}

impl From<UpdateMaintenanceError> for ApiError {
    fn from(error: UpdateMaintenanceError) -> Self {
        match &error {
            UpdateMaintenanceError::NotFound(_) => Self::not_found(error.to_string()),
            UpdateMaintenanceError::Invalid(field) => Self::validation(field.field, field),
            UpdateMaintenanceError::UnknownWebsites(ids) => unknown_websites(&error, ids),
            UpdateMaintenanceError::ManagedByFile(owner) => Self::edit_of_managed(owner, &error),
            UpdateMaintenanceError::Unavailable(_) => Self::unavailable(&error),
            UpdateMaintenanceError::Unknown(_) => Self::internal(&error),
        }
    }
}

guarded_deletion!(DeleteMaintenanceError);

storage_only!(ListMaintenanceError);
not_found_or_storage!(GetMaintenanceError);
