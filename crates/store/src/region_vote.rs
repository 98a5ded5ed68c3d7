//! The vote inside the check writer's transaction, for sites that chose regions: each check
//! becomes its region's latest verdict (`region_verdicts`), and what the site's downtime
//! window, kept verdict and incident see is the vote over the fresh verdicts of the chosen
//! regions (the domain's `SiteRegions::vote`), not the check alone. Sites checked from any
//! region skip all of it: their checks decide as before.
//!
//! Concurrent writers (nodes of other regions) serialise per site: on PostgreSQL the batch
//! locks the rows of the sites it writes for that chose regions (`FOR NO KEY UPDATE`, in id
//! order) before it reads them, their verdicts and windows.

use std::borrow::Cow;
use std::collections::HashMap;
use std::time::Duration;

use diesel::prelude::*;
use lookout_domain::MonitorCheck;
use lookout_domain::dashboard::Verdict;
use lookout_domain::regions::{Freshness, RegionName, RegionVerdict, SiteRegions};
use time::PrimitiveDateTime;

use crate::rows::stored_regions;
use crate::schema::region_verdicts;
use crate::site_verdicts::{verdict_code, verdict_from_code};
use crate::time_conv::{from_column, to_column};

/// A live site of the batch as the writer reads it: (id, kept verdict, regions, quorum,
/// interval).
pub(crate) type LiveSiteRow = (i64, Option<i16>, Option<String>, Option<String>, i32);

/// A site that chose regions: its choice and how long its verdicts count.
#[derive(Debug, Clone)]
pub(crate) struct VotingSite {
    regions: SiteRegions,
    freshness: Freshness,
}

/// The voting sites among `live` (a site whose stored regions cannot be read checks as if it
/// chose none, and says so in the log).
pub(crate) fn voting_sites(
    live: &[LiveSiteRow],
    failed_held_for: Duration,
) -> HashMap<i64, VotingSite> {
    live.iter()
        .filter(|(_, _, regions, ..)| regions.is_some())
        .filter_map(|(id, _, regions, quorum, interval)| {
            match stored_regions(regions.as_deref(), quorum.as_deref()) {
                Ok(regions) if !regions.is_any() => Some((
                    *id,
                    VotingSite {
                        regions,
                        freshness: Freshness {
                            interval: Duration::from_secs(u64::try_from(*interval).unwrap_or(1)),
                            failed_held_for,
                        },
                    },
                )),
                Ok(_) => None,
                Err(error) => {
                    tracing::error!(website = id, %error, "Stored regions unreadable: the site's checks decide alone");
                    None
                }
            }
        })
        .collect()
}

/// The batch's live sites as read: their kept verdicts, and the ones that vote.
#[derive(Debug)]
pub(crate) struct LiveSites {
    pub(crate) verdicts: HashMap<i64, Option<i16>>,
    pub(crate) live: std::collections::HashSet<i64>,
    pub(crate) ids: Vec<i64>,
    pub(crate) voting: HashMap<i64, VotingSite>,
}

impl LiveSites {
    pub(crate) fn of(rows: &[LiveSiteRow], failed_held_for: Duration) -> Self {
        let verdicts: HashMap<i64, Option<i16>> = rows.iter().map(|s| (s.0, s.1)).collect();
        let live: std::collections::HashSet<i64> = verdicts.keys().copied().collect();
        let ids = live.iter().copied().collect();
        Self { verdicts, live, ids, voting: voting_sites(rows, failed_held_for) }
    }
}

/// A region's stored verdict on a site.
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = region_verdicts)]
pub(crate) struct RegionVerdictRow {
    pub(crate) website_id: i64,
    pub(crate) region: String,
    pub(crate) verdict: i16,
    pub(crate) checked_at: PrimitiveDateTime,
}

/// The stored verdicts of `sites`.
#[diesel::dsl::auto_type(no_type_alias)]
pub(crate) fn region_verdicts_query<'a>(sites: &'a [i64]) -> _ {
    region_verdicts::table.filter(region_verdicts::website_id.eq_any(sites)).select((
        region_verdicts::website_id,
        region_verdicts::region,
        region_verdicts::verdict,
        region_verdicts::checked_at,
    ))
}

