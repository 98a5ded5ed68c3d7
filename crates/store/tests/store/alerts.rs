//! Alerting in the store: channels, site policies, incidents opened and resolved in the check's
//! transaction (once, whatever the state says), and the outbox.

use lookout_domain::website::FileGuard;
use std::num::NonZeroU32;
use std::time::Duration;

use lookout_domain::alerting::{
    AfterAttempt, AlertEvent, AlertPolicy, AttemptRecord, ChannelConfig, ChannelDeletion,
    ChannelId, ChannelName, ChannelPacing, ChannelRepository, DeliveryStatus, IncidentFilter,
    IncidentStore, NewChannel, Outbox, Secret, SendOutcome,
};
use lookout_domain::maintenance::NoMaintenance;
use lookout_domain::website::{CreateWebsiteError, UpdateWebsiteError};
use lookout_domain::{CheckRecorder, RecordedCheck};
use lookout_store::CheckWriterOptions;

use crate::checks::check;
use crate::*;

/// No grouping, no rate limit.
const NO_PACING: ChannelPacing = ChannelPacing { group_wait: Duration::ZERO, per_hour: u32::MAX };

pub(crate) fn webhook(name: &str, default: bool) -> NewChannel {
    NewChannel {
        name: ChannelName::parse(name).unwrap(),
        config: ChannelConfig::Webhook {
            url: WebsiteUrl::parse("https://hooks.example.com/lookout").unwrap(),
            secret: Some(Secret::new("s3cret-signing-key")),
            headers: vec![],
        },
        is_default: default,
    }
}

/// One attempt at `delivery` made at `at` (5 ms long).
fn attempt(
    delivery: lookout_domain::alerting::DeliveryId,
    at: OffsetDateTime,
    outcome: SendOutcome,
    next: AfterAttempt,
) -> AttemptRecord {
    AttemptRecord { delivery, at, duration: Duration::from_millis(5), outcome, next }
}

/// A 503 worth retrying.
fn unavailable() -> SendOutcome {
    SendOutcome::Retry { error: "HTTP 503".into(), status_code: Some(503), retry_after: None }
}

fn recheck(recorded: &RecordedCheck) -> Option<Duration> {
    match recorded {
        RecordedCheck::Stored { recheck_after, .. } => *recheck_after,
        _ => None,
    }
}

on_both_backends!(channels_keep_their_secrets_and_a_used_one_needs_force, |store, db| {
    let ops = store.create_channel(&webhook("ops", true), T0).await.unwrap();
    assert_eq!(
        store.get_channel(ops.id).await.unwrap().unwrap().config,
        webhook("ops", true).config
    );
    let policy = AlertPolicy { channels: Some(vec![ops.id]), ..AlertPolicy::default() };
    let site = NewWebsite { alerts: Some(policy.clone()), ..new_site("https://example.com", true) };
    let site = store.create_website(&site, T0).await.unwrap();
    assert_eq!(store.get_website(site.id).await.unwrap().alerts, Some(policy));
    match store.delete_channel(ops.id, false, FileGuard::Respect).await.unwrap() {
        ChannelDeletion::InUse { websites } => assert_eq!(websites, vec![site.id]),
        other => panic!("expected InUse, got {other:?}"),
    }
    assert_eq!(
        store.delete_channel(ops.id, true, FileGuard::Respect).await.unwrap(),
        ChannelDeletion::Deleted
    );
    assert_eq!(
        store.delete_channel(ops.id, true, FileGuard::Respect).await.unwrap(),
        ChannelDeletion::NotFound
    );
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM alert_policy_channels").await, 0);
    let after = store.get_website(site.id).await.unwrap().alerts.unwrap();
    assert_eq!(after.channels, Some(vec![]), "the site keeps its policy, without the channel");
});

