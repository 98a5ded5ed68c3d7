//! Executing an [`AlertPlan`](crate::alert_batch::AlertPlan) inside the batch's transaction, on
//! either backend from one source: [`write_alert_plan!`] is expanded in the SQLite writer
//! (synchronous diesel) and in the PostgreSQL writer (diesel-async), and [`exec!`] adds the
//! `.await` where it is due.
//!
//! Opening an incident is `INSERT ... ON CONFLICT DO NOTHING` against "one open incident per
//! site", and every delivery against "one (channel, dedup key)": on any number of nodes an
//! incident opens once and each channel hears each event once.

use std::collections::{HashMap, HashSet};

use lookout_domain::alerting::{AlertDefaults, AlertEvent, AlertPolicy, ChannelId, EventKind};
use time::OffsetDateTime;

use crate::delivery_rows::{IncidentRow, NewDeliveryRow, SiteRow, event_website};

/// Runs a diesel query synchronously or awaits it.
macro_rules! exec {
    (sync, $query:expr) => {
        $query
    };
    (async, $query:expr) => {
        $query.await
    };
}
pub(crate) use exec;

/// An incident the batch opened (ours, not another node's) or resolved, with what its events
/// need.
#[derive(Debug, Clone)]
pub(crate) struct Transitioned {
    pub(crate) row: IncidentRow,
    /// Events to queue, in order: firing (and resolved, when it also ended in the batch), or
    /// resolved.
    pub(crate) events: Vec<EventKind>,
}

/// The deliveries of the batch's transitions: a firing event to the policy's channels (the
/// default channels when it names none), a resolved event to every channel that heard of the
/// incident (`notified`, or for an incident opened in this batch, the firing's channels).
pub(crate) fn transition_deliveries(
    transitions: &[Transitioned],
    sites: &[SiteRow],
    policies: &HashMap<i64, AlertPolicy>,
    defaults: &AlertDefaults,
    default_channels: &[ChannelId],
    notified: &HashMap<i64, Vec<ChannelId>>,
    now: OffsetDateTime,
) -> Vec<NewDeliveryRow> {
    let sites: HashMap<i64, &SiteRow> = sites.iter().map(|s| (s.0, s)).collect();
    let none = AlertPolicy::default();
    let mut rows = Vec::new();
    for transition in transitions {
        let row = &transition.row;
        let (Ok(incident), Some(website)) =
            (row.incident(), sites.get(&row.website_id).and_then(|s| event_website(s)))
        else {
            continue;
        };
        let firing_channels = policies
            .get(&row.website_id)
            .unwrap_or(&none)
            .resolve(defaults, default_channels)
            .channels;
        for &kind in &transition.events {
            let channels = match kind {
                EventKind::Resolved if !transition.events.contains(&EventKind::Firing) => {
                    notified.get(&row.id).cloned().unwrap_or_default()
                }
                _ => firing_channels.clone(),
            };
            let event = match kind {
                EventKind::Flapping => {
                    AlertEvent::flapping(website.clone(), row.check(), incident.opened_at)
                }
                _ => {
                    AlertEvent::for_incident(kind, 0, &incident, website.clone(), row.check(), now)
                }
            };
            rows.extend(channels.iter().map(|channel| NewDeliveryRow::new(*channel, &event, now)));
        }
    }
    rows
}

/// The incident a row of a just-inserted incident describes.
pub(crate) fn opened_row(
    id: i64,
    website: i64,
    open: &crate::alert_batch::IncidentOpen,
) -> IncidentRow {
    IncidentRow {
        id,
        website_id: website,
        opened_at: open.at,
        resolved_at: open.resolved_at,
        acknowledged_at: None,
        reminders_sent: 0,
        escalations_done: 0,
        first_check: serde_json::to_string(&open.check).ok(),
    }
}

