//! Writing a batch of checks on SQLite, as one blocking closure on the sync connection (one
//! hop to the blocking pool per batch instead of one per statement).

use std::collections::HashMap;

use diesel::SqliteConnection;
use diesel::prelude::*;
use lookout_domain::{MonitorCheck, RecordedCheck};
use time::OffsetDateTime;

use crate::alert_batch::{StateRow, plan_alerts, sites_needing_policy, states_query};
use crate::alert_batch_write::write_alert_plan;
use crate::alert_policies::{assemble, policies_query, policy_channels_query};
use crate::certificates::{certificate_rows, write_certificates};
use crate::check_batch::{
    BatchPlan, OpenWindow, apply_rechecks, open_windows_query, plan, site_ids, stored_checks,
    stored_decisions,
};
use crate::check_writer::CheckWriterOptions;
use crate::region_vote::{
    LiveSiteRow, LiveSites, region_verdicts_query, vote_batch, write_region_verdicts_sqlite,
};
use crate::schema::{downtime_windows, monitor_checks};
use crate::site_verdicts::{live_sites_query, verdict_changes, write_verdicts_sqlite};

pub(crate) fn write_batch_sqlite(
    conn: &mut SqliteConnection,
    checks: &[MonitorCheck],
    now: OffsetDateTime,
    options: &CheckWriterOptions,
) -> QueryResult<(Vec<RecordedCheck>, usize)> {
    let defaults = &options.alerts;
    let ids = site_ids(checks);
    let sites: Vec<LiveSiteRow> = live_sites_query(&ids).load(conn)?;
    // The one writer connection serialises batches: no lock is needed for the vote.
    let LiveSites { verdicts, live, ids: live_ids, voting } =
        LiveSites::of(&sites, options.failed_held_for);
    let stored_verdicts = if voting.is_empty() {
        Vec::new()
    } else {
        region_verdicts_query(&voting.keys().copied().collect::<Vec<_>>()).load(conn)?
    };
    let voted = vote_batch(checks, &voting, stored_verdicts, options.region.as_ref());
    let open: Vec<OpenWindow> = open_windows_query(&live_ids).load(conn)?;
    let BatchPlan { checks: rows, new_windows, closes, mut results } =
        plan(checks, &voted.decisions, &live, &open, now, options.maker());
    diesel::insert_into(monitor_checks::table).values(&rows).execute(conn)?;
    if !new_windows.is_empty() {
        diesel::insert_into(downtime_windows::table).values(&new_windows).execute(conn)?;
    }
    for (id, end) in &closes {
        diesel::update(downtime_windows::table.find(id))
            .set(downtime_windows::end_time.eq(end))
            .execute(conn)?;
    }
    write_region_verdicts_sqlite(conn, &voted.verdicts)?;
    write_verdicts_sqlite(conn, &verdict_changes(&voted.decisions, &verdicts))?;
    let stored = stored_checks(checks, &live);
    let certificates = certificate_rows(&stored);
    if !certificates.is_empty() {
        write_certificates!(sync, &mut *conn, certificates);
    }
    let decided = stored_decisions(checks, &voted.decisions, &live);
    let states: Vec<StateRow> = states_query(&live_ids).load(conn)?;
    let needing = sites_needing_policy(&decided, &states);
    let policies = if needing.is_empty() {
        HashMap::new()
    } else {
        assemble(policies_query(&needing).load(conn)?, policy_channels_query(&needing).load(conn)?)
    };
    let alerts = plan_alerts(&decided, &states, &policies, defaults);
    let queued = write_alert_plan!(sync, conn, &alerts, &policies, defaults, now);
    apply_rechecks(&mut results, &alerts.recheck_after);
    Ok((results, queued))
}
