//! The pure steps of writing an [`AlertPlan`]: which of the batch's openings are ours (the
//! multi-row insert returned them) or another node's, what each sends (firing, flapping, or
//! nothing while the site flaps), and the alert states the batch leaves. The statements
//! around them are in [`write_alert_plan!`](crate::alert_batch_write::write_alert_plan).

use std::collections::HashMap;

use lookout_domain::alerting::{AlertState, EventCheck, EventKind, FlapPolicy};
use time::PrimitiveDateTime;

use crate::alert_batch::{AlertPlan, IncidentOpen, IncidentRef, StateRow};
use crate::delivery_rows::{IncidentRow, NewIncidentRow};

/// How a returned incident row is matched to its opening: (site, opened at). Both backends
/// keep the microseconds the plan holds, so the pair comes back as it went in.
pub(crate) type OpeningKey = (i64, PrimitiveDateTime);

/// Since when a site flaps (`None`: it does not), for every site the batch looked at.
pub(crate) type Flapping = HashMap<i64, Option<PrimitiveDateTime>>;

/// An incident the batch opened (ours, not another node's) or resolved, with what its events
/// need.
#[derive(Debug, Clone)]
pub(crate) struct Transitioned {
    pub(crate) row: IncidentRow,
    /// Events to queue, in order: firing (and resolved, when it also ended in the batch), or
    /// resolved.
    pub(crate) events: Vec<EventKind>,
    /// The check that resolved it, for the `resolved` event.
    pub(crate) resolved_check: Option<EventCheck>,
}

/// The incident rows of the batch's openings, in lock order (site, then time).
pub(crate) fn incident_rows(opens: &[IncidentOpen]) -> Vec<NewIncidentRow> {
    let mut rows: Vec<NewIncidentRow> = opens
        .iter()
        .map(|open| NewIncidentRow {
            website_id: open.website_id,
            opened_at: open.at,
            resolved_at: open.resolved_at,
            first_check: serde_json::to_string(&open.check).ok(),
        })
        .collect();
    rows.sort_by_key(|row| (row.website_id, row.opened_at));
    rows
}

/// Sites whose open incident another node holds: openings that came back empty.
pub(crate) fn lost_openings(opens: &[IncidentOpen], ours: &HashMap<OpeningKey, i64>) -> Vec<i64> {
    opens
        .iter()
        .filter(|open| !ours.contains_key(&(open.website_id, open.at)))
        .map(|open| open.website_id)
        .collect()
}

/// The sites whose flapping must be counted (ours, not already flapping) and how far back.
pub(crate) fn flap_watch(
    plan: &AlertPlan,
    ours: &HashMap<OpeningKey, i64>,
    flap: &FlapPolicy,
) -> Option<(Vec<i64>, PrimitiveDateTime)> {
    let watched: Vec<&IncidentOpen> = plan
        .opens
        .iter()
        .filter(|open| ours.contains_key(&(open.website_id, open.at)))
        .filter(|open| plan.states.get(&open.website_id).is_none_or(|s| s.flapping_since.is_none()))
        .collect();
    let since = watched.iter().map(|open| open.at).min()? - flap.window;
    let mut sites: Vec<i64> = watched.iter().map(|open| open.website_id).collect();
    sites.sort_unstable();
    sites.dedup();
    Some((sites, since))
}

/// Openings per site, from (site, opened at) rows.
pub(crate) fn openings_by_site(
    rows: Vec<(i64, PrimitiveDateTime)>,
) -> HashMap<i64, Vec<PrimitiveDateTime>> {
    let mut map: HashMap<i64, Vec<PrimitiveDateTime>> = HashMap::new();
    for (site, at) in rows {
        map.entry(site).or_default().push(at);
    }
    map
}

/// What the openings settled.
#[derive(Debug, Default)]
pub(crate) struct Openings {
    pub(crate) transitions: Vec<Transitioned>,
    /// Each opening's incident (ours or another node's), by its index in the plan.
    pub(crate) ids: Vec<Option<i64>>,
    pub(crate) flapping: Flapping,
}

