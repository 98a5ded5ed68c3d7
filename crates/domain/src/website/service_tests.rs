//! The website service against mocked ports: every change tells the schedule what it must.

use std::future::ready;

use futures::executor::block_on;

use mockall::predicate::eq;
use time::OffsetDateTime;
use time::macros::datetime;

use super::*;
use crate::website::FileGuard;
use crate::website::{
    CheckInterval, IntervalBounds, MockSchedule, MockWebsiteRepository, UpdatedWebsite,
    WebsiteName, WebsiteUrl,
};
use crate::{MockClock, WebsitePatch};

const NOW: OffsetDateTime = datetime!(2026-11-28 12:00:00 UTC);
const EARLIER: OffsetDateTime = datetime!(2026-11-01 08:00:00 UTC);

fn id(raw: i64) -> WebsiteId {
    WebsiteId::new(raw).unwrap()
}

fn interval(secs: i64) -> CheckInterval {
    CheckInterval::new(secs, IntervalBounds::default()).unwrap()
}

fn website(enabled: bool, secs: i64) -> Website {
    Website {
        id: id(7),
        url: WebsiteUrl::parse("https://example.com").unwrap(),
        name: WebsiteName::parse("Example").unwrap(),
        enabled,
        check_interval: interval(secs),
        alerts: None,
        check: crate::checks::CheckSpec::default(),
        public: false,
        regions: Default::default(),
        managed: None,
        created_at: EARLIER,
        updated_at: EARLIER,
    }
}

fn clock() -> MockClock {
    let mut clock = MockClock::new();
    clock.expect_now().return_const(NOW);
    clock
}

/// A schedule that must not be touched.
fn untouched_schedule() -> MockSchedule {
    let mut schedule = MockSchedule::new();
    schedule.expect_add().never();
    schedule.expect_remove().never();
    schedule.expect_reschedule().never();
    schedule
}

fn repository_updating(before: Website, after: Website) -> MockWebsiteRepository {
    let mut repository = MockWebsiteRepository::new();
    repository
        .expect_update_website()
        .withf(|id, _, now, _| id.get() == 7 && *now == NOW)
        .times(1)
        .returning(move |_, _, _, _| {
            Box::pin(ready(Ok(UpdatedWebsite { before: before.clone(), after: after.clone() })))
        });
    repository
}

fn new_website(enabled: bool) -> NewWebsite {
    NewWebsite {
        url: WebsiteUrl::parse("https://example.com").unwrap(),
        name: WebsiteName::parse("Example").unwrap(),
        enabled,
        check_interval: interval(300),
        alerts: None,
        check: crate::checks::CheckSpec::default(),
        public: false,
        regions: Default::default(),
    }
}

#[test]
fn creating_an_enabled_site_adds_it_to_the_schedule() {
    block_on(async {
        let mut repository = MockWebsiteRepository::new();
        repository
            .expect_create_website()
            .withf(|new, now| new.enabled && *now == NOW)
            .times(1)
            .returning(|_, _| Box::pin(ready(Ok(website(true, 300)))));
        let mut schedule = MockSchedule::new();
        schedule
            .expect_add()
            .withf(|site| site.id.get() == 7)
            .times(1)
            .returning(|_| Box::pin(ready(())));
        schedule.expect_remove().never();
        schedule.expect_reschedule().never();

        let service = WebsiteService::new(repository, schedule, clock());
        let created = service.create_website(new_website(true)).await.unwrap();
        assert_eq!(created, website(true, 300));
    });
}

#[test]
fn creating_a_disabled_site_leaves_the_schedule_alone() {
    block_on(async {
        let mut repository = MockWebsiteRepository::new();
        repository
            .expect_create_website()
            .times(1)
            .returning(|_, _| Box::pin(ready(Ok(website(false, 300)))));
        let service = WebsiteService::new(repository, untouched_schedule(), clock());
        assert!(!service.create_website(new_website(false)).await.unwrap().enabled);
    });
}

#[test]
fn a_duplicate_url_is_reported_and_nothing_is_scheduled() {
    block_on(async {
        let mut repository = MockWebsiteRepository::new();
        repository.expect_create_website().times(1).returning(|new, _| {
            Box::pin(ready(Err(CreateWebsiteError::DuplicateUrl(new.url.clone()))))
        });
        let service = WebsiteService::new(repository, untouched_schedule(), clock());
        let error = service.create_website(new_website(true)).await.unwrap_err();
        assert!(matches!(error, CreateWebsiteError::DuplicateUrl(_)), "{error:?}");
    });
}

