//! Ports of the alerting use cases: where channels, incidents and the outbox are kept, and
//! the notifier that sends.

use std::future::Future;
use std::time::Duration;

use time::OffsetDateTime;

use super::{
    AfterAttempt, AlertEvent, AlertPolicy, Channel, ChannelConfig, ChannelId, ChannelKind,
    ChannelPacing, ChannelPatch, DeliveryId, DeliveryStatus, EventCheck, EventWebsite, Incident,
    IncidentId, NewChannel, SendOutcome,
};
use crate::WebsiteId;
use crate::manifest::Owner;
use crate::website::{BoxError, FileGuard, Guarded};

/// Storage failed: the only ways a store operation of alerting fails.
#[derive(Debug, thiserror::Error)]
pub enum AlertStoreError {
    #[error("storage is unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

/// What deleting a channel came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChannelDeletion {
    Deleted,
    NotFound,
    /// Policies of these sites name the channel (and `force` was not given).
    InUse {
        websites: Vec<WebsiteId>,
    },
    /// A document manages the channel and the guard was [`FileGuard::Respect`].
    ManagedByFile(Owner),
}

/// Storage of channels.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait ChannelRepository: Send + Sync + 'static {
    fn create_channel(
        &self,
        new: &NewChannel,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<Channel, AlertStoreError>> + Send;

    fn list_channels(&self) -> impl Future<Output = Result<Vec<Channel>, AlertStoreError>> + Send;

    fn get_channel(
        &self,
        id: ChannelId,
    ) -> impl Future<Output = Result<Option<Channel>, AlertStoreError>> + Send;

    /// Applies the patch, unless `guard` refuses it (checked in the same transaction).
    fn update_channel(
        &self,
        id: ChannelId,
        patch: &ChannelPatch,
        now: OffsetDateTime,
        guard: FileGuard,
    ) -> impl Future<Output = Result<Guarded<Channel>, AlertStoreError>> + Send;

    /// Deletes the channel; with `force`, first takes it out of every policy. `guard` is its
    /// own question (a channel a document manages), checked first, in the same transaction.
    fn delete_channel(
        &self,
        id: ChannelId,
        force: bool,
        guard: FileGuard,
    ) -> impl Future<Output = Result<ChannelDeletion, AlertStoreError>> + Send;
}

/// Which incidents to list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IncidentFilter {
    /// `Some(true)`: open only; `Some(false)`: resolved only.
    pub open: Option<bool>,
    pub website_id: Option<WebsiteId>,
    pub limit: u32,
}

/// One delivery as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRecord {
    pub id: DeliveryId,
    pub channel_id: ChannelId,
    pub channel_name: String,
    pub channel_kind: ChannelKind,
    pub incident_id: Option<IncidentId>,
    pub event: String,
    pub dedup_key: String,
    pub status: DeliveryStatus,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
    pub next_attempt_at: Option<OffsetDateTime>,
    pub delivered_at: Option<OffsetDateTime>,
}

/// An incident with its site's name and its deliveries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentDetail {
    pub incident: Incident,
    pub website_name: String,
    pub deliveries: Vec<DeliveryRecord>,
}

/// Storage of incidents (opened and resolved by the check writer, in the check's transaction).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait IncidentStore: Send + Sync + 'static {
    fn list_incidents(
        &self,
        filter: IncidentFilter,
    ) -> impl Future<Output = Result<Vec<IncidentDetail>, AlertStoreError>> + Send;

    fn get_incident(
        &self,
        id: IncidentId,
    ) -> impl Future<Output = Result<Option<IncidentDetail>, AlertStoreError>> + Send;

    /// Marks the incident acknowledged at `now` (kept when it already was); `None` when there
    /// is no such incident.
    fn acknowledge_incident(
        &self,
        id: IncidentId,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<Option<Incident>, AlertStoreError>> + Send;
}

/// A delivery handed to this node to send, with everything the send needs.
#[derive(Debug, Clone, PartialEq)]
pub struct DueDelivery {
    pub id: DeliveryId,
    pub channel: Channel,
    pub event: AlertEvent,
    /// Attempts made before this one.
    pub attempts: u32,
    pub created_at: OffsetDateTime,
}

/// One attempt, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRecord {
    pub delivery: DeliveryId,
    pub at: OffsetDateTime,
    pub duration: Duration,
    pub outcome: SendOutcome,
    pub next: AfterAttempt,
}

