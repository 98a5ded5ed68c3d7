//! Summing up checks per site: from raw checks, from roll-up rows, or from whatever mix of the
//! two a statistics range needs (`StatsSources`). Roll-up rows are per site and region (''
//! for checks made by nodes with no region label): readers sum a site's regions, or read one.

use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use lookout_domain::WebsiteId;
use lookout_domain::dashboard::{Bucket, SeriesSources};
use lookout_domain::history::{
    CheckAggregate, CheckSample, Grain, ResponseTimeHistogram, RollupMarks, Span, StatsSources,
};
use lookout_domain::regions::RegionName;
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::schema::{check_rollups, monitor_checks, rollup_marks};
use crate::store::with_connection;
use crate::time_conv::{from_column, to_column};
use crate::{Store, StoreError};

/// Per-site sums.
pub(crate) type Sums = HashMap<i64, CheckAggregate>;

/// Per-site and region sums (one roll-up row each); the region is '' for none.
pub(crate) type RegionSums = HashMap<(i64, String), CheckAggregate>;

/// One check of a site from a region ('' for none).
type Sampled = (i64, String, CheckSample);

/// One roll-up row read back: site, region, bucket start, sums.
type RolledUp = (i64, String, OffsetDateTime, CheckAggregate);

/// One row of `check_rollups`.
#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = check_rollups)]
pub(crate) struct RollupRow {
    pub(crate) website_id: i64,
    grain: i32,
    bucket_start: PrimitiveDateTime,
    region: String,
    check_count: i64,
    available_count: i64,
    degraded_count: i64,
    responded_count: i64,
    response_sum_us: i64,
    response_min_us: i64,
    response_max_us: i64,
    response_histogram: String,
    maintenance_count: i64,
    maintenance_available_count: i64,
}

fn column(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

pub(crate) fn grain_column(grain: Grain) -> i32 {
    i32::try_from(grain.seconds()).unwrap_or(i32::MAX)
}

impl RollupRow {
    pub(crate) fn new(
        (website_id, region): (i64, String),
        grain: Grain,
        start: PrimitiveDateTime,
        sums: &CheckAggregate,
    ) -> Self {
        Self {
            website_id,
            grain: grain_column(grain),
            bucket_start: start,
            region,
            check_count: column(sums.count),
            available_count: column(sums.available),
            degraded_count: column(sums.degraded),
            responded_count: column(sums.responded),
            response_sum_us: column(sums.response_sum_us),
            response_min_us: column(sums.response_min_us),
            response_max_us: column(sums.response_max_us),
            response_histogram: sums.histogram.encode(),
            maintenance_count: column(sums.maintenance),
            maintenance_available_count: column(sums.maintenance_available),
        }
    }

    fn sums(&self) -> Result<CheckAggregate, StoreError> {
        let corrupt = |what: &str| {
            StoreError::CorruptRow(format!(
                "roll-up of website {} at {}: {what}",
                self.website_id, self.bucket_start
            ))
        };
        let count = |n: i64| u64::try_from(n).map_err(|_| corrupt("negative count"));
        Ok(CheckAggregate {
            count: count(self.check_count)?,
            available: count(self.available_count)?,
            degraded: count(self.degraded_count)?,
            responded: count(self.responded_count)?,
            response_sum_us: count(self.response_sum_us)?,
            response_min_us: count(self.response_min_us)?,
            response_max_us: count(self.response_max_us)?,
            histogram: ResponseTimeHistogram::decode(&self.response_histogram)
                .map_err(|e| corrupt(&e.to_string()))?,
            maintenance: count(self.maintenance_count)?,
            maintenance_available: count(self.maintenance_available_count)?,
        })
    }
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = monitor_checks)]
struct SampleRow {
    website_id: i64,
    timestamp: PrimitiveDateTime,
    status_code: Option<i32>,
    response_time: f64,
    is_available: bool,
    degraded: bool,
    in_maintenance: bool,
    region: Option<String>,
}

impl Store {
    pub(crate) async fn rollup_marks_now(&self) -> Result<RollupMarks, StoreError> {
        let rows: Vec<(i32, PrimitiveDateTime)> = with_connection!(self, read, |conn| {
            rollup_marks::table.load(&mut conn).await.map_err(StoreError::from)?
        });
        let mut marks = RollupMarks::default();
        for (grain, through) in rows {
            match Grain::from_seconds(i64::from(grain)) {
                Some(Grain::Hour) => marks.hourly_through = Some(from_column(through)),
                Some(Grain::Day) => marks.daily_through = Some(from_column(through)),
                None => return Err(StoreError::CorruptRow(format!("roll-up mark grain {grain}"))),
            }
        }
        Ok(marks)
    }

