//! Listing sites by state: the state rank every listing sorts, filters and counts by, and the
//! `DashboardReader` port (a page of sites, per-bucket sums, many sites' windows).
//!
//! `STATE_RANK` is `Verdict::listed_state` written in SQL (so the database can filter, sort and
//! count by it): paused when disabled; down while a window is open or the latest check failed;
//! degraded; unknown before the first check; up.

use std::collections::HashMap;

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Integer};
use diesel_async::RunQueryDsl;
use lookout_domain::dashboard::{
    Bucket, DashboardReader, ListedSite, OVERVIEW_PAGE_SIZE, OverviewQuery, OverviewSort, SitePage,
    StateFilter,
};
use lookout_domain::history::{Grain, HistoryError, StoredCheck};
use lookout_domain::{DowntimeWindow, SiteState, WebsiteId};
use time::OffsetDateTime;

use crate::history::{CheckRow, SiteWindowRow, windows_by_site};
use crate::rows::WebsiteRow;
use crate::schema::{downtime_windows, monitor_checks, websites};
use crate::store::with_connection;
use crate::time_conv::to_column;
use crate::{Store, StoreError};

pub(crate) const STATE_RANK: &str = "(CASE \
     WHEN NOT websites.enabled THEN 4 \
     WHEN websites.verdict = 2 OR EXISTS (SELECT 1 FROM downtime_windows open_window \
          WHERE open_window.website_id = websites.id AND open_window.end_time IS NULL) THEN 0 \
     WHEN websites.verdict = 1 THEN 1 \
     WHEN websites.verdict IS NULL THEN 2 \
     ELSE 3 END)";

/// The state a rank stands for.
pub(crate) fn state_of_rank(rank: i32) -> SiteState {
    match rank {
        0 => SiteState::Down,
        1 => SiteState::Degraded,
        2 => SiteState::Unknown,
        3 => SiteState::Up,
        _ => SiteState::Paused,
    }
}

fn rank_of(filter: StateFilter) -> i32 {
    match filter {
        StateFilter::Down => 0,
        StateFilter::Degraded => 1,
        StateFilter::Unknown => 2,
        StateFilter::Up => 3,
        StateFilter::Paused => 4,
    }
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// `LIKE` pattern finding `text` anywhere (its own `%`, `_` and `\` taken literally).
fn contains_pattern(text: &str) -> String {
    let escaped: String = text
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            other => vec![other],
        })
        .collect();
    format!("%{escaped}%")
}

/// The sites `query` selects, boxed for either backend (inside `with_connection!`).
macro_rules! matching {
    ($query:expr) => {{
        let mut selected = websites::table.into_boxed();
        if let Some(search) = &$query.search {
            let pattern = contains_pattern(search.as_str());
            selected = selected.filter(
                lower(websites::name)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(lower(websites::url).like(pattern).escape('\\')),
            );
        }
        if let Some(state) = $query.state {
            selected = selected.filter(sql::<Bool>(&format!("{STATE_RANK} = {}", rank_of(state))));
        }
        selected
    }};
}

impl DashboardReader for Store {
    async fn site_page(&self, query: &OverviewQuery) -> Result<SitePage, HistoryError> {
        let offset = i64::try_from(query.page.offset()).unwrap_or(i64::MAX);
        let limit = OVERVIEW_PAGE_SIZE as i64;
        let (total, rows): (i64, Vec<(WebsiteRow, i32)>) = with_connection!(self, read, |conn| {
            let total: i64 =
                matching!(query).count().get_result(&mut conn).await.map_err(StoreError::from)?;
            let rank = sql::<Integer>(STATE_RANK);
            let ordered = match query.sort {
                OverviewSort::State => matching!(query).order((
                    rank.clone().asc(),
                    lower(websites::name).asc(),
                    websites::id.asc(),
                )),
                OverviewSort::Name => {
                    matching!(query).order((lower(websites::name).asc(), websites::id.asc()))
                }
                OverviewSort::Created => {
                    matching!(query).order((websites::created_at.desc(), websites::id.desc()))
                }
            };
            let rows = ordered
                .offset(offset)
                .limit(limit)
                .select((WebsiteRow::as_select(), rank))
                .load(&mut conn)
                .await
                .map_err(StoreError::from)?;
            (total, rows)
        });
        let sites = self.listed(rows).await?;
        Ok(SitePage { total: u64::try_from(total).unwrap_or(0), sites })
    }

