//! Planning a batch of checks: which are stored, which downtime windows open and close.
//! Pure: the backends read the live sites and open windows, then execute the plan in one
//! transaction.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use lookout_domain::{AppliedTransition, DowntimeTransition, MonitorCheck, RecordedCheck};
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::phase_columns::to_columns;
use crate::region_vote::Decision;
use crate::schema::{downtime_windows, monitor_checks};
use crate::time_conv::{from_column, to_column};

/// Longest error text kept for one check.
const MAX_ERROR_CHARS: usize = 1000;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = monitor_checks)]
pub(crate) struct NewCheckRow {
    website_id: i64,
    timestamp: PrimitiveDateTime,
    status_code: Option<i32>,
    response_time: f64,
    is_available: bool,
    error_message: Option<String>,
    node_id: Option<String>,
    in_maintenance: bool,
    degraded: bool,
    failed_assertion: Option<String>,
    dns_us: Option<i32>,
    connect_us: Option<i32>,
    tls_us: Option<i32>,
    ttfb_us: Option<i32>,
    transfer_us: Option<i32>,
    region: Option<String>,
}

impl From<&MonitorCheck> for NewCheckRow {
    fn from(check: &MonitorCheck) -> Self {
        let [dns_us, connect_us, tls_us, ttfb_us, transfer_us] = to_columns(check.phases);
        Self {
            website_id: check.website_id.get(),
            timestamp: to_column(check.timestamp),
            status_code: check.status_code.map(i32::from),
            response_time: check.response_time,
            is_available: check.is_available,
            error_message: check
                .error_message
                .as_ref()
                .map(|text| text.chars().take(MAX_ERROR_CHARS).collect()),
            node_id: None,
            in_maintenance: check.in_maintenance,
            degraded: check.degraded,
            failed_assertion: check
                .failed_assertion
                .as_ref()
                .map(|text| text.chars().take(MAX_ERROR_CHARS).collect()),
            dns_us,
            connect_us,
            tls_us,
            ttfb_us,
            transfer_us,
            region: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = downtime_windows)]
pub(crate) struct NewWindowRow {
    pub(crate) website_id: i64,
    pub(crate) start_time: PrimitiveDateTime,
    pub(crate) end_time: Option<PrimitiveDateTime>,
    pub(crate) created_at: PrimitiveDateTime,
}

/// An open window as read from the database.
#[derive(Debug, Clone, Copy, Queryable)]
pub(crate) struct OpenWindow {
    pub(crate) id: i64,
    pub(crate) website_id: i64,
    pub(crate) start_time: PrimitiveDateTime,
}

/// Everything one batch writes, and what each check's caller is told.
#[derive(Debug, Default)]
pub(crate) struct BatchPlan {
    pub(crate) checks: Vec<NewCheckRow>,
    /// Windows to insert (open, or opened and closed within this batch).
    pub(crate) new_windows: Vec<NewWindowRow>,
    /// Existing open windows to close: (window id, end time).
    pub(crate) closes: Vec<(i64, PrimitiveDateTime)>,
    /// One result per input check, in order.
    pub(crate) results: Vec<RecordedCheck>,
}

/// Where a site's open window, if any, lives while the batch is planned.
#[derive(Debug, Clone, Copy)]
enum Open {
    Stored { id: i64, start: OffsetDateTime },
    New { index: usize, start: OffsetDateTime },
}

impl Open {
    fn start(self) -> OffsetDateTime {
        match self {
            Self::Stored { start, .. } | Self::New { start, .. } => start,
        }
    }
}

/// Who made a batch's checks: the node and its region.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Maker<'a> {
    pub(crate) node: Option<&'a str>,
    pub(crate) region: Option<&'a str>,
}

/// Plans `checks` (in the order they were made) against the sites that still exist and are
/// enabled (`live`) and their currently open windows. Each check's window transition follows
/// its decision (`region_vote`: the vote for a site that chose regions, the check itself
/// otherwise); a check without one is stored and changes nothing.
pub(crate) fn plan(
    checks: &[MonitorCheck],
    decisions: &[Option<Decision<'_>>],
    live: &HashSet<i64>,
    open_windows: &[OpenWindow],
    now: OffsetDateTime,
    maker: Maker<'_>,
) -> BatchPlan {
    let mut open: HashMap<i64, Open> = open_windows
        .iter()
        .map(|w| (w.website_id, Open::Stored { id: w.id, start: from_column(w.start_time) }))
        .collect();
    let mut plan = BatchPlan::default();
    let created_at = to_column(now);
    for (check, decision) in checks.iter().zip(decisions) {
        let site = check.website_id.get();
        if !live.contains(&site) {
            plan.results.push(RecordedCheck::SiteGone);
            continue;
        }
        plan.checks.push(NewCheckRow {
            node_id: maker.node.map(str::to_owned),
            region: maker.region.map(str::to_owned),
            ..NewCheckRow::from(check)
        });
        let Some(decision) = decision else {
            plan.results.push(RecordedCheck::Stored {
                window: AppliedTransition::Unchanged,
                recheck_after: None,
            });
            continue;
        };
        let current = open.get(&site).copied();
        let at = check.timestamp;
        let available = decision.check.is_available;
        let applied = match DowntimeTransition::decide(current.map(Open::start), available, at) {
            DowntimeTransition::Open { at } => {
                open.insert(site, Open::New { index: plan.new_windows.len(), start: at });
                plan.new_windows.push(NewWindowRow {
                    website_id: site,
                    start_time: to_column(at),
                    end_time: None,
                    created_at,
                });
                AppliedTransition::Opened { at }
            }
            DowntimeTransition::Close { at, duration } => {
                match open.remove(&site) {
                    Some(Open::Stored { id, .. }) => plan.closes.push((id, to_column(at))),
                    Some(Open::New { index, .. }) => {
                        plan.new_windows[index].end_time = Some(to_column(at))
                    }
                    None => {}
                }
                let started = current.map_or(at, Open::start);
                AppliedTransition::Closed { started, ended: at, duration }
            }
            DowntimeTransition::Unchanged => AppliedTransition::Unchanged,
        };
        plan.results.push(RecordedCheck::Stored { window: applied, recheck_after: None });
    }
    plan
}

/// The checks of `checks` that are stored (their site is live), in order.
pub(crate) fn stored_checks<'a>(
    checks: &'a [MonitorCheck],
    live: &HashSet<i64>,
) -> Vec<&'a MonitorCheck> {
    checks.iter().filter(|c| live.contains(&c.website_id.get())).collect()
}

