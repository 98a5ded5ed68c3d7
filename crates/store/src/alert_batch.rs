//! Planning the alert side of a batch of checks: each stored check moves its site's alert
//! state (the domain's incident rule, with the site's policy), which may open or resolve an
//! incident; the events those cause are queued as deliveries by the same transaction. Pure:
//! the backends read the states and policies, then execute the plan.

use std::collections::HashMap;
use std::time::Duration;

use diesel::prelude::*;
use lookout_domain::alerting::{AlertDefaults, AlertPolicy, AlertState, AlertStep, EventCheck};
use time::PrimitiveDateTime;

use crate::region_vote::Decision;
use crate::schema::{alert_states, incidents};
use crate::time_conv::to_column;

/// A site's stored alert state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable, Insertable)]
#[diesel(table_name = alert_states)]
pub(crate) struct StateRow {
    pub(crate) website_id: i64,
    pub(crate) failures: i32,
    pub(crate) successes: i32,
    pub(crate) incident_id: Option<i64>,
    pub(crate) flapping_since: Option<PrimitiveDateTime>,
}

impl StateRow {
    fn state(&self) -> AlertState {
        AlertState {
            failures: u32::try_from(self.failures).unwrap_or(0),
            successes: u32::try_from(self.successes).unwrap_or(0),
            incident_open: self.incident_id.is_some(),
        }
    }
}

/// A site's incident while the batch is planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IncidentRef {
    Stored(i64),
    /// Opened in this batch: its index in [`AlertPlan::opens`].
    New(usize),
}

/// An incident this batch opens.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct IncidentOpen {
    pub(crate) website_id: i64,
    pub(crate) at: PrimitiveDateTime,
    pub(crate) check: EventCheck,
    /// Resolved later in the same batch.
    pub(crate) resolved_at: Option<PrimitiveDateTime>,
    /// The check that resolved it, when it was resolved in the same batch.
    pub(crate) resolved_check: Option<EventCheck>,
}

/// An incident this batch resolves.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct IncidentResolve {
    pub(crate) website_id: i64,
    pub(crate) incident: i64,
    pub(crate) at: PrimitiveDateTime,
    /// The check that resolved it (the `resolved` event's check).
    pub(crate) check: EventCheck,
}

/// A site's state after the batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FinalState {
    pub(crate) state: AlertState,
    pub(crate) incident: Option<IncidentRef>,
    /// Since when the site has been flapping (its events are held).
    pub(crate) flapping_since: Option<PrimitiveDateTime>,
    /// A row existed before the batch.
    pub(crate) stored: bool,
}

/// What the alert side of a batch writes.
#[derive(Debug, Default)]
pub(crate) struct AlertPlan {
    pub(crate) opens: Vec<IncidentOpen>,
    pub(crate) resolves: Vec<IncidentResolve>,
    /// Every site whose state the batch touched, with its state after it.
    pub(crate) states: HashMap<i64, FinalState>,
    /// Per input check (in order): check again this soon (the result is being confirmed).
    pub(crate) recheck_after: Vec<Option<Duration>>,
}

/// Which sites' policies the plan needs: those with a stored state or a failed check.
pub(crate) fn sites_needing_policy(
    stored: &[Option<&Decision<'_>>],
    states: &[StateRow],
) -> Vec<i64> {
    let mut sites: Vec<i64> = states.iter().map(|s| s.website_id).collect();
    sites.extend(
        stored
            .iter()
            .flatten()
            .map(|d| d.check.as_ref())
            .filter(|c| !c.is_available)
            .map(|c| c.website_id.get()),
    );
    sites.sort_unstable();
    sites.dedup();
    sites
}

/// Plans the alert side of `stored` (the decisions of the batch's checks that are stored, in
/// order; `None`: the check decides nothing).
pub(crate) fn plan_alerts(
    stored: &[Option<&Decision<'_>>],
    states: &[StateRow],
    policies: &HashMap<i64, AlertPolicy>,
    defaults: &AlertDefaults,
) -> AlertPlan {
    let mut plan = AlertPlan::default();
    for row in states {
        plan.states.insert(
            row.website_id,
            FinalState {
                state: row.state(),
                incident: row.incident_id.map(IncidentRef::Stored),
                flapping_since: row.flapping_since,
                stored: true,
            },
        );
    }
    let none = AlertPolicy::default();
    for decision in stored {
        let Some(decision) = decision else {
            plan.recheck_after.push(None);
            continue;
        };
        let check = decision.check.as_ref();
        let seen = || EventCheck::seen_from(check, &decision.regions_down);
        let site = check.website_id.get();
        let current = plan.states.get(&site).copied();
        if current.is_none() && check.is_available {
            plan.recheck_after.push(None);
            continue; // up, no incident, nothing stored: the common case costs nothing
        }
        let mut entry = current.unwrap_or(FinalState {
            state: AlertState::default(),
            incident: None,
            flapping_since: None,
            stored: false,
        });
        let policy = policies.get(&site).unwrap_or(&none).resolve(defaults, &[]);
        let (next, step) = entry.state.observe(
            check.is_available,
            check.in_maintenance,
            policy.failure_threshold,
            policy.success_threshold,
        );
        entry.state = next;
        let at = to_column(check.timestamp);
        match step {
            AlertStep::Open => {
                entry.incident = Some(IncidentRef::New(plan.opens.len()));
                plan.opens.push(IncidentOpen {
                    website_id: site,
                    at,
                    check: seen(),
                    resolved_at: None,
                    resolved_check: None,
                });
            }
            AlertStep::Resolve => {
                match entry.incident {
                    Some(IncidentRef::Stored(incident)) => plan.resolves.push(IncidentResolve {
                        website_id: site,
                        incident,
                        at,
                        check: seen(),
                    }),
                    Some(IncidentRef::New(index)) => {
                        plan.opens[index].resolved_at = Some(at);
                        plan.opens[index].resolved_check = Some(seen());
                    }
                    None => {}
                }
                entry.incident = None;
            }
            AlertStep::Quiet | AlertStep::Confirming | AlertStep::Hold => {}
        }
        plan.recheck_after.push((step == AlertStep::Confirming).then_some(policy.confirm_after));
        plan.states.insert(site, entry);
    }
    plan
}

/// The stored alert states of `sites`.
#[diesel::dsl::auto_type(no_type_alias)]
pub(crate) fn states_query<'a>(sites: &'a [i64]) -> _ {
    alert_states::table.filter(alert_states::website_id.eq_any(sites)).select((
        alert_states::website_id,
        alert_states::failures,
        alert_states::successes,
        alert_states::incident_id,
        alert_states::flapping_since,
    ))
}

/// The open incidents of `sites` (another node opened them first): (site, incident).
#[diesel::dsl::auto_type(no_type_alias)]
pub(crate) fn open_incidents_query<'a>(sites: &'a [i64]) -> _ {
    incidents::table
        .filter(incidents::website_id.eq_any(sites))
        .filter(incidents::resolved_at.is_null())
        .select((incidents::website_id, incidents::id))
}

