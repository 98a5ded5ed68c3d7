//! Statistics per region (issue 15): checks from two regions (and from a node with no region)
//! sum up the same from raw checks and from hourly and daily roll-ups — per region, and over
//! every region for the default view and the dashboard's buckets.

use lookout_domain::dashboard::DashboardReader;
use lookout_domain::history::{CheckAggregate, CheckHistory, Grain, RollupStore, TimeRange};
use lookout_domain::regions::RegionName;
use lookout_domain::{CheckRecorder, MonitorCheck};
use lookout_store::CheckWriterOptions;
use time::{Duration, OffsetDateTime};

use crate::checks::check;
use crate::*;

/// Records `checks` (seconds after T0, available, in maintenance) as a node of `region`.
async fn record(
    store: &Store,
    site: WebsiteId,
    region: Option<&str>,
    checks: &[(i64, bool, bool)],
) {
    let region = region.map(|r| RegionName::parse(r).unwrap());
    let (recorder, writer) =
        store.spawn_check_writer(CheckWriterOptions { region, ..Default::default() });
    for &(secs, ok, in_maintenance) in checks {
        let check = MonitorCheck { in_maintenance, ..check(site, secs, ok) };
        recorder.record_check(check).await.unwrap();
    }
    drop(recorder);
    writer.await.unwrap();
}

/// The regions asked about: every region, two that checked, one that never did.
fn views() -> Vec<Option<RegionName>> {
    [None, Some("eu"), Some("us"), Some("ap")]
        .into_iter()
        .map(|r| r.map(|r| RegionName::parse(r).unwrap()))
        .collect()
}

/// Each view's sums over each range, read through every port that hands stats inputs out.
async fn sums(store: &Store, site: WebsiteId, ranges: &[TimeRange]) -> Vec<CheckAggregate> {
    let mut all = Vec::new();
    for range in ranges {
        for region in views() {
            let one = store.stats_input(site, *range, region.clone()).await.unwrap().checks;
            let page =
                store.stats_inputs(*range, None, Default::default(), region.clone()).await.unwrap();
            assert_eq!(page[0].1.checks, one, "the listing agrees ({region:?})");
            let sla = store.sla_input(*range, region.clone()).await.unwrap();
            match region {
                Some(_) => assert_eq!(sla[0].1.checks, one, "the SLA input agrees"),
                None => assert_eq!(sla[0].1.checks.count, 0, "the quorum's SLA reads no check"),
            }
            all.push(one);
        }
    }
    all
}

on_both_backends!(region_statistics_are_the_same_from_raw_checks_and_roll_ups, |store, db| {
    let site = store.create_website(&new_site("https://a.example", true), T0).await.unwrap().id;
    // eu: 5 checks, one failed outside maintenance and one failed inside; us: 2; none: 1.
    let eu = [
        (0, true, false),
        (60, true, false),
        (120, false, false),
        (3600, false, true),
        (3660, true, false),
    ];
    record(&store, site, Some("eu"), &eu).await;
    record(&store, site, Some("us"), &[(30, false, false), (3630, true, false)]).await;
    record(&store, site, None, &[(90, true, false)]).await;

    let hour0 = Grain::Hour.floor(T0);
    let day0 = Grain::Day.floor(T0);
    let hours = TimeRange::new(Some(hour0), Some(hour0 + Duration::hours(3))).unwrap();
    let day = TimeRange::new(Some(day0), Some(day0 + Duration::days(1))).unwrap();
    let raw = sums(&store, site, &[hours, day]).await;
    let counts: Vec<(u64, u64, u64, u64)> = raw[..4]
        .iter()
        .map(|s| (s.count, s.available, s.maintenance, s.maintenance_available))
        .collect();
    assert_eq!(counts, [(8, 5, 1, 0), (5, 3, 1, 0), (2, 1, 0, 0), (0, 0, 0, 0)]);
    assert_eq!(
        raw[1].availability_percent(),
        Some(75.0),
        "eu: 3 of its 4 checks outside maintenance"
    );
    assert_eq!(raw[2].availability_percent(), Some(50.0));
    assert_eq!(raw[3].availability_percent(), None, "a region that never checked: no figure");
    let series = |store: &Store| {
        let store = store.clone();
        async move {
            let buckets = store
                .series(&[site], hour0, hour0 + Duration::hours(3), Grain::Hour)
                .await
                .unwrap();
            buckets[&site]
                .iter()
                .map(|b| (b.start, b.sums.count, b.sums.available))
                .collect::<Vec<_>>()
        }
    };
    let raw_series = series(&store).await;
    assert_eq!(
        raw_series.iter().map(|b| b.1).collect::<Vec<_>>(),
        [5, 3],
        "every region, per hour"
    );

    // Roll up the day's hours, then the day: one row per region and bucket.
    for hour in 0..24 {
        store.roll_up(Grain::Hour, day0 + Duration::hours(hour), None, 100).await.unwrap();
    }
    store.set_rolled_through(Grain::Hour, day0 + Duration::days(1)).await.unwrap();
    store.roll_up(Grain::Day, day0, None, 100).await.unwrap();
    store.set_rolled_through(Grain::Day, day0 + Duration::days(1)).await.unwrap();
    let rows = |grain: i64, at: OffsetDateTime| {
        let at = at
            .format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute]:[second]"
            ))
            .unwrap();
        format!(
            "SELECT COUNT(*) AS n FROM check_rollups WHERE website_id = {site} AND grain = {grain} \
             AND bucket_start = '{at}'",
            site = site.get()
        )
    };
    assert_eq!(count(&db, &rows(3600, hour0)).await, 3, "eu, us and no region");
    assert_eq!(count(&db, &rows(3600, hour0 + Duration::hours(1))).await, 2);
    assert_eq!(count(&db, &rows(86_400, day0)).await, 3);
    let none = "SELECT COUNT(*) AS n FROM check_rollups WHERE region = '' AND check_count <> 1";
    assert_eq!(count(&db, none).await, 0, "the one check from no region is ''");

    assert_eq!(
        sums(&store, site, &[hours, day]).await,
        raw,
        "roll-ups answer the same, per region"
    );
    assert_eq!(series(&store).await, raw_series, "the dashboard sums the regions' rows");
});
