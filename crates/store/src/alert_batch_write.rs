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

use crate::alert_openings::Transitioned;
use crate::delivery_rows::{NewDeliveryRow, SiteRow, event_website};

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
                EventKind::Resolved => {
                    let check = transition.resolved_check.clone().or_else(|| row.check());
                    AlertEvent::for_incident(kind, 0, &incident, website.clone(), check, now)
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

/// Rows per multi-row statement: 11 columns × 1,000 rows stays far below PostgreSQL's 65,535
/// bind parameters.
pub(crate) const ROWS_PER_STATEMENT: usize = 1_000;

/// Runs `$body` once per statement's worth of `$rows` and collects what each returns: on
/// PostgreSQL one multi-row statement per [`ROWS_PER_STATEMENT`] rows, on SQLite one statement
/// per row (in process, so cheap). diesel runs a multi-row insert with optional columns on
/// SQLite row by row itself, but takes a row that `ON CONFLICT DO NOTHING` skipped for an
/// error, so SQLite is given its rows one at a time.
macro_rules! per_statement {
    (sync, $rows:expr, |$values:ident| $body:expr) => {{
        let mut returned = Vec::new();
        for $values in $rows.iter() {
            returned.extend($body);
        }
        returned
    }};
    (async, $rows:expr, |$values:ident| $body:expr) => {{
        let mut returned = Vec::new();
        for $values in $rows.chunks($crate::alert_batch_write::ROWS_PER_STATEMENT) {
            returned.extend($body);
        }
        returned
    }};
}
pub(crate) use per_statement;

/// Resolves the plan's stored incidents that are still open and returns the ids it resolved
/// (another node may have resolved one first). SQLite updates row by row, in process;
/// PostgreSQL updates them all in one statement over two arrays.
macro_rules! resolve_incidents {
    (sync, $conn:expr, $resolves:expr) => {{
        use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
        use $crate::schema::incidents;
        let mut resolved = Vec::new();
        for resolve in $resolves {
            let changed = diesel::update(
                incidents::table.find(resolve.incident).filter(incidents::resolved_at.is_null()),
            )
            .set(incidents::resolved_at.eq(resolve.at))
            .execute($conn)?;
            if changed > 0 {
                resolved.push(resolve.incident);
            }
        }
        resolved
    }};
    (async, $conn:expr, $resolves:expr) => {{
        use diesel::sql_types::{Array, BigInt, Timestamp};
        use diesel_async::RunQueryDsl;
        let resolves: &[$crate::alert_batch::IncidentResolve] = $resolves;
        if resolves.is_empty() {
            Vec::new()
        } else {
            let (ids, ats): (Vec<i64>, Vec<time::PrimitiveDateTime>) =
                resolves.iter().map(|resolve| (resolve.incident, resolve.at)).unzip();
            diesel::sql_query(
                "UPDATE incidents SET resolved_at = resolving.at \
                 FROM unnest($1, $2) AS resolving(id, at) \
                 WHERE incidents.id = resolving.id AND incidents.resolved_at IS NULL \
                 RETURNING incidents.id",
            )
            .bind::<Array<BigInt>, _>(ids)
            .bind::<Array<Timestamp>, _>(ats)
            .load::<$crate::alert_batch_write::IdRow>($conn)
            .await?
            .into_iter()
            .map(|row| row.id)
            .collect::<Vec<i64>>()
        }
    }};
}
pub(crate) use resolve_incidents;

/// One `id` column of a raw statement's result.
#[derive(Debug, diesel::QueryableByName)]
pub(crate) struct IdRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub(crate) id: i64,
}