/// Channels that heard of each incident, from (incident, channel) pairs.
pub(crate) fn notified_by_incident(pairs: Vec<(Option<i64>, i64)>) -> HashMap<i64, Vec<ChannelId>> {
    let mut map: HashMap<i64, Vec<ChannelId>> = HashMap::new();
    let mut seen = HashSet::new();
    for (incident, channel) in pairs {
        let (Some(incident), Ok(channel)) = (incident, ChannelId::new(channel)) else { continue };
        if seen.insert((incident, channel)) {
            map.entry(incident).or_default().push(channel);
        }
    }
    map
}

/// Writes an alert plan in the caller's transaction and returns how many deliveries it
/// queued. `$mode` is `sync` (with `diesel::RunQueryDsl` in scope) or `async` (with
/// `diesel_async::RunQueryDsl`).
macro_rules! write_alert_plan {
    ($mode:ident, $conn:expr, $plan:expr, $policies:expr, $defaults:expr, $now:expr) => {{
        use diesel::{ExpressionMethods, OptionalExtension, QueryDsl, SelectableHelper};
        use lookout_domain::alerting::{AlertState, ChannelId, EventKind};
        use $crate::alert_batch::{IncidentRef, open_incident_query};
        use $crate::alert_batch_write::{
            Transitioned, exec, notified_by_incident, opened_row, transition_deliveries,
        };
        use $crate::delivery_rows::{IncidentRow, NewIncidentRow, SiteRow};
        use $crate::schema::{alert_states, deliveries, incidents, websites};

        let conn = $conn;
        let plan: &$crate::alert_batch::AlertPlan = $plan;
        let mut transitions: Vec<Transitioned> = Vec::new();
        // Sites whose flapping this batch looked at: since when they flap (None: they do not).
        let mut flapping: std::collections::HashMap<i64, Option<time::PrimitiveDateTime>> =
            std::collections::HashMap::new();
        // Each opened incident's id: ours, or the one another node opened first.
        let mut open_ids: Vec<Option<i64>> = Vec::with_capacity(plan.opens.len());
        for open in &plan.opens {
            let row = NewIncidentRow {
                website_id: open.website_id,
                opened_at: open.at,
                resolved_at: open.resolved_at,
                first_check: serde_json::to_string(&open.check).ok(),
            };
            let inserted: Option<i64> = exec!(
                $mode,
                diesel::insert_into(incidents::table)
                    .values(&row)
                    .on_conflict_do_nothing()
                    .returning(incidents::id)
                    .get_result::<i64>(conn)
            )
            .optional()?;
            match inserted {
                Some(id) => {
                    let site = open.website_id;
                    let since = *flapping.entry(site).or_insert_with(|| {
                        plan.states.get(&site).and_then(|state| state.flapping_since)
                    });
                    let events = if since.is_some() {
                        Vec::new() // flapping: held until the site is stable
                    } else {
                        let openings: i64 = exec!(
                            $mode,
                            incidents::table
                                .filter(incidents::website_id.eq(site))
                                .filter(incidents::opened_at.ge(open.at - $defaults.flap.window))
                                .count()
                                .get_result::<i64>(conn)
                        )?;
                        if $defaults.flap.is_flapping(u64::try_from(openings).unwrap_or(0)) {
                            flapping.insert(site, Some(open.at));
                            vec![EventKind::Flapping]
                        } else if open.resolved_at.is_some() {
                            vec![EventKind::Firing, EventKind::Resolved]
                        } else {
                            vec![EventKind::Firing]
                        }
                    };
                    transitions.push(Transitioned { row: opened_row(id, site, open), events });
                    open_ids.push(Some(id));
                }
                None => open_ids.push(
                    exec!($mode, open_incident_query(open.website_id).first::<i64>(conn))
                        .optional()?,
                ),
            }
        }
        let mut resolved_ids = Vec::new();
        for resolve in &plan.resolves {
            let changed = exec!(
                $mode,
                diesel::update(
                    incidents::table
                        .find(resolve.incident)
                        .filter(incidents::resolved_at.is_null())
                )
                .set(incidents::resolved_at.eq(resolve.at))
                .execute(conn)
            )?;
            if changed > 0 {
                resolved_ids.push(resolve.incident);
            }
        }
        let mut queued = 0usize;
        if !transitions.is_empty() || !resolved_ids.is_empty() {
            let resolved_rows: Vec<IncidentRow> = if resolved_ids.is_empty() {
                Vec::new()
            } else {
                exec!(
                    $mode,
                    incidents::table
                        .filter(incidents::id.eq_any(&resolved_ids))
                        .select(IncidentRow::as_select())
                        .load(conn)
                )?
            };
            let notified = if resolved_ids.is_empty() {
                Default::default()
            } else {
                notified_by_incident(exec!(
                    $mode,
                    deliveries::table
                        .filter(deliveries::incident_id.eq_any(&resolved_ids))
                        .filter(deliveries::event.ne(EventKind::Resolved.as_str()))
                        .select((deliveries::incident_id, deliveries::channel_id))
                        .load::<(Option<i64>, i64)>(conn)
                )?)
            };
            transitions.extend(resolved_rows.into_iter().map(|row| {
                let site = row.website_id;
                let held = flapping
                    .get(&site)
                    .copied()
                    .unwrap_or_else(|| plan.states.get(&site).and_then(|s| s.flapping_since))
                    .is_some();
                let events = if held { Vec::new() } else { vec![EventKind::Resolved] };
                Transitioned { row, events }
            }));
            let site_ids: Vec<i64> = transitions.iter().map(|t| t.row.website_id).collect();
            let sites: Vec<SiteRow> = exec!(
                $mode,
                websites::table
                    .filter(websites::id.eq_any(&site_ids))
                    .select((websites::id, websites::name, websites::url))
                    .load::<SiteRow>(conn)
            )?;
            let defaults_needed = transitions.iter().any(|t| {
                (t.events.contains(&EventKind::Firing) || t.events.contains(&EventKind::Flapping))
                    && $policies.get(&t.row.website_id).is_none_or(|p| p.channels.is_none())
            });
            let default_channels: Vec<ChannelId> = if defaults_needed {
                exec!($mode, $crate::alert_policies::default_channels_query().load::<i64>(conn))?
                    .into_iter()
                    .filter_map(|id| ChannelId::new(id).ok())
                    .collect()
            } else {
                Vec::new()
            };
            let rows = transition_deliveries(
                &transitions,
                &sites,
                $policies,
                $defaults,
                &default_channels,
                &notified,
                $now,
            );
            for row in &rows {
                queued += exec!(
                    $mode,
                    diesel::insert_into(deliveries::table)
                        .values(row)
                        .on_conflict_do_nothing()
                        .execute(conn)
                )?;
            }
        }
        let mut cleared = Vec::new();
        for (&site, state) in &plan.states {
            let incident = match state.incident {
                Some(IncidentRef::Stored(id)) => Some(id),
                Some(IncidentRef::New(index)) => open_ids.get(index).copied().flatten(),
                None => None,
            };
            let flapping_since = flapping.get(&site).copied().unwrap_or(state.flapping_since);
            if state.state == AlertState::default()
                && incident.is_none()
                && flapping_since.is_none()
            {
                if state.stored {
                    cleared.push(site);
                }
                continue;
            }
            let row = $crate::alert_batch::StateRow {
                website_id: site,
                failures: i32::try_from(state.state.failures).unwrap_or(i32::MAX),
                successes: i32::try_from(state.state.successes).unwrap_or(i32::MAX),
                incident_id: incident,
                flapping_since,
            };
            exec!(
                $mode,
                diesel::insert_into(alert_states::table)
                    .values(&row)
                    .on_conflict(alert_states::website_id)
                    .do_update()
                    .set((
                        alert_states::failures.eq(row.failures),
                        alert_states::successes.eq(row.successes),
                        alert_states::incident_id.eq(row.incident_id),
                        alert_states::flapping_since.eq(row.flapping_since),
                    ))
                    .execute(conn)
            )?;
        }
        if !cleared.is_empty() {
            exec!(
                $mode,
                diesel::delete(
                    alert_states::table.filter(alert_states::website_id.eq_any(&cleared))
                )
                .execute(conn)
            )?;
        }
        queued
    }};
}
pub(crate) use write_alert_plan;
