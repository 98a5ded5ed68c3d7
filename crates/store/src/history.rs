//! `CheckHistory` on the store: checks (keyset pages, newest first) and downtime windows.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use lookout_domain::history::{
    CheckCursor, CheckHistory, CheckPage, HistoryError, PageLimit, StatsInput, StatsSources,
    StoredCheck, TimeRange,
};
use std::collections::HashMap;

use lookout_domain::regions::RegionName;
use lookout_domain::{DowntimeWindow, MonitorCheck, Website, WebsiteId};
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::check_sums::Sums;
use crate::phase_columns::from_columns;
use crate::rows::WebsiteRow;
use crate::schema::{downtime_windows, monitor_checks, websites};
use crate::store::with_connection;
use crate::time_conv::{from_column, to_column};
use crate::{Store, StoreError};

/// `query` (boxed, over `downtime_windows`) narrowed to windows overlapping `range`.
macro_rules! overlapping {
    ($query:expr, $range:expr) => {{
        let mut query = $query;
        if let Some(to) = $range.to() {
            query = query.filter(downtime_windows::start_time.lt(to_column(to)));
        }
        if let Some(from) = $range.from() {
            query = query.filter(
                downtime_windows::end_time
                    .is_null()
                    .or(downtime_windows::end_time.gt(to_column(from))),
            );
        }
        query
    }};
}

/// `query` (boxed, over `monitor_checks`) narrowed to checks made within `range`.
macro_rules! in_range {
    ($query:expr, $range:expr) => {{
        let mut query = $query;
        if let Some(from) = $range.from() {
            query = query.filter(monitor_checks::timestamp.ge(to_column(from)));
        }
        if let Some(to) = $range.to() {
            query = query.filter(monitor_checks::timestamp.lt(to_column(to)));
        }
        query
    }};
}

/// Whether website `id` exists (`Some(())`), on a pooled connection of either backend.
macro_rules! site_exists {
    ($conn:ident, $id:expr) => {
        websites::table
            .find($id.get())
            .select(websites::id)
            .first::<i64>(&mut $conn)
            .await
            .optional()
            .map_err(StoreError::from)?
            .map(|_| ())
    };
}

/// Most windows returned for one range.
const MAX_WINDOWS: i64 = 10_000;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = monitor_checks)]
pub(crate) struct CheckRow {
    id: i64,
    website_id: i64,
    timestamp: PrimitiveDateTime,
    status_code: Option<i32>,
    response_time: f64,
    is_available: bool,
    error_message: Option<String>,
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

impl CheckRow {
    pub(crate) fn into_domain(self, website: WebsiteId) -> StoredCheck {
        debug_assert_eq!(self.website_id, website.get());
        StoredCheck {
            id: self.id,
            region: self.region.and_then(|r| RegionName::parse(&r).ok()),
            check: MonitorCheck {
                website_id: website,
                timestamp: from_column(self.timestamp),
                status_code: self.status_code.and_then(|s| u16::try_from(s).ok()),
                response_time: self.response_time,
                is_available: self.is_available,
                error_message: self.error_message,
                in_maintenance: self.in_maintenance,
                degraded: self.degraded,
                failed_assertion: self.failed_assertion,
                phases: from_columns([
                    self.dns_us,
                    self.connect_us,
                    self.tls_us,
                    self.ttfb_us,
                    self.transfer_us,
                ]),
                certificate: None,
            },
        }
    }
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = downtime_windows)]
struct WindowRow {
    id: i64,
    start_time: PrimitiveDateTime,
    end_time: Option<PrimitiveDateTime>,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = downtime_windows)]
pub(crate) struct SiteWindowRow {
    id: i64,
    website_id: i64,
    start_time: PrimitiveDateTime,
    end_time: Option<PrimitiveDateTime>,
}

/// Windows grouped by website.
pub(crate) fn windows_by_site(rows: Vec<SiteWindowRow>) -> HashMap<i64, Vec<DowntimeWindow>> {
    let mut by_site: HashMap<i64, Vec<DowntimeWindow>> = HashMap::new();
    for row in rows {
        let Ok(website_id) = WebsiteId::new(row.website_id) else { continue };
        by_site.entry(row.website_id).or_default().push(DowntimeWindow {
            id: row.id,
            website_id,
            start_time: from_column(row.start_time),
            end_time: row.end_time.map(from_column),
        });
    }
    by_site
}