/// Writes an alert plan in the caller's transaction and returns how many deliveries it
/// queued. `$mode` is `sync` (SQLite, with `diesel::RunQueryDsl` in scope) or `async`
/// (PostgreSQL, with `diesel_async::RunQueryDsl`). Each step is one statement per kind of row
/// (multi-row inserts and upserts, in lock order), not one per site: a storm of thousands of
/// sites costs a handful of round trips on PostgreSQL (see [`per_statement!`]).
macro_rules! write_alert_plan {
    ($mode:ident, $conn:expr, $plan:expr, $policies:expr, $defaults:expr, $now:expr) => {{
        use diesel::{ExpressionMethods, QueryDsl, SelectableHelper};
        use lookout_domain::alerting::{ChannelId, EventKind};
        use $crate::alert_batch::{open_incidents_query, openings_since_query};
        use $crate::alert_batch_write::{
            exec, notified_by_incident, per_statement, resolve_incidents, transition_deliveries,
        };
        use $crate::alert_openings::{
            OpeningKey, final_states, flap_watch, incident_rows, lost_openings, openings_by_site,
            resolved_transitions, settle_openings,
        };
        use $crate::delivery_rows::{IncidentRow, SiteRow};
        use $crate::schema::{alert_states, deliveries, incidents, websites};

        let conn = $conn;
        let plan: &$crate::alert_batch::AlertPlan = $plan;
        let ours: std::collections::HashMap<OpeningKey, i64> =
            per_statement!($mode, incident_rows(&plan.opens), |values| exec!(
                $mode,
                diesel::insert_into(incidents::table)
                    .values(values)
                    .on_conflict_do_nothing()
                    .returning((incidents::id, incidents::website_id, incidents::opened_at))
                    .get_results::<(i64, i64, time::PrimitiveDateTime)>(conn)
            )?)
            .into_iter()
            .map(|(id, site, at)| ((site, at), id))
            .collect();
        let lost = lost_openings(&plan.opens, &ours);
        let theirs: std::collections::HashMap<i64, i64> = if lost.is_empty() {
            Default::default()
        } else {
            exec!($mode, open_incidents_query(&lost).load::<(i64, i64)>(conn))?
                .into_iter()
                .collect()
        };
        let recent = match flap_watch(plan, &ours, &$defaults.flap) {
            Some((sites, since)) => openings_by_site(exec!(
                $mode,
                openings_since_query(&sites, since).load::<(i64, time::PrimitiveDateTime)>(conn)
            )?),
            None => Default::default(),
        };
        let mut openings = settle_openings(plan, &ours, &theirs, &recent, &$defaults.flap);
        let resolved_ids: Vec<i64> = resolve_incidents!($mode, conn, &plan.resolves);
        let mut queued = 0usize;
        if !openings.transitions.is_empty() || !resolved_ids.is_empty() {
            let (resolved_rows, notified) = if resolved_ids.is_empty() {
                (Vec::new(), Default::default())
            } else {
                let rows: Vec<IncidentRow> = exec!(
                    $mode,
                    incidents::table
                        .filter(incidents::id.eq_any(&resolved_ids))
                        .select(IncidentRow::as_select())
                        .load(conn)
                )?;
                let pairs = exec!(
                    $mode,
                    deliveries::table
                        .filter(deliveries::incident_id.eq_any(&resolved_ids))
                        .filter(deliveries::event.ne(EventKind::Resolved.as_str()))
                        .select((deliveries::incident_id, deliveries::channel_id))
                        .load::<(Option<i64>, i64)>(conn)
                )?;
                (rows, notified_by_incident(pairs))
            };
            let resolved = resolved_transitions(resolved_rows, plan, &openings.flapping);
            openings.transitions.extend(resolved);
            let transitions = &openings.transitions;
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
            let mut rows = transition_deliveries(
                transitions,
                &sites,
                $policies,
                $defaults,
                &default_channels,
                &notified,
                $now,
            );
            rows.sort_by(|a, b| a.key().cmp(&b.key()));
            queued = per_statement!($mode, rows, |values| exec!(
                $mode,
                diesel::insert_into(deliveries::table)
                    .values(values)
                    .on_conflict_do_nothing()
                    .returning(deliveries::id)
                    .get_results::<i64>(conn)
            )?)
            .len();
        }
        let (states, cleared) = final_states(plan, &openings.ids, &openings.flapping);
        per_statement!($mode, states, |values| {
            use diesel::upsert::excluded;
            exec!(
                $mode,
                diesel::insert_into(alert_states::table)
                    .values(values)
                    .on_conflict(alert_states::website_id)
                    .do_update()
                    .set((
                        alert_states::failures.eq(excluded(alert_states::failures)),
                        alert_states::successes.eq(excluded(alert_states::successes)),
                        alert_states::incident_id.eq(excluded(alert_states::incident_id)),
                        alert_states::flapping_since.eq(excluded(alert_states::flapping_since)),
                    ))
                    .returning(alert_states::website_id)
                    .get_results::<i64>(conn)
            )?
        });
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