on_both_backends!(a_policy_naming_an_unknown_channel_is_refused, |store, db| {
    let ghost = ChannelId::new(999).unwrap();
    let policy = AlertPolicy { channels: Some(vec![ghost]), ..AlertPolicy::default() };
    let site = NewWebsite { alerts: Some(policy.clone()), ..new_site("https://example.com", true) };
    match store.create_website(&site, T0).await.unwrap_err() {
        CreateWebsiteError::UnknownChannels(ids) => assert_eq!(ids, vec![ghost]),
        other => panic!("expected UnknownChannels, got {other:?}"),
    }
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM websites").await, 0, "nothing was stored");
    let site = store.create_website(&new_site("https://example.com", true), T0).await.unwrap();
    let patch = WebsitePatch { alerts: Some(Some(policy)), ..WebsitePatch::default() };
    assert!(matches!(
        store.update_website(site.id, &patch, T1, FileGuard::Respect).await.unwrap_err(),
        UpdateWebsiteError::UnknownChannels(_)
    ));
    let strict = AlertPolicy { failure_threshold: NonZeroU32::new(5), ..AlertPolicy::default() };
    let patch = WebsitePatch { alerts: Some(Some(strict.clone())), ..WebsitePatch::default() };
    let updated = store.update_website(site.id, &patch, T1, FileGuard::Respect).await.unwrap();
    assert_eq!((updated.before.alerts, updated.after.alerts), (None, Some(strict)));
    let cleared = WebsitePatch { alerts: Some(None), ..WebsitePatch::default() };
    assert_eq!(
        store.update_website(site.id, &cleared, T1, FileGuard::Respect).await.unwrap().after.alerts,
        None
    );
});

on_both_backends!(
    failures_are_confirmed_then_open_one_incident_and_a_success_resolves_it,
    |store, db| {
        let ops = store.create_channel(&webhook("ops", true), T0).await.unwrap();
        let site =
            store.create_website(&new_site("https://example.com", true), T0).await.unwrap().id;
        let (recorder, writer) = store.spawn_check_writer(CheckWriterOptions::default());
        let up = recorder.record_check(check(site, 0, true)).await.unwrap();
        assert_eq!(recheck(&up), None);
        let first = recorder.record_check(check(site, 60, false)).await.unwrap();
        assert_eq!(recheck(&first), Some(Duration::from_secs(30)), "confirm before alerting");
        assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM incidents").await, 0);
        let second = recorder.record_check(check(site, 90, false)).await.unwrap();
        assert_eq!(recheck(&second), None);
        assert_eq!(
            count(&db, "SELECT COUNT(*) AS n FROM incidents WHERE resolved_at IS NULL").await,
            1
        );
        let open = store
            .list_incidents(IncidentFilter { open: Some(true), limit: 10, ..Default::default() })
            .await
            .unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].deliveries.len(), 1);
        assert_eq!(open[0].deliveries[0].channel_id, ops.id);
        assert_eq!(open[0].deliveries[0].event, "firing");
        assert_eq!(open[0].deliveries[0].status, DeliveryStatus::Pending);
        recorder.record_check(check(site, 120, false)).await.unwrap();
        recorder.record_check(check(site, 180, true)).await.unwrap();
        drop(recorder);
        writer.await.unwrap();
        let incident = store.get_incident(open[0].incident.id).await.unwrap().unwrap();
        assert_eq!(incident.incident.resolved_at, Some(T0 + time::Duration::seconds(180)));
        let events: Vec<&str> = incident.deliveries.iter().map(|d| d.event.as_str()).collect();
        assert_eq!(events, vec!["firing", "resolved"]);
        let carried = |event: &str, check: &str| {
            format!(
                "SELECT COUNT(*) AS n FROM deliveries WHERE event = '{event}' \
                 AND payload LIKE '%\"check\":{{%{check}%'"
            )
        };
        assert_eq!(
            count(&db, &carried("firing", "\"status_code\":null")).await,
            1,
            "firing carries the failing check"
        );
        assert_eq!(
            count(&db, &carried("resolved", "\"status_code\":200")).await,
            1,
            "resolved carries the check that resolved it, not the first failing one"
        );
        assert_eq!(
            count(&db, "SELECT COUNT(*) AS n FROM alert_states").await,
            0,
            "back to nothing stored"
        );
    }
);

