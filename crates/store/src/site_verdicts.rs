//! `websites.verdict`: each site's latest verdict (never checked, up, degraded, failed), kept by
//! the check writer in the batch that stores the check, and written only when it changes. The
//! batch already reads the sites it writes for; the stored verdict comes with that read, so a
//! batch in which no site changes state writes nothing more.
//!
//! Two nodes' batches for one site may commit out of order; the next check of the site writes
//! the truth again, so a verdict is at most one check behind.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, SmallInt};
use lookout_domain::MonitorCheck;
use lookout_domain::dashboard::Verdict;

use crate::region_vote::Decision;
use crate::schema::websites;

/// What a check says about its site, as stored in `websites.verdict` (the values
/// `site_listing::STATE_RANK` reads).
pub(crate) fn verdict_of(check: &MonitorCheck) -> i16 {
    verdict_code(Verdict::of(check))
}

/// A verdict as stored (`websites.verdict`, `region_verdicts.verdict`).
pub(crate) fn verdict_code(verdict: Verdict) -> i16 {
    match verdict {
        Verdict::Up => UP,
        Verdict::Degraded => DEGRADED,
        Verdict::Failed => FAILED,
    }
}

/// A stored verdict read back (`None`: a value no version wrote).
pub(crate) fn verdict_from_code(code: i16) -> Option<Verdict> {
    match code {
        UP => Some(Verdict::Up),
        DEGRADED => Some(Verdict::Degraded),
        FAILED => Some(Verdict::Failed),
        _ => None,
    }
}

const UP: i16 = 0;
const DEGRADED: i16 = 1;
const FAILED: i16 = 2;

/// The live sites among `ids`, with their stored verdicts, their regions and quorum and their
/// interval (`region_vote::LiveSiteRow`).
#[diesel::dsl::auto_type(no_type_alias)]
pub(crate) fn live_sites_query<'a>(ids: &'a [i64]) -> _ {
    websites::table.filter(websites::id.eq_any(ids)).filter(websites::enabled.eq(true)).select((
        websites::id,
        websites::verdict,
        websites::regions,
        websites::quorum,
        websites::check_interval,
    ))
}

/// The verdicts to write: for each live site, its latest deciding check's verdict in this batch
/// (by timestamp; the later check wins a tie; for a site that chose regions, the vote's) where
/// it differs from the stored one. In site order, so two writers lock rows in the same order.
pub(crate) fn verdict_changes(
    decisions: &[Option<Decision<'_>>],
    stored: &HashMap<i64, Option<i16>>,
) -> Vec<(i64, i16)> {
    let mut latest: HashMap<i64, &MonitorCheck> = HashMap::new();
    for check in decisions.iter().flatten().map(|d| d.check.as_ref()) {
        let site = check.website_id.get();
        if !stored.contains_key(&site) {
            continue;
        }
        match latest.get(&site) {
            Some(seen) if seen.timestamp > check.timestamp => {}
            _ => {
                latest.insert(site, check);
            }
        }
    }
    let mut changes: Vec<(i64, i16)> = latest
        .into_iter()
        .map(|(site, check)| (site, verdict_of(check)))
        .filter(|(site, verdict)| stored.get(site).copied().flatten() != Some(*verdict))
        .collect();
    changes.sort_unstable();
    changes
}

/// Writes `changes` on SQLite, one primary-key update each (they are rare: state changes only).
pub(crate) fn write_verdicts_sqlite(
    conn: &mut diesel::SqliteConnection,
    changes: &[(i64, i16)],
) -> QueryResult<()> {
    for (id, verdict) in changes {
        diesel::update(websites::table.find(id))
            .set(websites::verdict.eq(verdict))
            .execute(conn)?;
    }
    Ok(())
}

/// Writes `changes` on PostgreSQL in one statement.
pub(crate) async fn write_verdicts_pg(
    conn: &mut diesel_async::AsyncPgConnection,
    changes: &[(i64, i16)],
) -> QueryResult<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let (ids, verdicts): (Vec<i64>, Vec<i16>) = changes.iter().copied().unzip();
    diesel_async::RunQueryDsl::execute(
        diesel::sql_query(
            "UPDATE websites SET verdict = changed.verdict \
             FROM unnest($1, $2) AS changed(id, verdict) WHERE websites.id = changed.id",
        )
        .bind::<Array<BigInt>, _>(ids)
        .bind::<Array<SmallInt>, _>(verdicts),
        conn,
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use lookout_domain::WebsiteId;

    fn check(site: i64, second: u8, available: bool, degraded: bool) -> MonitorCheck {
        MonitorCheck {
            website_id: WebsiteId::new(site).unwrap(),
            timestamp: datetime!(2026-12-06 12:00 UTC) + time::Duration::seconds(second.into()),
            status_code: Some(200),
            response_time: 0.1,
            is_available: available,
            error_message: None,
            in_maintenance: false,
            degraded,
            failed_assertion: None,
            phases: None,
            certificate: None,
        }
    }

    fn changes(checks: &[MonitorCheck], stored: &HashMap<i64, Option<i16>>) -> Vec<(i64, i16)> {
        verdict_changes(&crate::region_vote::each_alone(checks), stored)
    }

    #[test]
    fn only_changed_verdicts_are_written_in_site_order() {
        let stored = HashMap::from([(3, Some(UP)), (1, None), (2, Some(DEGRADED))]);
        let checks =
            [check(3, 0, true, false), check(2, 0, true, false), check(1, 0, false, false)];
        assert_eq!(changes(&checks, &stored), vec![(1, FAILED), (2, UP)]);
    }

    #[test]
    fn the_latest_check_of_a_site_decides_whatever_the_batch_order() {
        let stored = HashMap::from([(1, Some(UP))]);
        let checks = [check(1, 5, true, true), check(1, 2, false, false)];
        assert_eq!(changes(&checks, &stored), vec![(1, DEGRADED)]);
        let recovered = [check(1, 1, true, true), check(1, 2, true, false)];
        assert!(changes(&recovered, &stored).is_empty(), "back to the stored verdict");
    }

    #[test]
    fn sites_that_are_gone_or_paused_are_not_written() {
        let stored = HashMap::from([(1, Some(UP))]);
        assert!(changes(&[check(7, 0, false, false)], &stored).is_empty());
    }
}