    /// The raw checks of `sites` made within `span` (from `region` only, when given), as
    /// samples.
    async fn raw_samples(
        &self,
        sites: &[i64],
        span: Span,
        region: Option<&RegionName>,
    ) -> Result<Vec<Sampled>, StoreError> {
        let rows: Vec<SampleRow> = with_connection!(self, read, |conn| {
            let mut query = monitor_checks::table
                .filter(monitor_checks::website_id.eq_any(sites))
                .filter(monitor_checks::timestamp.ge(to_column(span.start)))
                .filter(monitor_checks::timestamp.lt(to_column(span.end)))
                .into_boxed();
            if let Some(region) = region {
                query = query.filter(monitor_checks::region.eq(region.as_str()));
            }
            query.select(SampleRow::as_select()).load(&mut conn).await.map_err(StoreError::from)?
        });
        Ok(rows
            .into_iter()
            .map(|row| {
                let sample = CheckSample {
                    timestamp: from_column(row.timestamp),
                    response_time: row.status_code.map(|_| row.response_time),
                    is_available: row.is_available,
                    degraded: row.degraded,
                    in_maintenance: row.in_maintenance,
                };
                (row.website_id, row.region.unwrap_or_default(), sample)
            })
            .collect())
    }

    /// The roll-ups of `grain` of `sites` with buckets starting within `span` (of `region`
    /// only, when given; else every region's row).
    async fn rollups(
        &self,
        sites: &[i64],
        grain: Grain,
        span: Span,
        region: Option<&RegionName>,
    ) -> Result<Vec<RolledUp>, StoreError> {
        let rows: Vec<RollupRow> = with_connection!(self, read, |conn| {
            let mut query = check_rollups::table
                .filter(check_rollups::website_id.eq_any(sites))
                .filter(check_rollups::grain.eq(grain_column(grain)))
                .filter(check_rollups::bucket_start.ge(to_column(span.start)))
                .filter(check_rollups::bucket_start.lt(to_column(span.end)))
                .into_boxed();
            if let Some(region) = region {
                query = query.filter(check_rollups::region.eq(region.as_str()));
            }
            query.select(RollupRow::as_select()).load(&mut conn).await.map_err(StoreError::from)?
        });
        rows.into_iter()
            .map(|row| {
                let sums = row.sums()?;
                Ok((row.website_id, row.region, from_column(row.bucket_start), sums))
            })
            .collect()
    }

    /// The sums of one bucket of `grain` starting at `span.start` for the roll-up job, per site
    /// and region: hours from raw checks, days from the hours' rows.
    pub(crate) async fn region_sums(
        &self,
        sites: &[i64],
        grain: Grain,
        span: Span,
    ) -> Result<RegionSums, StoreError> {
        let mut sums = RegionSums::new();
        match grain {
            Grain::Hour => {
                for (site, region, sample) in self.raw_samples(sites, span, None).await? {
                    sums.entry((site, region)).or_default().add(&sample);
                }
            }
            Grain::Day => {
                for (site, region, _, rolled) in
                    self.rollups(sites, Grain::Hour, span, None).await?
                {
                    sums.entry((site, region)).or_default().merge(&rolled);
                }
            }
        }
        Ok(sums)
    }

    /// The checks of `ids` over `[from, to)` summed per `grain` bucket, oldest first, each part
    /// read from the source `SeriesSources` names.
    pub(crate) async fn bucket_sums(
        &self,
        ids: &[WebsiteId],
        from: OffsetDateTime,
        to: OffsetDateTime,
        grain: Grain,
    ) -> Result<HashMap<WebsiteId, Vec<Bucket>>, StoreError> {
        let mut buckets: HashMap<i64, BTreeMap<OffsetDateTime, CheckAggregate>> = HashMap::new();
        if ids.is_empty() || from >= to {
            return Ok(HashMap::new());
        }
        let sites: Vec<i64> = ids.iter().map(|id| id.get()).collect();
        let sources = SeriesSources::plan(from, to, grain, self.rollup_marks_now().await?);
        for span in &sources.raw {
            for (site, _, sample) in self.raw_samples(&sites, *span, None).await? {
                let start = grain.floor(sample.timestamp);
                buckets.entry(site).or_default().entry(start).or_default().add(&sample);
            }
        }
        let rolled = sources.hours.iter().map(|span| (Grain::Hour, *span));
        for (source, span) in rolled.chain(sources.days.map(|span| (Grain::Day, span))) {
            for (site, _, start, sums) in self.rollups(&sites, source, span, None).await? {
                let start = grain.floor(start);
                buckets.entry(site).or_default().entry(start).or_default().merge(&sums);
            }
        }
        Ok(buckets
            .into_iter()
            .filter_map(|(site, by_start)| {
                let series =
                    by_start.into_iter().map(|(start, sums)| Bucket { start, sums }).collect();
                Some((WebsiteId::new(site).ok()?, series))
            })
            .collect())
    }

    /// The checks of `sites` over a range (every region's, summed, or only `region`'s), each
    /// part read from the source the plan names.
    pub(crate) async fn sums(
        &self,
        sites: &[i64],
        sources: &StatsSources,
        region: Option<&RegionName>,
    ) -> Result<Sums, StoreError> {
        let mut sums = Sums::new();
        if sites.is_empty() {
            return Ok(sums);
        }
        for span in &sources.raw {
            for (site, _, sample) in self.raw_samples(sites, *span, region).await? {
                sums.entry(site).or_default().add(&sample);
            }
        }
        let rolled = sources.hours.iter().map(|span| (Grain::Hour, *span));
        for (grain, span) in rolled.chain(sources.days.map(|span| (Grain::Day, span))) {
            for (site, _, _, sums_of_row) in self.rollups(sites, grain, span, region).await? {
                sums.entry(site).or_default().merge(&sums_of_row);
            }
        }
        Ok(sums)
    }
}
