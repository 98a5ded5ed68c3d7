//! Statistics and the SLA report against a mocked store: the region asked for reaches the
//! store, and the uptime is worked out from the windows (quorum) or from the region's checks.

use std::future::ready;

use futures::executor::block_on;
use mockall::predicate::eq;
use time::macros::datetime;

use super::*;
use crate::history::{CheckAggregate, CheckSample, StatsInput};
use crate::mock_store::MockStore;
use crate::website::{MockSchedule, Website};
use crate::{DowntimeWindow, MockClock};

const FROM: OffsetDateTime = datetime!(2026-11-01 00:00 UTC);
const TO: OffsetDateTime = datetime!(2026-11-02 00:00 UTC);
const CREATED: OffsetDateTime = datetime!(2026-10-01 00:00 UTC);

fn id() -> WebsiteId {
    WebsiteId::new(7).unwrap()
}

fn eu() -> RegionName {
    RegionName::parse("eu").unwrap()
}

fn website() -> Website {
    crate::mock_store::website(id(), CREATED)
}

/// `up` available checks and `down` failed ones, plus one failed check in maintenance.
fn checks(up: usize, down: usize) -> CheckAggregate {
    let sample = |ok: bool, in_maintenance| CheckSample {
        timestamp: FROM,
        response_time: ok.then_some(0.1),
        is_available: ok,
        degraded: false,
        in_maintenance,
    };
    let mut samples = vec![sample(true, false); up];
    samples.extend(vec![sample(false, false); down]);
    samples.push(sample(false, true));
    samples.iter().collect()
}

/// 6 h of the day down in a window; the region's checks say 3 of 4 were up.
fn input(checks: CheckAggregate) -> StatsInput {
    StatsInput {
        created_at: CREATED,
        checks,
        windows: vec![DowntimeWindow {
            id: 1,
            website_id: id(),
            start_time: datetime!(2026-11-01 06:00 UTC),
            end_time: Some(datetime!(2026-11-01 12:00 UTC)),
        }],
        maintenance: vec![],
    }
}

/// A store with one maintenance window (01:00–02:00, silencing the site).
fn store() -> MockStore {
    let upgrade = crate::mock_store::silence(
        id(),
        datetime!(2026-11-01 01:00 UTC),
        datetime!(2026-11-01 02:00 UTC),
    );
    let mut store = MockStore::new();
    store.expect_list_maintenance().returning(move || Box::pin(ready(Ok(vec![upgrade.clone()]))));
    store
}

fn service(store: MockStore) -> WebsiteService<MockStore, MockSchedule, MockClock> {
    let mut clock = MockClock::new();
    clock.expect_now().return_const(TO);
    WebsiteService::new(store, MockSchedule::new(), clock)
}

fn range() -> TimeRange {
    TimeRange::new(Some(FROM), Some(TO)).unwrap()
}

#[test]
fn a_sites_stats_are_the_quorums_without_a_region_and_the_regions_with_one() {
    let mut store = store();
    store
        .expect_stats_input()
        .with(eq(id()), eq(range()), eq(None))
        .times(1)
        .returning(|_, _, _| Box::pin(ready(Ok(input(checks(8, 2))))));
    store
        .expect_stats_input()
        .with(eq(id()), eq(range()), eq(Some(eu())))
        .times(1)
        .returning(|_, _, _| Box::pin(ready(Ok(input(checks(3, 1))))));
    let service = service(store);

    let quorum = block_on(service.website_stats(id(), FROM, TO, None)).unwrap();
    assert_eq!(quorum.uptime_basis, UptimeBasis::Windows);
    let expected = 100.0 * (1.0 - 6.0 / 23.0);
    assert!(
        (quorum.uptime_percent.unwrap() - expected).abs() < 1e-9,
        "6 h of 23 outside maintenance"
    );
    assert_eq!(quorum.check_count, 11);

    let region = block_on(service.website_stats(id(), FROM, TO, Some(eu()))).unwrap();
    assert_eq!(region.uptime_basis, UptimeBasis::Checks);
    assert_eq!(region.uptime_percent, Some(75.0), "3 of the 4 checks outside maintenance");
    assert_eq!((region.check_count, region.failed_count), (5, 2));
    assert_eq!(region.maintenance, std::time::Duration::from_secs(3600), "still laid out");
    assert_eq!((region.incidents, region.total_downtime), (1, quorum.total_downtime));
}

#[test]
fn every_sites_stats_pass_the_region_on() {
    let mut store = store();
    let limit = PageLimit::new(1).unwrap();
    store
        .expect_stats_inputs()
        .with(eq(range()), eq(None), eq(limit), eq(Some(eu())))
        .times(1)
        .returning(|_, _, _, _| Box::pin(ready(Ok(vec![(website(), input(checks(1, 1)))]))));
    let page = block_on(service(store).all_stats(FROM, TO, None, limit, Some(eu()))).unwrap();
    assert_eq!(page.next, Some(id()), "a full page may have more");
    let (site, stats) = &page.items[0];
    assert_eq!(site.id, id());
    assert_eq!((stats.uptime_basis, stats.uptime_percent), (UptimeBasis::Checks, Some(50.0)));
}

#[test]
fn the_sla_report_breaches_by_the_regions_checks() {
    let mut store = store();
    store
        .expect_sla_input()
        .with(eq(range()), eq(Some(eu())))
        .times(1)
        .returning(|_, _| Box::pin(ready(Ok(vec![(website(), input(checks(999, 1)))]))));
    store
        .expect_sla_input()
        .with(eq(range()), eq(None))
        .times(1)
        .returning(|_, _| Box::pin(ready(Ok(vec![(website(), input(CheckAggregate::default()))]))));
    let service = service(store);
    let target = SlaTarget::new(99.95).unwrap();

    let region = block_on(service.sla_report(FROM, TO, target, Some(eu()))).unwrap();
    assert_eq!(region[0].uptime_basis, UptimeBasis::Checks);
    assert!((region[0].uptime_percent.unwrap() - 99.9).abs() < 1e-9);
    assert!(region[0].breached);
    assert_eq!(region[0].downtime, std::time::Duration::from_secs(6 * 3600), "the windows'");

    let quorum = block_on(service.sla_report(FROM, TO, target, None)).unwrap();
    assert_eq!(quorum[0].uptime_basis, UptimeBasis::Windows);
    assert!((quorum[0].uptime_percent.unwrap() - 100.0 * (1.0 - 6.0 / 23.0)).abs() < 1e-9);
}
