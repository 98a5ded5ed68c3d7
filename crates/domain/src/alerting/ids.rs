//! Identities of the alerting records: positive integers given by the database.

use std::fmt;

/// A value that cannot be an id of the named record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} id must be a positive integer, got {raw}")]
pub struct AlertIdError {
    pub what: &'static str,
    pub raw: i64,
}

macro_rules! positive_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize,
            serde::Deserialize,
        )]
        #[serde(try_from = "i64", into = "i64")]
        pub struct $name(i64);

        impl $name {
            /// The smallest id.
            pub const MIN: Self = Self(1);

            /// Accepts any positive id.
            pub fn new(raw: i64) -> Result<Self, AlertIdError> {
                if raw > 0 { Ok(Self(raw)) } else { Err(AlertIdError { what: $what, raw }) }
            }

            /// The raw value, for storage and wire formats.
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl TryFrom<i64> for $name {
            type Error = AlertIdError;

            fn try_from(raw: i64) -> Result<Self, Self::Error> {
                Self::new(raw)
            }
        }

        impl From<$name> for i64 {
            fn from(value: $name) -> Self {
                value.0
            }
        }
    };
}

positive_id!(
    /// Identity of a notification channel.
    ChannelId,
    "channel"
);
positive_id!(
    /// Identity of an incident.
    IncidentId,
    "incident"
);
positive_id!(
    /// Identity of one delivery (one event to one channel) in the outbox.
    DeliveryId,
    "delivery"
);
positive_id!(
    /// Identity of a maintenance window.
    MaintenanceId,
    "maintenance window"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_positive_ids_exist_and_errors_name_the_record() {
        assert_eq!(ChannelId::new(3).map(ChannelId::get), Ok(3));
        let error = IncidentId::new(0).unwrap_err();
        assert_eq!(error.to_string(), "incident id must be a positive integer, got 0");
        assert!(DeliveryId::new(-1).is_err());
    }
}
