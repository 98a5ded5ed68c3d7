//! History, status and the node directory against mocked ports: the status is derived from the
//! site, its last check, its open window and the engine's breaker and schedule.

use std::future::ready;
use std::sync::Arc;

use futures::executor::block_on;
use mockall::predicate::eq;
use time::macros::datetime;

use super::*;
use crate::history::StoredCheck;
use crate::maintenance::MaintenanceWindow;
use crate::monitoring::MockEngineState;
use crate::node::{NodeDirectory, NodeId, NodeInfo};
use crate::website::{
    BoxError, CheckInterval, GetWebsiteError, IntervalBounds, MockSchedule, Website, WebsiteName,
    WebsiteUrl,
};
use crate::{MockClock, MonitorCheck, SiteState};

use crate::mock_store::MockStore;

const NOW: OffsetDateTime = datetime!(2026-11-28 12:00:00 UTC);
const CREATED: OffsetDateTime = datetime!(2026-11-01 08:00:00 UTC);

fn id() -> WebsiteId {
    WebsiteId::new(7).unwrap()
}

fn website(enabled: bool) -> Website {
    Website {
        id: id(),
        url: WebsiteUrl::parse("https://example.com").unwrap(),
        name: WebsiteName::parse("Example").unwrap(),
        enabled,
        check_interval: CheckInterval::new(60, IntervalBounds::default()).unwrap(),
        alerts: None,
        check: crate::checks::CheckSpec::default(),
        public: false,
        regions: Default::default(),
        managed: None,
        created_at: CREATED,
        updated_at: CREATED,
    }
}

fn stored_check(available: bool) -> StoredCheck {
    StoredCheck {
        id: 41,
        region: None,
        check: MonitorCheck {
            response_time: 0.2,
            ..MonitorCheck::sample(id(), NOW - time::Duration::seconds(30), available)
        },
    }
}

fn window(open: bool) -> DowntimeWindow {
    DowntimeWindow {
        id: 3,
        website_id: id(),
        start_time: NOW - time::Duration::minutes(5),
        end_time: (!open).then_some(NOW - time::Duration::minutes(1)),
    }
}

fn service(store: MockStore) -> WebsiteService<MockStore, MockSchedule, MockClock> {
    WebsiteService::new(store, MockSchedule::new(), MockClock::new())
}

/// A store holding `website`, whose newest check is `last` and whose windows overlapping now
/// are `windows`; it expects the reads a status needs, each once.
fn store_with(
    website: Website,
    last: Option<StoredCheck>,
    windows: Vec<DowntimeWindow>,
) -> MockStore {
    store_in_maintenance(website, last, windows, Vec::new())
}

/// The same, with `maintenance` the stored maintenance windows.
fn store_in_maintenance(
    website: Website,
    last: Option<StoredCheck>,
    windows: Vec<DowntimeWindow>,
    maintenance: Vec<MaintenanceWindow>,
) -> MockStore {
    let mut store = MockStore::new();
    store
        .expect_list_maintenance()
        .times(1)
        .returning(move || Box::pin(ready(Ok(maintenance.clone()))));
    store
        .expect_get_website()
        .with(eq(id()))
        .times(1)
        .returning(move |_| Box::pin(ready(Ok(website.clone()))));
    store
        .expect_list_checks()
        .withf(|site, range, limit, cursor, region| {
            *site == id()
                && *range == TimeRange::default()
                && *limit == PageLimit::MIN
                && cursor.is_none()
                && region.is_none()
        })
        .times(1)
        .returning(move |_, _, _, _, _| {
            let checks = last.clone().into_iter().collect();
            Box::pin(ready(Ok(CheckPage { checks, next: None })))
        });
    store
        .expect_list_downtimes()
        .withf(|site, range| *site == id() && range.from() == Some(NOW) && range.to().is_none())
        .times(1)
        .returning(move |_, _| Box::pin(ready(Ok(windows.clone()))));
    store
}