/// Settles the plan's openings in order. `ours` are the incidents this batch inserted,
/// `theirs` the open incidents other nodes inserted first, `recent` every site's openings in
/// the flap window. An opening counts the openings up to its own: the (n+1)th within the
/// window sends `flapping` and holds the site's events until it is stable.
pub(crate) fn settle_openings(
    plan: &AlertPlan,
    ours: &HashMap<OpeningKey, i64>,
    theirs: &HashMap<i64, i64>,
    recent: &HashMap<i64, Vec<PrimitiveDateTime>>,
    flap: &FlapPolicy,
) -> Openings {
    let mut settled = Openings::default();
    for open in &plan.opens {
        let site = open.website_id;
        let Some(&id) = ours.get(&(site, open.at)) else {
            settled.ids.push(theirs.get(&site).copied());
            continue;
        };
        let since = *settled
            .flapping
            .entry(site)
            .or_insert_with(|| plan.states.get(&site).and_then(|state| state.flapping_since));
        let events = if since.is_some() {
            Vec::new() // flapping: held until the site is stable
        } else {
            let from = open.at - flap.window;
            let openings = recent
                .get(&site)
                .map_or(0, |ats| ats.iter().filter(|&&at| at >= from && at <= open.at).count());
            if flap.is_flapping(u64::try_from(openings).unwrap_or(u64::MAX)) {
                settled.flapping.insert(site, Some(open.at));
                vec![EventKind::Flapping]
            } else if open.resolved_at.is_some() {
                vec![EventKind::Firing, EventKind::Resolved]
            } else {
                vec![EventKind::Firing]
            }
        };
        settled.transitions.push(Transitioned {
            row: opened_row(id, open),
            events,
            resolved_check: open.resolved_check.clone(),
        });
        settled.ids.push(Some(id));
    }
    settled
}

/// The incident a row of a just-inserted incident describes.
fn opened_row(id: i64, open: &IncidentOpen) -> IncidentRow {
    IncidentRow {
        id,
        website_id: open.website_id,
        opened_at: open.at,
        resolved_at: open.resolved_at,
        acknowledged_at: None,
        reminders_sent: 0,
        escalations_done: 0,
        first_check: serde_json::to_string(&open.check).ok(),
    }
}

/// The transitions of incidents the batch resolved (`rows`, as stored): a `resolved` event
/// with the check that resolved it, unless the site flaps.
pub(crate) fn resolved_transitions(
    rows: Vec<IncidentRow>,
    plan: &AlertPlan,
    flapping: &Flapping,
) -> Vec<Transitioned> {
    let checks: HashMap<i64, &EventCheck> =
        plan.resolves.iter().map(|resolve| (resolve.incident, &resolve.check)).collect();
    rows.into_iter()
        .map(|row| {
            let site = row.website_id;
            let held = flapping
                .get(&site)
                .copied()
                .unwrap_or_else(|| plan.states.get(&site).and_then(|s| s.flapping_since))
                .is_some();
            let events = if held { Vec::new() } else { vec![EventKind::Resolved] };
            let resolved_check = checks.get(&row.id).map(|&check| check.clone());
            Transitioned { row, events, resolved_check }
        })
        .collect()
}

/// The alert states the batch leaves, in lock order, and the stored ones it clears (back to
/// the default: no failures, no incident, not flapping).
pub(crate) fn final_states(
    plan: &AlertPlan,
    ids: &[Option<i64>],
    flapping: &Flapping,
) -> (Vec<StateRow>, Vec<i64>) {
    let mut rows = Vec::new();
    let mut cleared = Vec::new();
    for (&site, state) in &plan.states {
        let incident = match state.incident {
            Some(IncidentRef::Stored(id)) => Some(id),
            Some(IncidentRef::New(index)) => ids.get(index).copied().flatten(),
            None => None,
        };
        let flapping_since = flapping.get(&site).copied().unwrap_or(state.flapping_since);
        if state.state == AlertState::default() && incident.is_none() && flapping_since.is_none() {
            if state.stored {
                cleared.push(site);
            }
            continue;
        }
        rows.push(StateRow {
            website_id: site,
            failures: i32::try_from(state.state.failures).unwrap_or(i32::MAX),
            successes: i32::try_from(state.state.successes).unwrap_or(i32::MAX),
            incident_id: incident,
            flapping_since,
        });
    }
    rows.sort_by_key(|row| row.website_id);
    cleared.sort_unstable();
    (rows, cleared)
}

#[cfg(test)]
#[path = "alert_openings_tests.rs"]
mod tests;
