//! Reminders and escalation: what an open, unacknowledged incident is owed at a given time.
//! Pure; the store queues what this returns (each event once, by its dedup key).

use time::OffsetDateTime;

use crate::maintenance::MaintenanceView;

use super::{
    AlertDefaults, AlertEvent, AlertStoreError, ChannelId, EffectivePolicy, EventKind, Incident,
    Outbox,
};

/// One timed event an incident is owed now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimedEvent {
    pub kind: EventKind,
    /// The reminder's number (1 = the first), or the escalation step's (1 = the first step).
    pub sequence: u32,
    pub channels: Vec<ChannelId>,
}

/// What the incident is owed at `now`, and its counters after sending it. Nothing for an
/// incident that is resolved or acknowledged. A missed reminder period is not made up: after
/// a long pause one reminder goes out, numbered for the period it falls in.
pub fn due_timed_events(
    incident: &Incident,
    policy: &EffectivePolicy,
    now: OffsetDateTime,
) -> (Vec<TimedEvent>, u32, u32) {
    let (mut reminders, mut escalations) = (incident.reminders_sent, incident.escalations_done);
    let mut events = Vec::new();
    if !incident.is_open() || incident.acknowledged_at.is_some() {
        return (events, reminders, escalations);
    }
    let open_for = (now - incident.opened_at).whole_seconds().max(0) as u64;
    let escalated = |done: u32| -> Vec<ChannelId> {
        policy
            .escalate
            .iter()
            .take(done as usize)
            .flat_map(|s| s.channels.iter().copied())
            .collect()
    };
    for (index, step) in policy.escalate.iter().enumerate().skip(escalations as usize) {
        if open_for < step.after_secs {
            break;
        }
        escalations = index as u32 + 1;
        events.push(TimedEvent {
            kind: EventKind::Escalated,
            sequence: escalations,
            channels: step.channels.clone(),
        });
    }
    if let Some(period) = policy.reminder_every {
        let period = period.as_secs().max(1);
        let owed = u32::try_from(open_for / period).unwrap_or(u32::MAX).min(policy.max_reminders);
        if owed > reminders {
            reminders = owed;
            let mut channels = policy.channels.clone();
            channels.extend(escalated(escalations));
            channels.sort_unstable();
            channels.dedup();
            events.push(TimedEvent { kind: EventKind::Reminder, sequence: owed, channels });
        }
    }
    (events, reminders, escalations)
}

/// Queues every reminder and escalation due at `now` (a periodic job runs this on every node;
/// each event is queued once). A site in a maintenance window is owed nothing while it lasts
/// (what came due goes out after it, if the incident is still open). Returns how many
/// deliveries were queued.
pub async fn queue_due_timers<O: Outbox>(
    outbox: &O,
    defaults: &AlertDefaults,
    maintenance: &dyn MaintenanceView,
    now: OffsetDateTime,
) -> Result<u64, AlertStoreError> {
    let mut queued = 0;
    let candidates = outbox.timer_candidates().await?;
    for candidate in candidates.incidents {
        if maintenance.mode_at(candidate.incident.website_id, now).is_some() {
            continue;
        }
        let policy = candidate
            .policy
            .clone()
            .unwrap_or_default()
            .resolve(defaults, &candidates.default_channels);
        let (events, reminders, escalations) = due_timed_events(&candidate.incident, &policy, now);
        if events.is_empty() {
            continue;
        }
        let deliveries: Vec<_> = events
            .iter()
            .flat_map(|timed| {
                let event = AlertEvent::for_incident(
                    timed.kind,
                    timed.sequence,
                    &candidate.incident,
                    candidate.website.clone(),
                    candidate.check.clone(),
                    now,
                );
                timed.channels.iter().map(move |channel| (*channel, event.clone()))
            })
            .collect();
        queued += outbox
            .queue_timed(candidate.incident.id, (reminders, escalations), &deliveries, now)
            .await?;
    }
    Ok(queued)
}

