//! Writing a batch of checks on SQLite, as one blocking closure on the sync connection (one
//! hop to the blocking pool per batch instead of one per statement).

use std::collections::{HashMap, HashSet};

use diesel::SqliteConnection;
use diesel::prelude::*;
use lookout_domain::alerting::AlertDefaults;
use lookout_domain::{MonitorCheck, RecordedCheck};
use time::OffsetDateTime;

use crate::alert_batch::{StateRow, plan_alerts, sites_needing_policy, states_query};
use crate::alert_batch_write::write_alert_plan;
use crate::alert_policies::{assemble, policies_query, policy_channels_query};
use crate::certificates::{certificate_rows, write_certificates};
use crate::check_batch::{
    BatchPlan, OpenWindow, apply_rechecks, open_windows_query, plan, site_ids, stored_checks,
};
use crate::schema::{downtime_windows, monitor_checks};
use crate::site_verdicts::{live_sites_query, verdict_changes, write_verdicts_sqlite};

pub(crate) fn write_batch_sqlite(
    conn: &mut SqliteConnection,
    checks: &[MonitorCheck],
    now: OffsetDateTime,
    node: Option<&str>,
    defaults: &AlertDefaults,
) -> QueryResult<(Vec<RecordedCheck>, usize)> {
    let ids = site_ids(checks);
    let verdicts: HashMap<i64, Option<i16>> =
        live_sites_query(&ids).load::<(i64, Option<i16>)>(conn)?.into_iter().collect();
    let live: HashSet<i64> = verdicts.keys().copied().collect();
    let live_ids: Vec<i64> = live.iter().copied().collect();
    let open: Vec<OpenWindow> = open_windows_query(&live_ids).load(conn)?;
    let BatchPlan { checks: rows, new_windows, closes, mut results } =
        plan(checks, &live, &open, now, node);
    diesel::insert_into(monitor_checks::table).values(&rows).execute(conn)?;
    if !new_windows.is_empty() {
        diesel::insert_into(downtime_windows::table).values(&new_windows).execute(conn)?;
    }
    for (id, end) in &closes {
        diesel::update(downtime_windows::table.find(id))
            .set(downtime_windows::end_time.eq(end))
            .execute(conn)?;
    }
    write_verdicts_sqlite(conn, &verdict_changes(checks, &verdicts))?;
    let stored = stored_checks(checks, &live);
    let certificates = certificate_rows(&stored);
    if !certificates.is_empty() {
        write_certificates!(sync, &mut *conn, certificates);
    }
    let states: Vec<StateRow> = states_query(&live_ids).load(conn)?;
    let needing = sites_needing_policy(&stored, &states);
    let policies = if needing.is_empty() {
        HashMap::new()
    } else {
        assemble(policies_query(&needing).load(conn)?, policy_channels_query(&needing).load(conn)?)
    };
    let alerts = plan_alerts(&stored, &states, &policies, defaults);
    let queued = write_alert_plan!(sync, conn, &alerts, &policies, defaults, now);
    apply_rechecks(&mut results, &alerts.recheck_after);
    Ok((results, queued))
}