#[test]
fn enabling_adds() {
    block_on(async {
        let repository = repository_updating(website(false, 300), website(true, 300));
        let mut schedule = MockSchedule::new();
        schedule.expect_add().withf(|s| s.enabled).times(1).returning(|_| Box::pin(ready(())));
        schedule.expect_remove().never();
        schedule.expect_reschedule().never();
        let service = WebsiteService::new(repository, schedule, clock());
        let patch = WebsitePatch { enabled: Some(true), ..WebsitePatch::default() };
        assert!(service.update_website(id(7), patch, FileGuard::Respect).await.unwrap().enabled);
    });
}

#[test]
fn disabling_removes() {
    block_on(async {
        let repository = repository_updating(website(true, 300), website(false, 300));
        let mut schedule = MockSchedule::new();
        schedule.expect_add().never();
        schedule.expect_remove().with(eq(id(7))).times(1).returning(|_| Box::pin(ready(())));
        schedule.expect_reschedule().never();
        let service = WebsiteService::new(repository, schedule, clock());
        let patch = WebsitePatch { enabled: Some(false), ..WebsitePatch::default() };
        assert!(!service.update_website(id(7), patch, FileGuard::Respect).await.unwrap().enabled);
    });
}

#[test]
fn a_new_interval_on_an_enabled_site_reschedules() {
    block_on(async {
        let repository = repository_updating(website(true, 300), website(true, 60));
        let mut schedule = MockSchedule::new();
        schedule.expect_add().never();
        schedule.expect_remove().never();
        schedule
            .expect_reschedule()
            .withf(|s| s.check_interval.secs() == 60)
            .times(1)
            .returning(|_| Box::pin(ready(())));
        let service = WebsiteService::new(repository, schedule, clock());
        let patch = WebsitePatch { check_interval: Some(interval(60)), ..WebsitePatch::default() };
        assert_eq!(
            service
                .update_website(id(7), patch, FileGuard::Respect)
                .await
                .unwrap()
                .check_interval
                .secs(),
            60
        );
    });
}

#[test]
fn a_new_interval_on_a_disabled_site_changes_no_schedule() {
    block_on(async {
        let repository = repository_updating(website(false, 300), website(false, 60));
        let service = WebsiteService::new(repository, untouched_schedule(), clock());
        let patch = WebsitePatch { check_interval: Some(interval(60)), ..WebsitePatch::default() };
        service.update_website(id(7), patch, FileGuard::Respect).await.unwrap();
    });
}

#[test]
fn renaming_an_enabled_site_updates_its_schedule_entry() {
    block_on(async {
        let mut after = website(true, 300);
        after.name = WebsiteName::parse("Renamed").unwrap();
        let repository = repository_updating(website(true, 300), after);
        let mut schedule = MockSchedule::new();
        schedule.expect_add().never();
        schedule.expect_remove().never();
        schedule
            .expect_reschedule()
            .withf(|s| s.name.as_str() == "Renamed" && s.check_interval.secs() == 300)
            .times(1)
            .returning(|_| Box::pin(ready(())));
        let service = WebsiteService::new(repository, schedule, clock());
        let patch = WebsitePatch { name: after_name(), ..WebsitePatch::default() };
        assert_eq!(
            service.update_website(id(7), patch, FileGuard::Respect).await.unwrap().name.as_str(),
            "Renamed"
        );
    });
}

#[test]
fn renaming_a_disabled_site_changes_no_schedule() {
    block_on(async {
        let mut after = website(false, 300);
        after.name = WebsiteName::parse("Renamed").unwrap();
        let repository = repository_updating(website(false, 300), after);
        let service = WebsiteService::new(repository, untouched_schedule(), clock());
        let patch = WebsitePatch { name: after_name(), ..WebsitePatch::default() };
        service.update_website(id(7), patch, FileGuard::Respect).await.unwrap();
    });
}

fn after_name() -> Option<WebsiteName> {
    Some(WebsiteName::parse("Renamed").unwrap())
}

