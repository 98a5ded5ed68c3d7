use std::collections::HashMap;
use std::time::Duration;

use lookout_domain::alerting::{AlertState, EventCheck, EventKind, FlapPolicy};
use time::PrimitiveDateTime;
use time::macros::datetime;

use super::*;
use crate::alert_batch::{AlertPlan, FinalState, IncidentOpen, IncidentRef, IncidentResolve};

const T0: PrimitiveDateTime = datetime!(2026-12-05 01:00:00);

fn at(secs: i64) -> PrimitiveDateTime {
    T0 + time::Duration::seconds(secs)
}

fn check(secs: i64, status: u16) -> EventCheck {
    EventCheck {
        timestamp: at(secs).assume_utc(),
        status_code: Some(status),
        response_time: 0.2,
        error_message: None,
        regions_down: Vec::new(),
    }
}

fn open(site: i64, secs: i64) -> IncidentOpen {
    IncidentOpen {
        website_id: site,
        at: at(secs),
        check: check(secs, 503),
        resolved_at: None,
        resolved_check: None,
    }
}

fn state(incident: Option<IncidentRef>, flapping_since: Option<PrimitiveDateTime>) -> FinalState {
    FinalState {
        state: AlertState { failures: 2, successes: 0, incident_open: true },
        incident,
        flapping_since,
        stored: true,
    }
}

const FLAP: FlapPolicy = FlapPolicy { transitions: 2, window: Duration::from_secs(600) };

#[test]
fn openings_insert_in_lock_order_and_lost_ones_take_the_other_nodes_incident() {
    let plan = AlertPlan {
        opens: vec![open(9, 5), open(3, 1), open(5, 2)],
        states: HashMap::from([
            (9, state(Some(IncidentRef::New(0)), None)),
            (3, state(Some(IncidentRef::New(1)), None)),
            (5, state(Some(IncidentRef::New(2)), None)),
        ]),
        ..AlertPlan::default()
    };
    let rows: Vec<i64> = incident_rows(&plan.opens).iter().map(|r| r.website_id).collect();
    assert_eq!(rows, vec![3, 5, 9]);

    // Another node opened site 5's incident first: the insert returned no row for it.
    let ours = HashMap::from([((9, at(5)), 100), ((3, at(1)), 101)]);
    assert_eq!(lost_openings(&plan.opens, &ours), vec![5]);
    let theirs = HashMap::from([(5, 77)]);
    let settled = settle_openings(&plan, &ours, &theirs, &HashMap::new(), &FLAP);
    assert_eq!(settled.ids, vec![Some(100), Some(101), Some(77)]);
    let sent: Vec<(i64, Vec<EventKind>)> =
        settled.transitions.iter().map(|t| (t.row.website_id, t.events.clone())).collect();
    assert_eq!(sent, vec![(9, vec![EventKind::Firing]), (3, vec![EventKind::Firing])]);

    let (states, cleared) = final_states(&plan, &settled.ids, &settled.flapping);
    let incidents: Vec<(i64, Option<i64>)> =
        states.iter().map(|s| (s.website_id, s.incident_id)).collect();
    assert_eq!(incidents, vec![(3, Some(101)), (5, Some(77)), (9, Some(100))]);
    assert!(cleared.is_empty());
}

#[test]
fn the_opening_past_the_flap_limit_sends_flapping_and_later_ones_in_the_batch_are_held() {
    let plan = AlertPlan {
        opens: vec![open(4, 300), open(4, 400)],
        states: HashMap::from([(4, state(Some(IncidentRef::New(1)), None))]),
        ..AlertPlan::default()
    };
    let ours = HashMap::from([((4, at(300)), 10), ((4, at(400)), 11)]);
    let (sites, since) = flap_watch(&plan, &ours, &FLAP).expect("site 4 is watched");
    assert_eq!((sites, since), (vec![4], at(300 - 600)));
    // Two earlier openings in the window, one long before it, then the batch's two.
    let recent =
        openings_by_site(vec![(4, at(-900)), (4, at(0)), (4, at(100)), (4, at(300)), (4, at(400))]);
    let settled = settle_openings(&plan, &ours, &HashMap::new(), &recent, &FLAP);
    let events: Vec<Vec<EventKind>> =
        settled.transitions.iter().map(|t| t.events.clone()).collect();
    assert_eq!(events, vec![vec![EventKind::Flapping], vec![]]);
    assert_eq!(settled.flapping.get(&4), Some(&Some(at(300))));
}

#[test]
fn an_opening_counts_only_the_openings_up_to_its_own() {
    let plan = AlertPlan { opens: vec![open(4, 100)], ..AlertPlan::default() };
    let ours = HashMap::from([((4, at(100)), 10)]);
    // A later opening (another node's, after ours) does not make ours the flapping one.
    let recent = openings_by_site(vec![(4, at(0)), (4, at(100)), (4, at(200))]);
    let settled = settle_openings(&plan, &ours, &HashMap::new(), &recent, &FLAP);
    assert_eq!(settled.transitions[0].events, vec![EventKind::Firing]);
}

#[test]
fn a_flapping_site_is_not_counted_and_its_openings_send_nothing() {
    let plan = AlertPlan {
        opens: vec![open(6, 10)],
        states: HashMap::from([(6, state(Some(IncidentRef::New(0)), Some(at(-60))))]),
        ..AlertPlan::default()
    };
    let ours = HashMap::from([((6, at(10)), 12)]);
    assert_eq!(flap_watch(&plan, &ours, &FLAP), None);
    let settled = settle_openings(&plan, &ours, &HashMap::new(), &HashMap::new(), &FLAP);
    assert!(settled.transitions[0].events.is_empty());
}

#[test]
fn a_resolved_event_carries_the_check_that_resolved_the_incident() {
    let mut short = open(7, 0);
    short.resolved_at = Some(at(20));
    short.resolved_check = Some(check(20, 200));
    let plan = AlertPlan {
        opens: vec![short],
        resolves: vec![IncidentResolve {
            website_id: 8,
            incident: 40,
            at: at(30),
            check: check(30, 204),
        }],
        states: HashMap::from([(
            8,
            FinalState {
                state: AlertState::default(),
                incident: None,
                flapping_since: None,
                stored: true,
            },
        )]),
        ..AlertPlan::default()
    };
    let ours = HashMap::from([((7, at(0)), 41)]);
    let settled = settle_openings(&plan, &ours, &HashMap::new(), &HashMap::new(), &FLAP);
    assert_eq!(settled.transitions[0].events, vec![EventKind::Firing, EventKind::Resolved]);
    assert_eq!(
        settled.transitions[0].resolved_check.as_ref().and_then(|c| c.status_code),
        Some(200)
    );

    let stored = crate::delivery_rows::IncidentRow {
        id: 40,
        website_id: 8,
        opened_at: at(-100),
        resolved_at: Some(at(30)),
        acknowledged_at: None,
        reminders_sent: 0,
        escalations_done: 0,
        first_check: serde_json::to_string(&check(-100, 500)).ok(),
    };
    let resolved = resolved_transitions(vec![stored], &plan, &settled.flapping);
    assert_eq!(resolved[0].events, vec![EventKind::Resolved]);
    assert_eq!(resolved[0].resolved_check.as_ref().and_then(|c| c.status_code), Some(204));

    let (states, cleared) = final_states(&plan, &settled.ids, &settled.flapping);
    assert!(states.iter().all(|s| s.website_id != 8));
    assert_eq!(cleared, vec![8]);
}
