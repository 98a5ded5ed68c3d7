//! One error enum per alerting operation.

use std::net::IpAddr;

use super::{AlertStoreError, ChannelConfigError, ChannelId, ChannelKind, DeliveryId, IncidentId};
use crate::WebsiteId;
use crate::manifest::Owner;
use crate::website::BoxError;

macro_rules! storage_variants {
    ($name:ident) => {
        impl From<AlertStoreError> for $name {
            fn from(error: AlertStoreError) -> Self {
                match error {
                    AlertStoreError::Unavailable(e) => Self::Unavailable(e),
                    AlertStoreError::Unknown(e) => Self::Unknown(e),
                }
            }
        }
    };
}
pub(crate) use storage_variants;

#[derive(Debug, thiserror::Error)]
pub enum CreateChannelError {
    #[error(transparent)]
    InvalidConfig(ChannelConfigError),
    #[error(
        "{field} points at a private address ({ip}); allow it with probe.allow_private or probe.allowed_cidrs"
    )]
    BlockedAddress { field: &'static str, ip: IpAddr },
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}
storage_variants!(CreateChannelError);

#[derive(Debug, thiserror::Error)]
pub enum ListChannelsError {
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}
storage_variants!(ListChannelsError);

#[derive(Debug, thiserror::Error)]
pub enum GetChannelError {
    #[error("channel {0} not found")]
    NotFound(ChannelId),
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}
storage_variants!(GetChannelError);

#[derive(Debug, thiserror::Error)]
pub enum UpdateChannelError {
    #[error("channel {0} not found")]
    NotFound(ChannelId),
    #[error("a {stored} channel cannot become a {sent} channel; create a new channel instead", stored = .stored.as_str(), sent = .sent.as_str())]
    KindChange { stored: ChannelKind, sent: ChannelKind },
    #[error(transparent)]
    InvalidConfig(ChannelConfigError),
    #[error(
        "{field} points at a private address ({ip}); allow it with probe.allow_private or probe.allowed_cidrs"
    )]
    BlockedAddress { field: &'static str, ip: IpAddr },
    #[error("channel is managed by {0}")]
    ManagedByFile(Owner),
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}
storage_variants!(UpdateChannelError);

#[derive(Debug, thiserror::Error)]
pub enum DeleteChannelError {
    #[error("channel {0} not found")]
    NotFound(ChannelId),
    #[error("channel {channel} is used by the alert policies of {} site(s); remove it from them or delete with ?force=true", .websites.len())]
    InUse { channel: ChannelId, websites: Vec<WebsiteId> },
    #[error("channel is managed by {0}")]
    ManagedByFile(Owner),
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}
storage_variants!(DeleteChannelError);

#[derive(Debug, thiserror::Error)]
pub enum TestChannelError {
    #[error("channel {0} not found")]
    NotFound(ChannelId),
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}
storage_variants!(TestChannelError);

#[derive(Debug, thiserror::Error)]
pub enum ListIncidentsError {
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}
storage_variants!(ListIncidentsError);

#[derive(Debug, thiserror::Error)]
pub enum GetIncidentError {
    #[error("incident {0} not found")]
    NotFound(IncidentId),
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}
storage_variants!(GetIncidentError);

#[derive(Debug, thiserror::Error)]
pub enum AcknowledgeIncidentError {
    #[error("incident {0} not found")]
    NotFound(IncidentId),
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}
storage_variants!(AcknowledgeIncidentError);

#[derive(Debug, thiserror::Error)]
pub enum ListDeliveriesError {
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}
storage_variants!(ListDeliveriesError);

#[derive(Debug, thiserror::Error)]
pub enum RetryDeliveryError {
    #[error("delivery {0} not found")]
    NotFound(DeliveryId),
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}
storage_variants!(RetryDeliveryError);
