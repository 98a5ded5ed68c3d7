//! Status page errors as status codes and bodies: a bad field 422 naming it (ids that name no
//! site: `websites`, listed in the body's `websites`), a slug taken 409, a missing page 404,
//! storage down 503, anything else 500.

use lookout_domain::WebsiteId;
use lookout_domain::status_pages::{
    CreateStatusPageError, DeleteStatusPageError, StatusPageError, StatusPageFieldError,
    UpdateStatusPageError,
};

use super::ApiError;

fn unknown_websites(error: &dyn std::fmt::Display, ids: &[WebsiteId]) -> ApiError {
    let mut api_error = ApiError::validation("websites", error);
    api_error.body.websites = Some(ids.iter().map(|id| id.get()).collect());
    api_error
}

fn duplicate_slug(error: &dyn std::fmt::Display) -> ApiError {
    let mut api_error =
        ApiError::new(actix_web::http::StatusCode::CONFLICT, "duplicate_slug", error.to_string());
    api_error.body.field = Some("slug".to_owned());
    api_error
}

impl From<StatusPageFieldError> for ApiError {
    fn from(error: StatusPageFieldError) -> Self {
        Self::validation(error.field.clone(), &error.message)
    }
}

impl From<CreateStatusPageError> for ApiError {
    fn from(error: CreateStatusPageError) -> Self {
        match &error {
            CreateStatusPageError::DuplicateSlug(_) => duplicate_slug(&error),
            CreateStatusPageError::UnknownWebsites(ids) => unknown_websites(&error, ids),
            CreateStatusPageError::Unavailable(_) => Self::unavailable(&error),
            CreateStatusPageError::Unknown(_) => Self::internal(&error),
        }
    }
}

impl From<UpdateStatusPageError> for ApiError {
    fn from(error: UpdateStatusPageError) -> Self {
        match &error {
            UpdateStatusPageError::NotFound(_) => Self::not_found(error.to_string()),
            UpdateStatusPageError::DuplicateSlug(_) => duplicate_slug(&error),
            UpdateStatusPageError::UnknownWebsites(ids) => unknown_websites(&error, ids),
            UpdateStatusPageError::ManagedByFile(owner) => Self::edit_of_managed(owner, &error),
            UpdateStatusPageError::Unavailable(_) => Self::unavailable(&error),
            UpdateStatusPageError::Unknown(_) => Self::internal(&error),
        }
    }
}

guarded_deletion!(DeleteStatusPageError);

not_found_or_storage!(StatusPageError);
