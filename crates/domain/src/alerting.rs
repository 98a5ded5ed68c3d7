//! Alerting: channels (where events go), policies (when an incident opens and resolves, who
//! is told, reminders and escalation), incidents, the events sent and the outbox that
//! delivers them at least once. The rules here are pure; the check writer applies the
//! incident rule in the check's own transaction, the outbox worker sends.

mod channel;
mod channel_service;
mod delivery;
mod desk;
mod dispatch;
mod errors;
mod event;
mod ids;
mod incident;
mod policy;
mod ports;
mod timers;

pub use channel::{
    Channel, ChannelConfig, ChannelKind, ChannelName, ChannelPatch, EmailAddress, Header, MASK,
    MAX_CHANNEL_NAME_CHARS, MAX_HEADERS, MAX_RECIPIENTS, MAX_TEMPLATE_BYTES, NewChannel, Secret,
    TemplateMethod, parse_header,
};
pub use channel_service::{ChannelManagement, ChannelService, TestDelivery};
pub use delivery::{
    AfterAttempt, ChannelPacing, DeliveryStatus, RATE_WINDOW, RetryPolicy, SendOutcome,
};
pub use desk::{IncidentDesk, IncidentService};
pub use dispatch::{
    Dispatcher, MAX_EVENTS_PER_MESSAGE, Message, group_messages, jitter, outcome_text,
};
pub(crate) use errors::storage_variants;
pub use errors::{
    AcknowledgeIncidentError, CreateChannelError, DeleteChannelError, GetChannelError,
    GetIncidentError, ListChannelsError, ListDeliveriesError, ListIncidentsError,
    RetryDeliveryError, TestChannelError, UpdateChannelError,
};
pub use event::{AlertEvent, EventCheck, EventIncident, EventKind, EventWebsite, SentEvent};
pub use ids::{AlertIdError, ChannelId, DeliveryId, IncidentId, MaintenanceId};
pub use incident::{AlertState, AlertStep, Incident};
pub use policy::{
    AlertDefaults, AlertPolicy, EffectivePolicy, Escalation, FlapPolicy, MAX_ESCALATION_STEPS,
    MAX_POLICY_CHANNELS, PolicyFieldError,
};
pub use ports::{
    AlertStoreError, AttemptRecord, ChannelConfigError, ChannelDeletion, ChannelRepository,
    DeliveryRecord, DueDelivery, IncidentDetail, IncidentFilter, IncidentStore, Notifier, Outbox,
    OutboxGauge, TimerCandidate, TimerCandidates,
};
#[cfg(any(test, feature = "mocks"))]
pub use ports::{MockChannelRepository, MockIncidentStore, MockNotifier, MockOutbox};
pub use timers::{TimedEvent, due_timed_events, queue_due_timers, settle_flapping};