on_both_backends!(an_incident_opens_once_even_when_the_state_is_lost, |store, db| {
    store.create_channel(&webhook("ops", true), T0).await.unwrap();
    let site = store.create_website(&new_site("https://example.com", true), T0).await.unwrap().id;
    let (recorder, writer) = store.spawn_check_writer(CheckWriterOptions::default());
    for secs in [0, 30] {
        recorder.record_check(check(site, secs, false)).await.unwrap();
    }
    // As if another node had opened it and this node's view of the state were stale.
    execute(&db, "DELETE FROM alert_states").await.unwrap();
    for secs in [60, 90] {
        recorder.record_check(check(site, secs, false)).await.unwrap();
    }
    drop(recorder);
    writer.await.unwrap();
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM incidents").await, 1);
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM deliveries WHERE event = 'firing'").await, 1);
    assert_eq!(
        count(&db, "SELECT COUNT(*) AS n FROM alert_states WHERE incident_id IS NOT NULL").await,
        1
    );
    // The database refuses a second open incident and a second copy of an event.
    assert!(execute(&db, &format!("INSERT INTO incidents (website_id, opened_at, reminders_sent, escalations_done) VALUES ({site}, '2026-11-28 13:00:00', 0, 0)")).await.is_err());
    assert!(execute(&db, "INSERT INTO deliveries (channel_id, event, dedup_key, payload, status, attempts, created_at) SELECT channel_id, event, dedup_key, payload, status, attempts, created_at FROM deliveries").await.is_err());
});

on_both_backends!(the_outbox_leases_records_retries_and_gives_up, |store, db| {
    let ops = store.create_channel(&webhook("ops", false), T0).await.unwrap();
    let event = AlertEvent::test(ops.id, T0);
    let leased = store.queue_leased(ops.id, &event, "api", T0).await.unwrap();
    assert!(
        store
            .claim_due("node-a", T0, Duration::from_secs(60), 10, NO_PACING)
            .await
            .unwrap()
            .is_empty(),
        "leased to the API"
    );
    let next = T0 + time::Duration::seconds(2);
    let failed = attempt(leased, T0, unavailable(), AfterAttempt::RetryAt(next));
    store.record_attempts(&[failed]).await.unwrap();
    let failed = store.list_deliveries(Some(DeliveryStatus::Failed), 10).await.unwrap();
    assert_eq!(
        (failed.len(), failed[0].attempts, failed[0].last_error.as_deref()),
        (1, 1, Some("HTTP 503"))
    );
    assert!(
        store
            .claim_due("node-a", T0, Duration::from_secs(60), 10, NO_PACING)
            .await
            .unwrap()
            .is_empty(),
        "not due yet"
    );
    let due =
        store.claim_due("node-a", next, Duration::from_secs(60), 10, NO_PACING).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].event, event);
    assert_eq!(due[0].attempts, 1);
    assert!(
        store
            .claim_due("node-b", next, Duration::from_secs(60), 10, NO_PACING)
            .await
            .unwrap()
            .is_empty(),
        "one lease at a time"
    );
    let later = next + time::Duration::seconds(61);
    assert_eq!(
        store
            .claim_due("node-b", later, Duration::from_secs(60), 10, NO_PACING)
            .await
            .unwrap()
            .len(),
        1,
        "a lease that ran out is taken over"
    );
    let dead = attempt(leased, later, unavailable(), AfterAttempt::Dead);
    store.record_attempts(&[dead]).await.unwrap();
    assert_eq!(store.list_deliveries(Some(DeliveryStatus::Dead), 10).await.unwrap().len(), 1);
    let again = store.retry_delivery(leased, later).await.unwrap().unwrap();
    assert_eq!(again.status, DeliveryStatus::Pending);
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM delivery_attempts").await, 2);
});

