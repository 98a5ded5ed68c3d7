//! The alerting errors (channels, incidents, deliveries) as status codes and bodies: a bad
//! field is 422 naming it, a missing record 404, a channel still in use 409 naming the sites,
//! storage down 503, anything else 500 (the cause logged, never returned).

use actix_web::http::StatusCode;
use lookout_domain::alerting::{
    AcknowledgeIncidentError, CreateChannelError, DeleteChannelError, GetChannelError,
    GetIncidentError, ListChannelsError, ListDeliveriesError, ListIncidentsError,
    RetryDeliveryError, TestChannelError, UpdateChannelError,
};

use super::ApiError;

storage_only!(ListChannelsError, ListIncidentsError, ListDeliveriesError);
not_found_or_storage!(
    GetChannelError,
    TestChannelError,
    GetIncidentError,
    AcknowledgeIncidentError,
    RetryDeliveryError,
);

impl From<CreateChannelError> for ApiError {
    fn from(error: CreateChannelError) -> Self {
        match &error {
            CreateChannelError::InvalidConfig(config) => {
                Self::validation(config.field.clone(), config)
            }
            CreateChannelError::BlockedAddress { field, .. } => Self::validation(*field, &error),
            CreateChannelError::Unavailable(_) => Self::unavailable(&error),
            CreateChannelError::Unknown(_) => Self::internal(&error),
        }
    }
}

impl From<UpdateChannelError> for ApiError {
    fn from(error: UpdateChannelError) -> Self {
        match &error {
            UpdateChannelError::NotFound(_) => Self::not_found(error.to_string()),
            UpdateChannelError::KindChange { .. } => Self::validation("kind", &error),
            UpdateChannelError::InvalidConfig(config) => {
                Self::validation(config.field.clone(), config)
            }
            UpdateChannelError::BlockedAddress { field, .. } => Self::validation(*field, &error),
            UpdateChannelError::ManagedByFile(owner) => Self::edit_of_managed(owner, &error),
            UpdateChannelError::Unavailable(_) => Self::unavailable(&error),
            UpdateChannelError::Unknown(_) => Self::internal(&error),
        }
    }
}

impl From<DeleteChannelError> for ApiError {
    fn from(error: DeleteChannelError) -> Self {
        match &error {
            DeleteChannelError::NotFound(_) => Self::not_found(error.to_string()),
            DeleteChannelError::InUse { websites, .. } => {
                let mut api_error =
                    Self::new(StatusCode::CONFLICT, "channel_in_use", error.to_string());
                api_error.body.websites = Some(websites.iter().map(|id| id.get()).collect());
                api_error
            }
            DeleteChannelError::ManagedByFile(owner) => Self::deletion_of_managed(owner, &error),
            DeleteChannelError::Unavailable(_) => Self::unavailable(&error),
            DeleteChannelError::Unknown(_) => Self::internal(&error),
        }
    }
}