#[test]
fn updating_an_unknown_site_is_not_found_and_schedules_nothing() {
    block_on(async {
        let mut repository = MockWebsiteRepository::new();
        repository
            .expect_update_website()
            .returning(|id, _, _, _| Box::pin(ready(Err(UpdateWebsiteError::NotFound(id)))));
        let service = WebsiteService::new(repository, untouched_schedule(), clock());
        let error = service
            .update_website(id(9), WebsitePatch::default(), FileGuard::Respect)
            .await
            .unwrap_err();
        assert!(matches!(error, UpdateWebsiteError::NotFound(found) if found == id(9)));
    });
}

#[test]
fn deleting_removes_from_the_schedule() {
    block_on(async {
        let mut repository = MockWebsiteRepository::new();
        repository
            .expect_delete_website()
            .with(eq(id(7)), eq(FileGuard::Respect))
            .times(1)
            .returning(|_, _| Box::pin(ready(Ok(()))));
        let mut schedule = MockSchedule::new();
        schedule.expect_remove().with(eq(id(7))).times(1).returning(|_| Box::pin(ready(())));
        let service = WebsiteService::new(repository, schedule, clock());
        service.delete_website(id(7), FileGuard::Respect).await.unwrap();
    });
}

#[test]
fn deleting_an_unknown_site_schedules_nothing() {
    block_on(async {
        let mut repository = MockWebsiteRepository::new();
        repository
            .expect_delete_website()
            .returning(|id, _| Box::pin(ready(Err(DeleteWebsiteError::NotFound(id)))));
        let service = WebsiteService::new(repository, untouched_schedule(), clock());
        assert!(matches!(
            service.delete_website(id(7), FileGuard::Respect).await,
            Err(DeleteWebsiteError::NotFound(_))
        ));
    });
}

#[test]
fn private_address_literals_are_refused_unless_the_policy_allows_them() {
    block_on(async {
        let mut new = new_website(true);
        new.url = WebsiteUrl::parse("http://169.254.169.254/latest/meta-data").unwrap();
        let mut repository = MockWebsiteRepository::new();
        repository.expect_create_website().never();
        let service = WebsiteService::new(repository, untouched_schedule(), clock());
        let error = service.create_website(new.clone()).await.unwrap_err();
        assert!(
            matches!(error, CreateWebsiteError::BlockedAddress(ip) if ip.to_string() == "169.254.169.254")
        );

        let patch = WebsitePatch { url: Some(new.url.clone()), ..WebsitePatch::default() };
        let error = service.update_website(id(7), patch, FileGuard::Respect).await.unwrap_err();
        assert!(matches!(error, UpdateWebsiteError::BlockedAddress(_)));

        let mut repository = MockWebsiteRepository::new();
        repository
            .expect_create_website()
            .times(1)
            .returning(|_, _| Box::pin(ready(Ok(website(false, 300)))));
        let allowing = WebsiteService::new(repository, untouched_schedule(), clock())
            .with_address_policy(crate::website::AddressPolicy::allow_all());
        new.enabled = false;
        allowing.create_website(new).await.unwrap();
    });
}

/// A check recorder's writes, as a fixed value.
#[derive(Debug)]
struct FixedWrites(crate::WriteHealth);

impl crate::WriterState for FixedWrites {
    fn write_health(&self) -> crate::WriteHealth {
        self.0
    }
}

fn pinging(answers: bool) -> MockWebsiteRepository {
    let mut repository = MockWebsiteRepository::new();
    repository.expect_ping().returning(move || {
        let result = if answers { Ok(()) } else { Err(HealthError("no answer".into())) };
        Box::pin(ready(result))
    });
    repository
}

#[test]
fn health_reports_the_writes_once_the_database_answers() {
    block_on(async {
        let service = WebsiteService::new(pinging(true), untouched_schedule(), clock());
        assert!(service.check_health().await.unwrap().is_healthy(), "no recorder: healthy");

        let full =
            crate::WriteHealth { fault: Some(crate::WriteFault::DiskFull), held: 12, dropped: 3 };
        let service = WebsiteService::new(pinging(true), untouched_schedule(), clock())
            .with_writer_state(std::sync::Arc::new(FixedWrites(full)));
        let report = service.check_health().await.unwrap();
        assert_eq!(report.writes, full);
        assert!(!report.is_healthy());

        let service = WebsiteService::new(pinging(false), untouched_schedule(), clock())
            .with_writer_state(std::sync::Arc::new(FixedWrites(full)));
        assert!(service.check_health().await.is_err(), "no answer: an error, whatever the writes");
    });
}