on_both_backends!(a_channel_waits_for_its_group_and_its_hour, |store, db| {
    let ops = store.create_channel(&webhook("ops", false), T0).await.unwrap();
    let queue = |n: u32| {
        let sql = format!(
            "INSERT INTO deliveries (channel_id, event, dedup_key, payload, status, attempts, created_at, next_attempt_at) \
             VALUES ({}, 'test', 'k{n}', '{}', 'pending', 0, '2026-11-28 12:00:00', '2026-11-28 12:00:00')",
            ops.id,
            serde_json::to_string(&AlertEvent::test(ops.id, T0)).unwrap().replace('\'', "''"),
        );
        let db = &db;
        async move { execute(db, &sql).await.unwrap() }
    };
    let pacing = ChannelPacing { group_wait: Duration::from_secs(10), per_hour: 2 };
    let claim =
        |at: OffsetDateTime| store.claim_due("node", at, Duration::from_secs(60), 10, pacing);
    let sent = |due: Vec<lookout_domain::alerting::DueDelivery>, at: OffsetDateTime| {
        let attempts: Vec<AttemptRecord> = due
            .iter()
            .map(|d| {
                let delivered = SendOutcome::Delivered { status_code: Some(204) };
                attempt(d.id, at, delivered, AfterAttempt::Delivered)
            })
            .collect();
        let store = &store;
        async move { store.record_attempts(&attempts).await.unwrap() }
    };
    queue(1).await;
    queue(2).await;
    let first = claim(T0).await.unwrap();
    assert_eq!(first.len(), 2, "a quiet channel gets its events at once");
    sent(first, T0).await;
    queue(3).await;
    queue(4).await;
    let five = T0 + time::Duration::seconds(5);
    assert!(claim(five).await.unwrap().is_empty(), "events within the group wait wait");
    let ten = T0 + time::Duration::seconds(10);
    let grouped = claim(ten).await.unwrap();
    assert_eq!(grouped.len(), 2, "and go out together");
    sent(grouped, ten).await;
    queue(5).await;
    let later = T0 + time::Duration::seconds(60);
    assert!(claim(later).await.unwrap().is_empty(), "two messages this hour: the limit");
    let next_hour = T0 + time::Duration::seconds(3601);
    assert_eq!(claim(next_hour).await.unwrap().len(), 1, "held, not dropped");
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM channels WHERE window_messages = 2").await, 1);
});

on_both_backends!(reminders_and_escalations_are_queued_once_and_stop_at_the_ack, |store, db| {
    let ops = store.create_channel(&webhook("ops", true), T0).await.unwrap();
    let boss = store.create_channel(&webhook("boss", false), T0).await.unwrap();
    let policy = AlertPolicy {
        failure_threshold: NonZeroU32::new(1),
        reminder_every_secs: Some(600),
        escalate: Some(vec![lookout_domain::alerting::Escalation {
            after_secs: 300,
            channels: vec![boss.id],
        }]),
        ..AlertPolicy::default()
    };
    let site = NewWebsite { alerts: Some(policy), ..new_site("https://example.com", true) };
    let site = store.create_website(&site, T0).await.unwrap().id;
    let (recorder, writer) = store.spawn_check_writer(CheckWriterOptions::default());
    recorder.record_check(check(site, 0, false)).await.unwrap();
    drop(recorder);
    writer.await.unwrap();
    let defaults = lookout_domain::alerting::AlertDefaults::default();
    let at = |secs: i64| T0 + time::Duration::seconds(secs);
    let queue = |secs| {
        lookout_domain::alerting::queue_due_timers(&store, &defaults, &NoMaintenance, at(secs))
    };
    assert_eq!(queue(200).await.unwrap(), 0, "nothing due yet");
    assert_eq!(queue(300).await.unwrap(), 1, "the escalation, to its channel");
    assert_eq!(queue(320).await.unwrap(), 0, "once");
    assert_eq!(
        queue(600).await.unwrap(),
        2,
        "the first reminder, to the site's and the escalated channel"
    );
    assert_eq!(queue(900).await.unwrap(), 0);
    let keys = "SELECT COUNT(*) AS n FROM deliveries WHERE dedup_key IN \
                ('incident-1-escalated-1', 'incident-1-reminder-1')";
    assert_eq!(count(&db, keys).await, 3);
    let open = store
        .list_incidents(IncidentFilter { open: Some(true), limit: 1, ..Default::default() })
        .await
        .unwrap();
    assert_eq!((open[0].incident.reminders_sent, open[0].incident.escalations_done), (1, 1));
    store.acknowledge_incident(open[0].incident.id, at(1000)).await.unwrap();
    assert_eq!(queue(1200).await.unwrap(), 0, "an acknowledged incident is not reminded");
    let _ = ops;
});

