//! The overview against mocked ports: counts passed through, each row's 24 h uptime from its
//! windows and its sparkline from hourly sums, an hour without answers left empty.

use std::collections::HashMap;
use std::future::ready;

use futures::executor::block_on;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use super::*;
use crate::dashboard::{Bucket, ListedSite, SitePage};
use crate::history::{CheckAggregate, CheckSample, Grain};
use crate::website::{
    CheckInterval, IntervalBounds, MockSchedule, SiteCounts, Website, WebsiteName, WebsiteService,
    WebsiteUrl,
};
use crate::{DowntimeWindow, MockClock, SiteState, WebsiteId};

use crate::mock_store::MockStore;

const NOW: OffsetDateTime = datetime!(2026-12-06 12:30 UTC);

fn website(id: i64) -> Website {
    Website {
        id: WebsiteId::new(id).unwrap(),
        url: WebsiteUrl::parse(&format!("https://{id}.example")).unwrap(),
        name: WebsiteName::parse("Site").unwrap(),
        enabled: true,
        check_interval: CheckInterval::new(60, IntervalBounds::default()).unwrap(),
        alerts: None,
        check: crate::checks::CheckSpec::default(),
        public: false,
        regions: Default::default(),
        managed: None,
        created_at: datetime!(2026-11-01 00:00 UTC),
        updated_at: datetime!(2026-11-01 00:00 UTC),
    }
}

fn answered(seconds: f64) -> CheckAggregate {
    let mut sums = CheckAggregate::default();
    sums.add(&CheckSample {
        timestamp: NOW,
        response_time: Some(seconds),
        is_available: true,
        degraded: false,
        in_maintenance: false,
    });
    sums
}

#[test]
fn overview_rows_carry_uptime_from_windows_and_an_hourly_sparkline() {
    let (down, up) = (WebsiteId::new(1).unwrap(), WebsiteId::new(2).unwrap());
    let mut store = MockStore::new();
    let counts = SiteCounts { enabled: 2, down: 1, up: 1, ..SiteCounts::default() };
    store.expect_site_counts().returning(move || Box::pin(ready(Ok(counts))));
    store.expect_site_page().returning(|_| {
        Box::pin(ready(Ok(SitePage {
            total: 2,
            sites: vec![
                ListedSite { website: website(1), state: SiteState::Down, last_check: None },
                ListedSite { website: website(2), state: SiteState::Up, last_check: None },
            ],
        })))
    });
    let first_hour = datetime!(2026-12-05 13:00 UTC);
    store.expect_series().returning(move |ids, from, to, grain| {
        assert_eq!((ids.len(), from, to, grain), (2, first_hour, NOW, Grain::Hour));
        let buckets = vec![
            Bucket { start: first_hour, sums: answered(0.1) },
            Bucket { start: datetime!(2026-12-06 12:00 UTC), sums: answered(0.3) },
        ];
        Box::pin(ready(Ok(HashMap::from([(WebsiteId::new(2).unwrap(), buckets)]))))
    });
    store.expect_windows_of().returning(move |_, from, _| {
        assert_eq!(from, NOW - Duration::DAY);
        let window = DowntimeWindow {
            id: 1,
            website_id: down,
            start_time: NOW - Duration::hours(6),
            end_time: None,
        };
        Box::pin(ready(Ok(HashMap::from([(down, vec![window])]))))
    });
    store.expect_list_maintenance().returning(|| Box::pin(ready(Ok(Vec::new()))));
    let mut clock = MockClock::new();
    clock.expect_now().return_const(NOW);
    let service = WebsiteService::new(store, MockSchedule::new(), clock);

    let overview = block_on(service.overview(OverviewQuery::default())).unwrap();
    assert_eq!((overview.counts, overview.total), (counts, 2));
    let [first, second] = &overview.rows[..] else { panic!("two rows") };
    assert_eq!(first.uptime_24h, Some(75.0));
    assert_eq!(first.sparkline, vec![None; 24], "no answers");
    assert_eq!(second.website.id, up);
    assert_eq!(second.uptime_24h, Some(100.0));
    assert_eq!(second.sparkline.len(), 24);
    assert_eq!(second.sparkline[0], Some(0.1));
    assert!(second.sparkline[1..23].iter().all(Option::is_none));
    assert!((second.sparkline[23].unwrap() - 0.3).abs() < 1e-9);
}