/// When the incidents of `sites` opened, back to `since`: (site, opened at).
#[diesel::dsl::auto_type(no_type_alias)]
pub(crate) fn openings_since_query<'a>(sites: &'a [i64], since: PrimitiveDateTime) -> _ {
    incidents::table
        .filter(incidents::website_id.eq_any(sites))
        .filter(incidents::opened_at.ge(since))
        .select((incidents::website_id, incidents::opened_at))
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU32;

    use lookout_domain::{MonitorCheck, WebsiteId};
    use time::OffsetDateTime;
    use time::macros::datetime;

    use super::*;

    const T0: OffsetDateTime = datetime!(2026-11-30 04:00:00 UTC);

    fn check(site: i64, secs: i64, up: bool) -> MonitorCheck {
        MonitorCheck::sample(WebsiteId::new(site).unwrap(), T0 + time::Duration::seconds(secs), up)
    }

    fn decided(checks: &[MonitorCheck]) -> Vec<Option<&'static Decision<'static>>> {
        let decisions: Vec<Decision<'static>> = checks
            .iter()
            .map(|c| Decision { check: std::borrow::Cow::Owned(c.clone()), regions_down: vec![] })
            .collect();
        Box::leak(decisions.into_boxed_slice()).iter().map(Some).collect()
    }

    #[test]
    fn healthy_sites_cost_nothing_and_failures_are_confirmed_then_open() {
        let checks = [check(1, 0, true), check(2, 0, false), check(2, 30, false)];
        let plan = plan_alerts(&decided(&checks), &[], &HashMap::new(), &AlertDefaults::default());
        assert!(!plan.states.contains_key(&1), "a healthy site is not touched");
        assert_eq!(plan.recheck_after, vec![None, Some(Duration::from_secs(30)), None]);
        assert_eq!(plan.opens.len(), 1);
        assert_eq!(plan.opens[0].website_id, 2);
        assert_eq!(plan.states[&2].incident, Some(IncidentRef::New(0)));
    }

    #[test]
    fn a_stored_incident_resolves_and_the_state_goes_back_to_default() {
        let stored = StateRow {
            website_id: 3,
            failures: 4,
            successes: 0,
            incident_id: Some(77),
            flapping_since: None,
        };
        let plan = plan_alerts(
            &decided(&[check(3, 0, true)]),
            &[stored],
            &HashMap::new(),
            &AlertDefaults::default(),
        );
        assert_eq!(
            plan.resolves,
            vec![IncidentResolve {
                website_id: 3,
                incident: 77,
                at: to_column(T0),
                check: EventCheck::from(&check(3, 0, true)),
            }]
        );
        let after = plan.states[&3];
        assert_eq!(
            (after.state, after.incident, after.stored),
            (AlertState::default(), None, true)
        );
    }

    #[test]
    fn the_site_policy_thresholds_apply_and_a_short_incident_opens_and_resolves_in_one_batch() {
        let policies = HashMap::from([(
            4,
            AlertPolicy { failure_threshold: NonZeroU32::new(1), ..AlertPolicy::default() },
        )]);
        let plan = plan_alerts(
            &decided(&[check(4, 0, false), check(4, 10, true)]),
            &[],
            &policies,
            &AlertDefaults::default(),
        );
        assert_eq!(plan.opens.len(), 1);
        assert_eq!(plan.opens[0].resolved_at, Some(to_column(T0 + time::Duration::seconds(10))));
        let resolving = plan.opens[0].resolved_check.as_ref().map(|c| c.timestamp);
        assert_eq!(resolving, Some(T0 + time::Duration::seconds(10)), "the check that resolved it");
        assert_eq!(plan.states[&4].incident, None);
    }
}