/// Each site with its stats input: its checks from `sums`, its windows from `windows`.
fn stats_inputs(
    sites: Vec<WebsiteRow>,
    mut sums: Sums,
    windows: Vec<SiteWindowRow>,
) -> Result<Vec<(Website, StatsInput)>, HistoryError> {
    let mut windows = windows_by_site(windows);
    sites
        .into_iter()
        .map(|row| {
            let checks = sums.remove(&row.id).unwrap_or_default();
            let windows = windows.remove(&row.id).unwrap_or_default();
            let website = Website::try_from(row)?;
            let created_at = website.created_at;
            Ok((website, StatsInput { created_at, checks, windows, maintenance: Vec::new() }))
        })
        .collect()
}

impl Store {
    /// The checks of `sites` in `range` (every region's, or `region`'s), summed per site.
    async fn sums_of(
        &self,
        sites: &[WebsiteRow],
        range: TimeRange,
        region: Option<&RegionName>,
    ) -> Result<Sums, StoreError> {
        let ids: Vec<i64> = sites.iter().map(|site| site.id).collect();
        let oldest = sites.iter().map(|site| from_column(site.created_at)).min();
        let sources = self.sources(range, oldest.unwrap_or(OffsetDateTime::UNIX_EPOCH)).await?;
        self.sums(&ids, &sources, region).await
    }

    /// Where the checks of `range` come from, given how far roll-ups have got. An open end
    /// means from `oldest` (the earliest site creation that matters) or up to now.
    async fn sources(
        &self,
        range: TimeRange,
        oldest: OffsetDateTime,
    ) -> Result<StatsSources, StoreError> {
        let marks = self.rollup_marks_now().await?;
        let from = range.from().unwrap_or(oldest);
        let to = range.to().unwrap_or_else(OffsetDateTime::now_utc);
        Ok(StatsSources::plan(from.min(to), to, marks))
    }
}

impl CheckHistory for Store {
    async fn certificate(
        &self,
        id: WebsiteId,
    ) -> Result<Option<lookout_domain::checks::SiteCertificate>, HistoryError> {
        self.read_certificate(id).await
    }

    async fn region_verdicts(
        &self,
        id: WebsiteId,
    ) -> Result<Vec<lookout_domain::regions::RegionVerdict>, HistoryError> {
        self.read_region_verdicts(id).await
    }

    async fn sla_input(
        &self,
        range: TimeRange,
        region: Option<RegionName>,
    ) -> Result<Vec<(Website, StatsInput)>, HistoryError> {
        let (sites, windows): (Vec<WebsiteRow>, Vec<SiteWindowRow>) =
            with_connection!(self, read, |conn| {
                let sites = websites::table
                    .order(websites::id)
                    .select(WebsiteRow::as_select())
                    .load(&mut conn)
                    .await
                    .map_err(StoreError::from)?;
                let windows = overlapping!(downtime_windows::table.into_boxed(), range)
                    .order((downtime_windows::website_id, downtime_windows::start_time))
                    .select(SiteWindowRow::as_select())
                    .load(&mut conn)
                    .await
                    .map_err(StoreError::from)?;
                (sites, windows)
            });
        let sums = match &region {
            // The quorum's report reads no check.
            None => Sums::new(),
            Some(region) => self.sums_of(&sites, range, Some(region)).await?,
        };
        stats_inputs(sites, sums, windows)
    }

    async fn stats_input(
        &self,
        id: WebsiteId,
        range: TimeRange,
        region: Option<RegionName>,
    ) -> Result<StatsInput, HistoryError> {
        let created: Option<PrimitiveDateTime> = with_connection!(self, read, |conn| {
            websites::table
                .find(id.get())
                .select(websites::created_at)
                .first::<PrimitiveDateTime>(&mut conn)
                .await
                .optional()
                .map_err(StoreError::from)?
        });
        let created_at = from_column(created.ok_or(HistoryError::NotFound(id))?);
        let windows = self.list_downtimes(id, range).await?;
        let sources = self.sources(range, created_at).await?;
        let mut sums = self.sums(&[id.get()], &sources, region.as_ref()).await?;
        let checks = sums.remove(&id.get()).unwrap_or_default();
        Ok(StatsInput { created_at, checks, windows, maintenance: Vec::new() })
    }