/// The decisions of the stored checks (one per stored check, in order), for the alert rule.
pub(crate) fn stored_decisions<'a, 'b>(
    checks: &[MonitorCheck],
    decisions: &'b [Option<Decision<'a>>],
    live: &HashSet<i64>,
) -> Vec<Option<&'b Decision<'a>>> {
    checks
        .iter()
        .zip(decisions)
        .filter(|(c, _)| live.contains(&c.website_id.get()))
        .map(|(_, d)| d.as_ref())
        .collect()
}

/// Hands each stored check's "check again soon" (in order) to its result.
pub(crate) fn apply_rechecks(
    results: &mut [RecordedCheck],
    rechecks: &[Option<std::time::Duration>],
) {
    let stored = results.iter_mut().filter_map(|r| match r {
        RecordedCheck::Stored { recheck_after, .. } => Some(recheck_after),
        RecordedCheck::SiteGone | RecordedCheck::Buffered => None,
    });
    for (slot, recheck) in stored.zip(rechecks) {
        *slot = *recheck;
    }
}

/// The open windows of `sites`.
#[diesel::dsl::auto_type(no_type_alias)]
pub(crate) fn open_windows_query<'a>(sites: &'a [i64]) -> _ {
    downtime_windows::table
        .filter(downtime_windows::end_time.is_null())
        .filter(downtime_windows::website_id.eq_any(sites))
        .select((downtime_windows::id, downtime_windows::website_id, downtime_windows::start_time))
}

/// The distinct site ids of a batch.
pub(crate) fn site_ids(checks: &[MonitorCheck]) -> Vec<i64> {
    let ids: HashSet<i64> = checks.iter().map(|c| c.website_id.get()).collect();
    ids.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use lookout_domain::WebsiteId;
    use time::macros::datetime;

    use super::*;

    const T0: OffsetDateTime = datetime!(2026-11-28 12:00:00 UTC);

    fn check(site: i64, secs: i64, available: bool) -> MonitorCheck {
        MonitorCheck::sample(
            WebsiteId::new(site).unwrap(),
            T0 + time::Duration::seconds(secs),
            available,
        )
    }

    #[test]
    fn opens_and_closes_within_one_batch() {
        let checks =
            [check(1, 0, false), check(1, 10, false), check(1, 20, true), check(1, 30, false)];
        let plan = plan(
            &checks,
            &crate::region_vote::each_alone(&checks),
            &HashSet::from([1]),
            &[],
            T0,
            Maker::default(),
        );
        assert_eq!(plan.checks.len(), 4);
        assert_eq!(plan.new_windows.len(), 2);
        assert_eq!(plan.new_windows[0].end_time, Some(to_column(T0 + time::Duration::seconds(20))));
        assert_eq!(plan.new_windows[1].end_time, None, "the second window is still open");
        assert_eq!(
            plan.results,
            vec![
                RecordedCheck::Stored {
                    window: AppliedTransition::Opened { at: T0 },
                    recheck_after: None
                },
                RecordedCheck::Stored { window: AppliedTransition::Unchanged, recheck_after: None },
                RecordedCheck::Stored {
                    window: AppliedTransition::Closed {
                        started: T0,
                        ended: T0 + time::Duration::seconds(20),
                        duration: Duration::from_secs(20),
                    },
                    recheck_after: None
                },
                RecordedCheck::Stored {
                    window: AppliedTransition::Opened { at: T0 + time::Duration::seconds(30) },
                    recheck_after: None
                },
            ]
        );
    }

    #[test]
    fn closes_a_stored_window_and_drops_checks_of_gone_sites() {
        let stored = OpenWindow { id: 41, website_id: 2, start_time: to_column(T0) };
        let checks = [check(2, 90, true), check(3, 90, false)];
        let plan = plan(
            &checks,
            &crate::region_vote::each_alone(&checks),
            &HashSet::from([2]),
            &[stored],
            T0,
            Maker::default(),
        );
        assert_eq!(plan.closes, vec![(41, to_column(T0 + time::Duration::seconds(90)))]);
        assert!(plan.new_windows.is_empty());
        assert_eq!(plan.checks.len(), 1);
        assert_eq!(plan.results[1], RecordedCheck::SiteGone);
    }

    #[test]
    fn long_error_texts_are_cut() {
        let mut long = check(1, 0, false);
        long.error_message = Some("x".repeat(5000));
        let row = NewCheckRow::from(&long);
        assert_eq!(row.error_message.map(|m| m.chars().count()), Some(MAX_ERROR_CHARS));
    }
}