/// A check as the site's state sees it, and the regions that saw the site down (when a vote
/// decided it).
#[derive(Debug, Clone)]
pub(crate) struct Decision<'a> {
    pub(crate) check: Cow<'a, MonitorCheck>,
    pub(crate) regions_down: Vec<RegionName>,
}

impl<'a> Decision<'a> {
    /// A check that decides for its site by itself.
    pub(crate) fn alone(check: &'a MonitorCheck) -> Self {
        Self { check: Cow::Borrowed(check), regions_down: Vec::new() }
    }
}

/// Every check deciding for its site by itself (no site of the batch chose regions).
pub(crate) fn each_alone(checks: &[MonitorCheck]) -> Vec<Option<Decision<'_>>> {
    checks.iter().map(|check| Some(Decision::alone(check))).collect()
}

/// What voting a batch came to.
#[derive(Debug, Default)]
pub(crate) struct Voted<'a> {
    /// Per input check, in order: how it counts for its site, or `None` when it decides
    /// nothing (its region is not one the site chose, or no chosen region's verdict is fresh).
    pub(crate) decisions: Vec<Option<Decision<'a>>>,
    /// This region's latest verdict on each voting site it checked, to upsert.
    pub(crate) verdicts: Vec<RegionVerdictRow>,
}

/// Votes `checks` (made from `region`) in order, each against the verdicts stored and those
/// of the checks before it.
pub(crate) fn vote_batch<'a>(
    checks: &'a [MonitorCheck],
    sites: &HashMap<i64, VotingSite>,
    stored: Vec<RegionVerdictRow>,
    region: Option<&RegionName>,
) -> Voted<'a> {
    if sites.is_empty() {
        return Voted { decisions: each_alone(checks), verdicts: Vec::new() };
    }
    let mut seen: HashMap<i64, Vec<RegionVerdict>> = HashMap::new();
    for row in stored {
        let (Ok(name), Some(verdict)) =
            (RegionName::parse(&row.region), verdict_from_code(row.verdict))
        else {
            continue;
        };
        seen.entry(row.website_id).or_default().push(RegionVerdict {
            region: name,
            verdict,
            checked_at: from_column(row.checked_at),
        });
    }
    let mut voted = Voted::default();
    let mut latest: HashMap<i64, RegionVerdictRow> = HashMap::new();
    for check in checks {
        let site = check.website_id.get();
        let Some(voting) = sites.get(&site) else {
            voted.decisions.push(Some(Decision::alone(check)));
            continue;
        };
        let Some(region) = region.filter(|r| voting.regions.regions().contains(r)) else {
            voted.decisions.push(None);
            continue;
        };
        let verdict = Verdict::of(check);
        let verdicts = seen.entry(site).or_default();
        match verdicts.iter_mut().find(|v| &v.region == region) {
            Some(known) if known.checked_at > check.timestamp => {}
            Some(known) => (known.verdict, known.checked_at) = (verdict, check.timestamp),
            None => verdicts.push(RegionVerdict {
                region: region.clone(),
                verdict,
                checked_at: check.timestamp,
            }),
        }
        if latest.get(&site).is_none_or(|row| row.checked_at <= to_column(check.timestamp)) {
            latest.insert(
                site,
                RegionVerdictRow {
                    website_id: site,
                    region: region.as_str().to_owned(),
                    verdict: verdict_code(verdict),
                    checked_at: to_column(check.timestamp),
                },
            );
        }
        let decision =
            voting.regions.vote(verdicts, voting.freshness, check.timestamp).map(|vote| {
                let mut seen = check.clone();
                seen.is_available = vote.verdict != Verdict::Failed;
                seen.degraded = vote.verdict == Verdict::Degraded;
                Decision { check: Cow::Owned(seen), regions_down: vote.down }
            });
        voted.decisions.push(decision);
    }
    let mut rows: Vec<RegionVerdictRow> = latest.into_values().collect();
    rows.sort_unstable_by_key(|row| row.website_id);
    voted.verdicts = rows;
    voted
}