    async fn listed_sites(&self, ids: &[WebsiteId]) -> Result<Vec<ListedSite>, HistoryError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let wanted: Vec<i64> = ids.iter().map(|id| id.get()).collect();
        let rows: Vec<(WebsiteRow, i32)> = with_connection!(self, read, |conn| {
            websites::table
                .filter(websites::id.eq_any(&wanted))
                .select((WebsiteRow::as_select(), sql::<Integer>(STATE_RANK)))
                .load(&mut conn)
                .await
                .map_err(StoreError::from)?
        });
        Ok(self.listed(rows).await?)
    }

    async fn series(
        &self,
        ids: &[WebsiteId],
        from: OffsetDateTime,
        to: OffsetDateTime,
        grain: Grain,
    ) -> Result<HashMap<WebsiteId, Vec<Bucket>>, HistoryError> {
        Ok(self.bucket_sums(ids, from, to, grain).await?)
    }

    async fn windows_of(
        &self,
        ids: &[WebsiteId],
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<HashMap<WebsiteId, Vec<DowntimeWindow>>, HistoryError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let sites: Vec<i64> = ids.iter().map(|id| id.get()).collect();
        let rows: Vec<SiteWindowRow> = with_connection!(self, read, |conn| {
            downtime_windows::table
                .filter(downtime_windows::website_id.eq_any(&sites))
                .filter(downtime_windows::start_time.lt(to_column(to)))
                .filter(
                    downtime_windows::end_time
                        .is_null()
                        .or(downtime_windows::end_time.gt(to_column(from))),
                )
                .order((downtime_windows::website_id, downtime_windows::start_time))
                .select(SiteWindowRow::as_select())
                .load(&mut conn)
                .await
                .map_err(StoreError::from)?
        });
        Ok(windows_by_site(rows)
            .into_iter()
            .filter_map(|(site, windows)| Some((WebsiteId::new(site).ok()?, windows)))
            .collect())
    }
}

impl Store {
    /// Sites from rows with their ranks, each with its latest check, in the rows' order.
    async fn listed(&self, rows: Vec<(WebsiteRow, i32)>) -> Result<Vec<ListedSite>, StoreError> {
        let ranks: HashMap<i64, i32> = rows.iter().map(|(row, rank)| (row.id, *rank)).collect();
        let websites = self.with_policies(rows.into_iter().map(|(row, _)| row).collect()).await?;
        let ids: Vec<WebsiteId> = websites.iter().map(|w| w.id).collect();
        let mut latest = self.latest_checks(&ids).await?;
        Ok(websites
            .into_iter()
            .map(|website| ListedSite {
                state: state_of_rank(ranks.get(&website.id.get()).copied().unwrap_or(4)),
                last_check: latest.remove(&website.id),
                website,
            })
            .collect())
    }

    /// The newest check of each of `ids` (one indexed lookup each).
    async fn latest_checks(
        &self,
        ids: &[WebsiteId],
    ) -> Result<HashMap<WebsiteId, StoredCheck>, StoreError> {
        let mut latest = HashMap::new();
        if ids.is_empty() {
            return Ok(latest);
        }
        with_connection!(self, read, |conn| {
            for id in ids {
                let row: Option<CheckRow> = monitor_checks::table
                    .filter(monitor_checks::website_id.eq(id.get()))
                    .order((monitor_checks::timestamp.desc(), monitor_checks::id.desc()))
                    .select(CheckRow::as_select())
                    .first(&mut conn)
                    .await
                    .optional()?;
                if let Some(row) = row {
                    latest.insert(*id, row.into_domain(*id));
                }
            }
        });
        Ok(latest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_pattern_takes_wildcards_literally() {
        assert_eq!(contains_pattern("shop"), "%shop%");
        assert_eq!(contains_pattern("100%_off\\"), "%100\\%\\_off\\\\%");
    }

    #[test]
    fn every_filter_has_the_rank_of_its_state() {
        for filter in StateFilter::ALL {
            assert_eq!(state_of_rank(rank_of(filter)), filter.state());
        }
    }
}