/// Ends flapping spells that have been stable for a window; a site still down gets the firing
/// event of its open incident now (it was held while the site flapped). Returns how many
/// deliveries were queued.
pub async fn settle_flapping<O: Outbox>(
    outbox: &O,
    defaults: &AlertDefaults,
    now: OffsetDateTime,
) -> Result<u64, AlertStoreError> {
    let settled = outbox.settle_flapping(now, defaults.flap.window).await?;
    let mut queued = 0;
    for candidate in settled.incidents {
        let policy = candidate
            .policy
            .clone()
            .unwrap_or_default()
            .resolve(defaults, &settled.default_channels);
        let incident = &candidate.incident;
        let event = AlertEvent::for_incident(
            EventKind::Firing,
            0,
            incident,
            candidate.website.clone(),
            candidate.check.clone(),
            now,
        );
        let deliveries: Vec<_> = policy.channels.iter().map(|c| (*c, event.clone())).collect();
        let counters = (incident.reminders_sent, incident.escalations_done);
        queued += outbox.queue_timed(incident.id, counters, &deliveries, now).await?;
    }
    Ok(queued)
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU32;
    use std::time::Duration;

    use time::macros::datetime;

    use super::super::{Escalation, IncidentId};
    use super::*;
    use crate::WebsiteId;

    const T0: OffsetDateTime = datetime!(2026-11-30 03:00:00 UTC);

    fn id(raw: i64) -> ChannelId {
        ChannelId::new(raw).unwrap()
    }

    fn incident() -> Incident {
        Incident {
            id: IncidentId::new(1).unwrap(),
            website_id: WebsiteId::new(1).unwrap(),
            opened_at: T0,
            resolved_at: None,
            acknowledged_at: None,
            reminders_sent: 0,
            escalations_done: 0,
        }
    }

    fn policy() -> EffectivePolicy {
        EffectivePolicy {
            channels: vec![id(1)],
            failure_threshold: NonZeroU32::MIN,
            success_threshold: NonZeroU32::MIN,
            confirm_after: Duration::from_secs(30),
            reminder_every: Some(Duration::from_secs(3600)),
            max_reminders: 2,
            escalate: vec![Escalation { after_secs: 1800, channels: vec![id(2)] }],
        }
    }

    fn at(secs: i64) -> OffsetDateTime {
        T0 + time::Duration::seconds(secs)
    }

    #[test]
    fn escalates_after_its_delay_then_reminds_everyone_told() {
        assert_eq!(due_timed_events(&incident(), &policy(), at(1799)).0, vec![]);
        let (events, reminders, escalations) = due_timed_events(&incident(), &policy(), at(1800));
        assert_eq!(
            events,
            vec![TimedEvent { kind: EventKind::Escalated, sequence: 1, channels: vec![id(2)] }]
        );
        assert_eq!((reminders, escalations), (0, 1));
        let escalated = Incident { escalations_done: 1, ..incident() };
        let (events, reminders, _) = due_timed_events(&escalated, &policy(), at(3600));
        assert_eq!(
            events,
            vec![TimedEvent {
                kind: EventKind::Reminder,
                sequence: 1,
                channels: vec![id(1), id(2)]
            }]
        );
        assert_eq!(reminders, 1);
    }

    #[test]
    fn reminders_stop_at_the_maximum_and_are_not_made_up() {
        let reminded = Incident { reminders_sent: 1, escalations_done: 1, ..incident() };
        let (events, reminders, _) = due_timed_events(&reminded, &policy(), at(5 * 3600));
        assert_eq!(events.len(), 1, "one reminder after a long pause");
        assert_eq!(reminders, 2, "capped at max_reminders");
        let done = Incident { reminders_sent: 2, escalations_done: 1, ..incident() };
        assert!(due_timed_events(&done, &policy(), at(9 * 3600)).0.is_empty());
    }

    #[test]
    fn an_acknowledged_or_resolved_incident_is_owed_nothing() {
        let acked = Incident { acknowledged_at: Some(at(10)), ..incident() };
        assert!(due_timed_events(&acked, &policy(), at(7200)).0.is_empty());
        let resolved = Incident { resolved_at: Some(at(10)), ..incident() };
        assert!(due_timed_events(&resolved, &policy(), at(7200)).0.is_empty());
    }

    #[test]
    fn a_site_in_maintenance_is_owed_no_reminder_until_the_window_ends() {
        use std::future::ready;

        use futures::executor::block_on;

        use super::super::{
            AlertPolicy, EventWebsite, MockOutbox, TimerCandidate, TimerCandidates,
        };
        use crate::maintenance::{MaintenanceMode, MockMaintenanceView};

        let candidates = TimerCandidates {
            default_channels: vec![id(1)],
            incidents: vec![TimerCandidate {
                incident: incident(),
                policy: Some(AlertPolicy {
                    reminder_every_secs: Some(3600),
                    ..AlertPolicy::default()
                }),
                website: EventWebsite {
                    id: WebsiteId::new(1).unwrap(),
                    name: "Shop".into(),
                    url: "https://shop.example/".into(),
                },
                check: None,
            }],
        };
        let mut outbox = MockOutbox::new();
        outbox.expect_timer_candidates().returning(move || Box::pin(ready(Ok(candidates.clone()))));
        outbox.expect_queue_timed().times(1).returning(|_, _, deliveries, _| {
            let queued = deliveries.len() as u64;
            Box::pin(ready(Ok(queued)))
        });
        let mut in_window = MockMaintenanceView::new();
        in_window.expect_mode_at().return_const(Some(MaintenanceMode::Silence));
        let defaults = AlertDefaults::default();
        let held = block_on(queue_due_timers(&outbox, &defaults, &in_window, at(3600)));
        assert_eq!(held.unwrap(), 0, "held while the window lasts");
        let after = block_on(queue_due_timers(
            &outbox,
            &defaults,
            &crate::maintenance::NoMaintenance,
            at(3700),
        ));
        assert_eq!(after.unwrap(), 1, "sent once it is over");
    }
}
