//! The channel service against mocked ports: a channel a document manages is changed or
//! deleted only under `FileGuard::Force`, and `force` (in use by policies) is its own question.

use futures::executor::block_on;
use mockall::predicate::eq;
use time::OffsetDateTime;
use time::macros::datetime;

use super::*;
use crate::MockClock;
use crate::alerting::{ChannelName, MockChannelRepository, MockNotifier, MockOutbox, Secret};
use crate::manifest::Owner;

const NOW: OffsetDateTime = datetime!(2026-12-10 12:00 UTC);

fn id() -> ChannelId {
    ChannelId::new(3).unwrap()
}

fn owner() -> Owner {
    Owner::parse("file:alerts.yaml").unwrap()
}

fn channel(name: &str) -> Channel {
    Channel {
        id: id(),
        name: ChannelName::parse(name).unwrap(),
        config: ChannelConfig::Slack { webhook_url: Secret::new("https://hooks.slack.com/x") },
        is_default: false,
        managed: None,
        created_at: NOW,
        updated_at: NOW,
    }
}

fn service(repository: MockChannelRepository) -> impl ChannelManagement {
    let mut clock = MockClock::new();
    clock.expect_now().return_const(NOW);
    ChannelService::new(
        repository,
        MockOutbox::new(),
        MockNotifier::new(),
        clock,
        AddressPolicy::default(),
        "node-1".into(),
    )
}

#[test]
fn a_managed_channel_is_changed_only_when_forced() {
    let mut repository = MockChannelRepository::new();
    repository.expect_update_channel().times(2).returning(|_, patch, _, guard| {
        let answer = match guard {
            FileGuard::Respect => Guarded::ManagedByFile(owner()),
            FileGuard::Force => Guarded::Done(channel(patch.name.as_ref().unwrap().as_str())),
        };
        Box::pin(async move { Ok(answer) })
    });
    let service = service(repository);
    let patch = || ChannelPatch {
        name: Some(ChannelName::parse("ops").unwrap()),
        ..ChannelPatch::default()
    };
    let refused = block_on(service.update_channel(id(), patch(), FileGuard::Respect));
    assert!(
        matches!(&refused, Err(UpdateChannelError::ManagedByFile(by)) if *by == owner()),
        "{refused:?}"
    );
    let changed = block_on(service.update_channel(id(), patch(), FileGuard::Force)).unwrap();
    assert_eq!(changed.name.as_str(), "ops");
}

#[test]
fn a_managed_channel_is_deleted_only_when_forced_and_force_stays_its_own_question() {
    let mut repository = MockChannelRepository::new();
    repository
        .expect_delete_channel()
        .with(eq(id()), eq(false), eq(FileGuard::Respect))
        .times(1)
        .returning(|_, _, _| Box::pin(async { Ok(ChannelDeletion::ManagedByFile(owner())) }));
    repository
        .expect_delete_channel()
        .with(eq(id()), eq(false), eq(FileGuard::Force))
        .times(1)
        .returning(|_, _, _| Box::pin(async { Ok(ChannelDeletion::Deleted) }));
    let service = service(repository);
    let refused = block_on(service.delete_channel(id(), false, FileGuard::Respect));
    assert!(matches!(refused, Err(DeleteChannelError::ManagedByFile(_))), "{refused:?}");
    block_on(service.delete_channel(id(), false, FileGuard::Force)).unwrap();
}