#[test]
fn a_failing_site_with_an_open_window_is_down_with_the_engines_breaker_and_next_check() {
    let until = NOW + time::Duration::minutes(5);
    let mut engine = MockEngineState::new();
    engine.expect_breaker().with(eq(id())).return_const(CircuitBreaker::Open { until });
    engine.expect_next_due().with(eq(id())).return_const(Some(until));
    let store = store_with(website(true), Some(stored_check(false)), vec![window(true)]);
    let service = service(store).with_engine_state(Some(Arc::new(engine)));

    let status = block_on(service.website_status(id(), NOW)).unwrap();
    assert_eq!(status.state, SiteState::Down);
    assert_eq!(status.last_check, Some(stored_check(false)));
    assert_eq!(status.open_window, Some(window(true)));
    assert_eq!(status.breaker, CircuitBreaker::Open { until });
    assert_eq!(status.next_due, Some(until));
}

#[test]
fn a_window_that_has_closed_is_not_the_open_one() {
    let store = store_with(website(true), Some(stored_check(true)), vec![window(false)]);
    let status = block_on(service(store).website_status(id(), NOW)).unwrap();
    assert_eq!(status.state, SiteState::Up);
    assert_eq!(status.open_window, None);
}

#[test]
fn without_an_engine_the_breaker_is_closed_and_nothing_is_due() {
    let store = store_with(website(true), None, Vec::new());
    let status = block_on(service(store).website_status(id(), NOW)).unwrap();
    assert_eq!(status.state, SiteState::Unknown, "enabled, never checked");
    assert_eq!(status.breaker, CircuitBreaker::default());
    assert_eq!(status.next_due, None);
}

#[test]
fn a_site_in_a_maintenance_window_is_in_maintenance() {
    let upgrade = crate::mock_store::silence(
        id(),
        NOW - time::Duration::minutes(5),
        NOW + time::Duration::minutes(5),
    );
    let store = store_in_maintenance(
        website(true),
        Some(stored_check(false)),
        vec![window(true)],
        vec![upgrade],
    );
    let status = block_on(service(store).website_status(id(), NOW)).unwrap();
    assert_eq!(status.state, SiteState::Maintenance);
}

#[test]
fn a_disabled_site_is_paused() {
    let store = store_with(website(false), Some(stored_check(false)), vec![window(true)]);
    let status = block_on(service(store).website_status(id(), NOW)).unwrap();
    assert_eq!(status.state, SiteState::Paused);
}

#[test]
fn an_unknown_site_is_not_found_and_its_history_is_not_read() {
    let mut store = MockStore::new();
    store.expect_get_website().returning(|id| Box::pin(ready(Err(GetWebsiteError::NotFound(id)))));
    store.expect_list_checks().never();
    store.expect_list_downtimes().never();
    let error = block_on(service(store).website_status(id(), NOW)).unwrap_err();
    assert!(matches!(error, WebsiteStatusError::NotFound(found) if found == id()), "{error:?}");
}

#[test]
fn storage_going_away_mid_status_is_unavailable() {
    let mut store = MockStore::new();
    store.expect_get_website().returning(|_| Box::pin(ready(Ok(website(true)))));
    store.expect_list_checks().returning(|_, _, _, _, _| {
        let cause: BoxError = "connection closed".into();
        Box::pin(ready(Err(HistoryError::Unavailable(cause))))
    });
    store.expect_list_downtimes().never();
    let error = block_on(service(store).website_status(id(), NOW)).unwrap_err();
    assert!(matches!(error, WebsiteStatusError::Unavailable(_)), "{error:?}");
}

#[test]
fn the_node_directory_lists_the_registry() {
    let node = NodeInfo {
        id: NodeId::parse("web-1").unwrap(),
        region: "eu-west".into(),
        version: "0.1.0".into(),
        started_at: CREATED,
        last_heartbeat: NOW,
    };
    let listed = node.clone();
    let mut store = MockStore::new();
    store.expect_list_nodes().times(1).returning(move || Box::pin(ready(Ok(vec![listed.clone()]))));
    store.expect_heartbeat().never();
    store.expect_deregister().never();
    store.expect_forget_nodes().never();
    assert_eq!(block_on(service(store).list_nodes()).unwrap(), vec![node]);
}