on_both_backends!(
    a_flapping_site_sends_one_flapping_event_then_its_firing_once_stable,
    |store, db| {
        store.create_channel(&webhook("ops", true), T0).await.unwrap();
        let policy =
            AlertPolicy { failure_threshold: NonZeroU32::new(1), ..AlertPolicy::default() };
        let site = NewWebsite { alerts: Some(policy), ..new_site("https://example.com", true) };
        let site = store.create_website(&site, T0).await.unwrap().id;
        let defaults = lookout_domain::alerting::AlertDefaults {
            flap: lookout_domain::alerting::FlapPolicy {
                transitions: 2,
                window: Duration::from_secs(3600),
            },
            ..Default::default()
        };
        let options = CheckWriterOptions { alerts: defaults, ..CheckWriterOptions::default() };
        let (recorder, writer) = store.spawn_check_writer(options);
        // Down and up four times within a minute: openings 1 and 2 fire, the third is flapping.
        for n in 0..4 {
            recorder.record_check(check(site, n * 10, false)).await.unwrap();
            recorder.record_check(check(site, n * 10 + 5, true)).await.unwrap();
        }
        recorder.record_check(check(site, 60, false)).await.unwrap();
        drop(recorder);
        writer.await.unwrap();
        let events = |event: &'static str| {
            let sql = format!("SELECT COUNT(*) AS n FROM deliveries WHERE event = '{event}'");
            let db = &db;
            async move { count(db, &sql).await }
        };
        assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM incidents").await, 5);
        assert_eq!((events("firing").await, events("resolved").await), (2, 2));
        assert_eq!(events("flapping").await, 1, "one flapping event, then quiet");
        let settle = |secs: i64| {
            lookout_domain::alerting::settle_flapping(
                &store,
                &defaults,
                T0 + time::Duration::seconds(secs),
            )
        };
        assert_eq!(settle(600).await.unwrap(), 0, "not stable for a window yet");
        assert_eq!(settle(3700).await.unwrap(), 1, "stable, still down: the open incident fires");
        assert_eq!(events("firing").await, 3);
        assert_eq!(settle(3800).await.unwrap(), 0, "once");
        assert_eq!(
            count(&db, "SELECT COUNT(*) AS n FROM alert_states WHERE flapping_since IS NOT NULL")
                .await,
            0
        );
    }
);

on_both_backends!(
    a_failed_message_is_retried_on_its_backoff_not_after_the_group_wait,
    |store, _db| {
        let ops = store.create_channel(&webhook("ops", false), T0).await.unwrap();
        let leased =
            store.queue_leased(ops.id, &AlertEvent::test(ops.id, T0), "api", T0).await.unwrap();
        let next = T0 + time::Duration::seconds(1);
        let failed = attempt(leased, T0, unavailable(), AfterAttempt::RetryAt(next));
        store.record_attempts(&[failed]).await.unwrap();
        let pacing = ChannelPacing { group_wait: Duration::from_secs(10), per_hour: 1 };
        let due = store.claim_due("node", next, Duration::from_secs(60), 10, pacing).await.unwrap();
        assert_eq!(
            due.len(),
            1,
            "the retry is due after its backoff: a failure is not a message sent"
        );
    }
);