/// Upserts this region's latest verdicts (SQLite).
pub(crate) fn write_region_verdicts_sqlite(
    conn: &mut diesel::SqliteConnection,
    rows: &[RegionVerdictRow],
) -> QueryResult<()> {
    use diesel::query_dsl::methods::FilterDsl;
    for row in rows {
        diesel::insert_into(region_verdicts::table)
            .values(row.clone())
            .on_conflict((region_verdicts::website_id, region_verdicts::region))
            .do_update()
            .set((
                region_verdicts::verdict.eq(row.verdict),
                region_verdicts::checked_at.eq(row.checked_at),
            ))
            // A check older than the stored verdict leaves it (as on PostgreSQL).
            .filter(region_verdicts::checked_at.le(row.checked_at))
            .execute(conn)?;
    }
    Ok(())
}

/// Upserts this region's latest verdicts (PostgreSQL, one statement).
pub(crate) async fn write_region_verdicts_pg(
    conn: &mut diesel_async::AsyncPgConnection,
    rows: &[RegionVerdictRow],
) -> QueryResult<()> {
    use diesel::sql_types::{Array, BigInt, SmallInt, Text, Timestamp};
    if rows.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.website_id).collect();
    let regions: Vec<&str> = rows.iter().map(|r| r.region.as_str()).collect();
    let verdicts: Vec<i16> = rows.iter().map(|r| r.verdict).collect();
    let at: Vec<PrimitiveDateTime> = rows.iter().map(|r| r.checked_at).collect();
    diesel_async::RunQueryDsl::execute(
        diesel::sql_query(
            "INSERT INTO region_verdicts (website_id, region, verdict, checked_at) \
             SELECT * FROM unnest($1, $2, $3, $4) \
             ON CONFLICT (website_id, region) DO UPDATE \
                 SET verdict = excluded.verdict, checked_at = excluded.checked_at \
                 WHERE region_verdicts.checked_at <= excluded.checked_at",
        )
        .bind::<Array<BigInt>, _>(ids)
        .bind::<Array<Text>, _>(regions)
        .bind::<Array<SmallInt>, _>(verdicts)
        .bind::<Array<Timestamp>, _>(at),
        conn,
    )
    .await?;
    Ok(())
}

/// Locks the rows of the batch's sites that chose regions (in id order, so that writers never
/// wait on each other in a cycle), so that two regions' batches for one site vote one after the
/// other. Taken before the sites are read, so that what the batch reads of them (the kept
/// verdict, the choice) is what the previous batch committed.
pub(crate) async fn lock_voting_sites_pg(
    conn: &mut diesel_async::AsyncPgConnection,
    sites: &[i64],
) -> QueryResult<()> {
    use diesel::sql_types::{Array, BigInt};
    let mut ids = sites.to_vec();
    ids.sort_unstable();
    diesel_async::RunQueryDsl::execute(
        diesel::sql_query(
            "SELECT id FROM websites WHERE id = ANY($1) AND regions IS NOT NULL \
             ORDER BY id FOR NO KEY UPDATE",
        )
        .bind::<Array<BigInt>, _>(ids),
        conn,
    )
    .await?;
    Ok(())
}

impl crate::Store {
    /// Each region's latest verdict on `id` (rows a newer version wrote in a form this one
    /// cannot read are skipped).
    pub(crate) async fn read_region_verdicts(
        &self,
        id: lookout_domain::WebsiteId,
    ) -> Result<Vec<RegionVerdict>, lookout_domain::history::HistoryError> {
        let rows: Vec<RegionVerdictRow> = crate::store::with_connection!(self, read, |conn| {
            diesel_async::RunQueryDsl::load(region_verdicts_query(&[id.get()]), &mut conn)
                .await
                .map_err(crate::StoreError::from)?
        });
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                Some(RegionVerdict {
                    region: RegionName::parse(&row.region).ok()?,
                    verdict: verdict_from_code(row.verdict)?,
                    checked_at: from_column(row.checked_at),
                })
            })
            .collect())
    }
}

#[cfg(test)]
#[path = "region_vote_tests.rs"]
mod tests;