/// How full the outbox is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxGauge {
    /// Deliveries waiting to be sent (pending or failed).
    pub waiting: u64,
    /// Age of the oldest waiting delivery.
    pub oldest: Option<Duration>,
    pub open_incidents: u64,
}

/// The outbox: deliveries waiting to be sent, and the record of every attempt.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait Outbox: Send + Sync + 'static {
    /// Leases up to `limit` deliveries due at `now` to `owner` for `lease` (another node takes
    /// them over when the lease runs out before an attempt is recorded), of channels that are
    /// ready by `pacing`.
    fn claim_due(
        &self,
        owner: &str,
        now: OffsetDateTime,
        lease: Duration,
        limit: u32,
        pacing: ChannelPacing,
    ) -> impl Future<Output = Result<Vec<DueDelivery>, AlertStoreError>> + Send;

    /// Gives up the leases `owner` holds (a node starting again under its id: what it was
    /// sending when it stopped goes out at once, not when the leases run out). On a database
    /// only one node can use (SQLite), every lease is this node's.
    fn release_leases(
        &self,
        owner: &str,
    ) -> impl Future<Output = Result<u64, AlertStoreError>> + Send;

    /// Records attempts and sets each delivery's next state; counts each channel's delivered
    /// messages (attempts at one time to one channel are one message, see
    /// [`ChannelPacing::hour_after`]): a failed message is retried on its own backoff.
    fn record_attempts(
        &self,
        attempts: &[AttemptRecord],
    ) -> impl Future<Output = Result<(), AlertStoreError>> + Send;

    /// Queues `event` for `channel` already leased to `owner` (the test endpoint sends it at
    /// once itself).
    fn queue_leased(
        &self,
        channel: ChannelId,
        event: &AlertEvent,
        owner: &str,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<DeliveryId, AlertStoreError>> + Send;

    /// Open, unacknowledged incidents, each with what its reminders and escalations need.
    fn timer_candidates(
        &self,
    ) -> impl Future<Output = Result<TimerCandidates, AlertStoreError>> + Send;

    /// Ends the flapping of sites whose last incident opened more than `window` before `now`;
    /// returns those still down (an open incident), whose firing event was held meanwhile.
    fn settle_flapping(
        &self,
        now: OffsetDateTime,
        window: Duration,
    ) -> impl Future<Output = Result<TimerCandidates, AlertStoreError>> + Send;

    /// Queues an incident's timed events and stores its counters, in one transaction; an
    /// event already queued (by another node) is not queued twice. Returns how many
    /// deliveries were queued.
    fn queue_timed(
        &self,
        incident: IncidentId,
        counters: (u32, u32),
        deliveries: &[(ChannelId, AlertEvent)],
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<u64, AlertStoreError>> + Send;

    fn list_deliveries(
        &self,
        status: Option<DeliveryStatus>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<DeliveryRecord>, AlertStoreError>> + Send;

    /// Makes a failed or dead delivery due again now; `None` when there is no such delivery.
    fn retry_delivery(
        &self,
        id: DeliveryId,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<Option<DeliveryRecord>, AlertStoreError>> + Send;

    fn gauge(
        &self,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<OutboxGauge, AlertStoreError>> + Send;
}

/// Open, unacknowledged incidents and the default channels.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TimerCandidates {
    pub default_channels: Vec<ChannelId>,
    pub incidents: Vec<TimerCandidate>,
}

/// An open incident whose reminders and escalations may be due.
#[derive(Debug, Clone, PartialEq)]
pub struct TimerCandidate {
    pub incident: Incident,
    /// The site's own alert settings, if it has any.
    pub policy: Option<AlertPolicy>,
    pub website: EventWebsite,
    /// The check that opened the incident, when it is still stored.
    pub check: Option<EventCheck>,
}

/// A channel's configuration cannot be used (a template that does not render, ...).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ChannelConfigError {
    /// The field's path, e.g. `config.body_template`.
    pub field: String,
    pub message: String,
}

/// Sends events to channels.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait Notifier: Send + Sync + 'static {
    /// Sends `events` (one or more, grouped) to `channel` as one message.
    fn send(
        &self,
        channel: &Channel,
        events: &[AlertEvent],
        now: OffsetDateTime,
    ) -> impl Future<Output = SendOutcome> + Send;

    /// Checks a configuration before it is saved (renders a template against a sample event).
    fn check_config(&self, config: &ChannelConfig) -> Result<(), ChannelConfigError>;
}
