//! Channel management: create, read, change, delete and test notification channels.

use std::future::Future;
use std::time::Instant;

use super::{
    AfterAttempt, AlertEvent, AttemptRecord, Channel, ChannelConfig, ChannelDeletion, ChannelId,
    ChannelPatch, ChannelRepository, CreateChannelError, DeleteChannelError, DeliveryId,
    GetChannelError, ListChannelsError, NewChannel, Notifier, Outbox, SendOutcome,
    TestChannelError, UpdateChannelError,
};
use crate::Clock;
use crate::website::{AddressPolicy, FileGuard, Guarded};

/// What `POST /api/channels/{id}/test` came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestDelivery {
    pub delivery: DeliveryId,
    pub outcome: SendOutcome,
}

/// The channel use cases, as the inbound adapters see them.
pub trait ChannelManagement: Send + Sync + 'static {
    fn create_channel(
        &self,
        new: NewChannel,
    ) -> impl Future<Output = Result<Channel, CreateChannelError>> + Send;
    fn list_channels(&self)
    -> impl Future<Output = Result<Vec<Channel>, ListChannelsError>> + Send;
    fn get_channel(
        &self,
        id: ChannelId,
    ) -> impl Future<Output = Result<Channel, GetChannelError>> + Send;
    /// Refused for a channel a document manages unless `guard` is [`FileGuard::Force`].
    fn update_channel(
        &self,
        id: ChannelId,
        patch: ChannelPatch,
        guard: FileGuard,
    ) -> impl Future<Output = Result<Channel, UpdateChannelError>> + Send;
    /// `force`: delete it even when alert policies name it (it is taken out of them); refused
    /// for a channel a document manages unless `guard` is [`FileGuard::Force`].
    fn delete_channel(
        &self,
        id: ChannelId,
        force: bool,
        guard: FileGuard,
    ) -> impl Future<Output = Result<(), DeleteChannelError>> + Send;
    /// Sends a `test` event now (recorded as a delivery) and reports how it went.
    fn test_channel(
        &self,
        id: ChannelId,
    ) -> impl Future<Output = Result<TestDelivery, TestChannelError>> + Send;
}

/// Channels over a repository, the outbox, a notifier and a clock.
#[derive(Debug, Clone)]
pub struct ChannelService<R, O, N, C> {
    repository: R,
    outbox: O,
    notifier: N,
    clock: C,
    addresses: AddressPolicy,
    /// Who holds the test deliveries' leases (this node).
    owner: String,
}

impl<R, O, N, C> ChannelService<R, O, N, C> {
    pub fn new(
        repository: R,
        outbox: O,
        notifier: N,
        clock: C,
        addresses: AddressPolicy,
        owner: String,
    ) -> Self {
        Self { repository, outbox, notifier, clock, addresses, owner }
    }

    /// The field and literal IP of the first URL in `config` the address policy refuses.
    fn blocked(&self, config: &ChannelConfig) -> Option<(&'static str, std::net::IpAddr)> {
        config.blocked_by(&self.addresses)
    }
}

impl<R, O, N, C> ChannelManagement for ChannelService<R, O, N, C>
where
    R: ChannelRepository,
    O: Outbox,
    N: Notifier,
    C: Clock,
{
    async fn create_channel(&self, new: NewChannel) -> Result<Channel, CreateChannelError> {
        if let Some((field, ip)) = self.blocked(&new.config) {
            return Err(CreateChannelError::BlockedAddress { field, ip });
        }
        self.notifier.check_config(&new.config).map_err(CreateChannelError::InvalidConfig)?;
        let channel = self.repository.create_channel(&new, self.clock.now()).await?;
        tracing::info!(channel = %channel.id, kind = channel.config.kind().as_str(), "Channel created");
        Ok(channel)
    }

    async fn list_channels(&self) -> Result<Vec<Channel>, ListChannelsError> {
        Ok(self.repository.list_channels().await?)
    }

    async fn get_channel(&self, id: ChannelId) -> Result<Channel, GetChannelError> {
        self.repository.get_channel(id).await?.ok_or(GetChannelError::NotFound(id))
    }

    async fn update_channel(
        &self,
        id: ChannelId,
        patch: ChannelPatch,
        guard: FileGuard,
    ) -> Result<Channel, UpdateChannelError> {
        if let Some(config) = &patch.config {
            let stored =
                self.repository.get_channel(id).await?.ok_or(UpdateChannelError::NotFound(id))?;
            let (stored, sent) = (stored.config.kind(), config.kind());
            if stored != sent {
                return Err(UpdateChannelError::KindChange { stored, sent });
            }
            if let Some((field, ip)) = self.blocked(config) {
                return Err(UpdateChannelError::BlockedAddress { field, ip });
            }
            self.notifier.check_config(config).map_err(UpdateChannelError::InvalidConfig)?;
        }
        match self.repository.update_channel(id, &patch, self.clock.now(), guard).await? {
            Guarded::Done(channel) => {
                tracing::info!(channel = %id, "Channel updated");
                Ok(channel)
            }
            Guarded::NotFound => Err(UpdateChannelError::NotFound(id)),
            Guarded::ManagedByFile(owner) => Err(UpdateChannelError::ManagedByFile(owner)),
        }
    }

    async fn delete_channel(
        &self,
        id: ChannelId,
        force: bool,
        guard: FileGuard,
    ) -> Result<(), DeleteChannelError> {
        match self.repository.delete_channel(id, force, guard).await? {
            ChannelDeletion::Deleted => {
                tracing::info!(channel = %id, force, "Channel deleted");
                Ok(())
            }
            ChannelDeletion::NotFound => Err(DeleteChannelError::NotFound(id)),
            ChannelDeletion::InUse { websites } => {
                Err(DeleteChannelError::InUse { channel: id, websites })
            }
            ChannelDeletion::ManagedByFile(owner) => Err(DeleteChannelError::ManagedByFile(owner)),
        }
    }

    async fn test_channel(&self, id: ChannelId) -> Result<TestDelivery, TestChannelError> {
        let channel =
            self.repository.get_channel(id).await?.ok_or(TestChannelError::NotFound(id))?;
        let now = self.clock.now();
        let event = AlertEvent::test(id, now);
        let delivery = self.outbox.queue_leased(id, &event, &self.owner, now).await?;
        let started = Instant::now();
        let outcome = self.notifier.send(&channel, std::slice::from_ref(&event), now).await;
        // A test is not retried: its answer is the one attempt.
        let next = match outcome {
            SendOutcome::Delivered { .. } => AfterAttempt::Delivered,
            SendOutcome::Retry { .. } | SendOutcome::Reject { .. } => AfterAttempt::Dead,
        };
        let attempt = AttemptRecord {
            delivery,
            at: now,
            duration: started.elapsed(),
            outcome: outcome.clone(),
            next,
        };
        self.outbox.record_attempts(std::slice::from_ref(&attempt)).await?;
        Ok(TestDelivery { delivery, outcome })
    }
}

#[cfg(test)]
#[path = "channel_service_tests.rs"]
mod tests;