    async fn stats_inputs(
        &self,
        range: TimeRange,
        after: Option<WebsiteId>,
        limit: PageLimit,
        region: Option<RegionName>,
    ) -> Result<Vec<(Website, StatsInput)>, HistoryError> {
        let after = after.map_or(0, WebsiteId::get);
        let limit = i64::try_from(limit.get()).unwrap_or(i64::MAX);
        let (sites, windows): (Vec<WebsiteRow>, Vec<SiteWindowRow>) =
            with_connection!(self, read, |conn| {
                let sites = websites::table
                    .filter(websites::id.gt(after))
                    .order(websites::id)
                    .limit(limit)
                    .select(WebsiteRow::as_select())
                    .load(&mut conn)
                    .await
                    .map_err(StoreError::from)?;
                let ids: Vec<i64> = sites.iter().map(|site| site.id).collect();
                let windows = overlapping!(downtime_windows::table.into_boxed(), range)
                    .filter(downtime_windows::website_id.eq_any(ids))
                    .order((downtime_windows::website_id, downtime_windows::start_time))
                    .select(SiteWindowRow::as_select())
                    .load(&mut conn)
                    .await
                    .map_err(StoreError::from)?;
                (sites, windows)
            });
        let sums = self.sums_of(&sites, range, region.as_ref()).await?;
        stats_inputs(sites, sums, windows)
    }

    async fn list_checks(
        &self,
        id: WebsiteId,
        range: TimeRange,
        limit: PageLimit,
        cursor: Option<CheckCursor>,
        region: Option<RegionName>,
    ) -> Result<CheckPage, HistoryError> {
        let fetch = i64::try_from(limit.get() + 1).unwrap_or(i64::MAX);
        let rows: Option<Vec<CheckRow>> = with_connection!(self, read, |conn| {
            let exists = site_exists!(conn, id);
            match exists {
                None => None,
                Some(_) => {
                    let mut query = in_range!(
                        monitor_checks::table
                            .filter(monitor_checks::website_id.eq(id.get()))
                            .into_boxed(),
                        range
                    );
                    if let Some(region) = &region {
                        query = query.filter(monitor_checks::region.eq(region.as_str().to_owned()));
                    }
                    if let Some(cursor) = cursor {
                        let at = to_column(cursor.timestamp);
                        query = query.filter(monitor_checks::timestamp.lt(at).or(
                            monitor_checks::timestamp.eq(at).and(monitor_checks::id.lt(cursor.id)),
                        ));
                    }
                    Some(
                        query
                            .order((monitor_checks::timestamp.desc(), monitor_checks::id.desc()))
                            .limit(fetch)
                            .select(CheckRow::as_select())
                            .load(&mut conn)
                            .await
                            .map_err(StoreError::from)?,
                    )
                }
            }
        });
        let mut rows = rows.ok_or(HistoryError::NotFound(id))?;
        let more = rows.len() > limit.get();
        rows.truncate(limit.get());
        let checks: Vec<StoredCheck> = rows.into_iter().map(|row| row.into_domain(id)).collect();
        let next = if more {
            checks.last().map(|last| CheckCursor { timestamp: last.check.timestamp, id: last.id })
        } else {
            None
        };
        Ok(CheckPage { checks, next })
    }

    async fn list_downtimes(
        &self,
        id: WebsiteId,
        range: TimeRange,
    ) -> Result<Vec<DowntimeWindow>, HistoryError> {
        let rows: Option<Vec<WindowRow>> = with_connection!(self, read, |conn| {
            let exists = site_exists!(conn, id);
            match exists {
                None => None,
                Some(_) => {
                    let query = downtime_windows::table
                        .filter(downtime_windows::website_id.eq(id.get()))
                        .into_boxed();
                    Some(
                        overlapping!(query, range)
                            .order((downtime_windows::start_time.asc(), downtime_windows::id.asc()))
                            .limit(MAX_WINDOWS)
                            .select(WindowRow::as_select())
                            .load(&mut conn)
                            .await
                            .map_err(StoreError::from)?,
                    )
                }
            }
        });
        let rows = rows.ok_or(HistoryError::NotFound(id))?;
        Ok(rows
            .into_iter()
            .map(|row| DowntimeWindow {
                id: row.id,
                website_id: id,
                start_time: from_column(row.start_time),
                end_time: row.end_time.map(from_column),
            })
            .collect())
    }
}
