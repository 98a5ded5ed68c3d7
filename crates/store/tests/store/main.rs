//! The store against real databases: every test runs on SQLite and on PostgreSQL (when
//! `LOOKOUT_TEST_POSTGRES_URL` names a server; CI always sets it), each in a database of its own.

#![expect(clippy::unwrap_used, reason = "test helpers fail the test loudly")]

mod alerts;
mod api_tokens;
mod checks;
mod dashboard;
mod disk_full;
mod maintenance;
mod managed_items;
mod nodes;
mod partitions;
mod region_stats;
mod regions;
mod regions_pg;
mod shared_schedule;
mod shared_schedule_elision;
mod status_pages;
mod websites;

use std::time::Duration;

use lookout_domain::website::{
    CreateWebsiteError, DeleteWebsiteError, GetWebsiteError, UpdateWebsiteError, WebsiteRepository,
};
use lookout_domain::{
    CheckInterval, IntervalBounds, NewWebsite, WebsiteId, WebsiteName, WebsitePatch, WebsiteUrl,
};
use lookout_store::test_support::{POSTGRES_URL_VAR, TestDatabase};
use lookout_store::{Backend, DatabaseUrl, Store, StoreOptions};
use time::OffsetDateTime;
use time::macros::datetime;

pub(crate) const T0: OffsetDateTime = datetime!(2026-11-28 12:00:00.123456 UTC);
pub(crate) const T1: OffsetDateTime = datetime!(2026-11-28 12:05:00 UTC);

pub(crate) async fn open(db: &TestDatabase) -> Store {
    let url = DatabaseUrl::parse(db.url()).unwrap();
    let store = Store::open(&url, StoreOptions::default()).unwrap();
    store.migrate().await.unwrap();
    store
}

/// Runs `$body` (an async block using `store` and `db`) on each backend.
macro_rules! on_both_backends {
    ($name:ident, |$store:ident, $db:ident| $body:expr) => {
        mod $name {
            use super::*;

            #[tokio::test(flavor = "multi_thread")]
            async fn sqlite() {
                let $db = TestDatabase::sqlite();
                let $store = open(&$db).await;
                assert_eq!($store.backend(), Backend::Sqlite);
                $body
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn postgres() {
                let Some($db) = TestDatabase::postgres().await else {
                    eprintln!("skipped: {POSTGRES_URL_VAR} is not set");
                    return;
                };
                let $store = open(&$db).await;
                assert_eq!($store.backend(), Backend::Postgres);
                $body
            }
        }
    };
}

pub(crate) fn new_site(url: &str, enabled: bool) -> NewWebsite {
    NewWebsite {
        url: WebsiteUrl::parse(url).unwrap(),
        name: WebsiteName::parse("Example").unwrap(),
        enabled,
        check_interval: CheckInterval::new(120, IntervalBounds::default()).unwrap(),
        alerts: None,
        check: lookout_domain::checks::CheckSpec::default(),
        public: false,
        regions: Default::default(),
    }
}

/// Runs a `SELECT COUNT(*) AS n ...` against the test database.
pub(crate) async fn count(db: &TestDatabase, sql: &str) -> i64 {
    db.count(sql).await
}

/// Executes raw SQL against the test database (for rows the website API cannot write).
pub(crate) async fn execute(db: &TestDatabase, sql: &str) -> Result<(), diesel::result::Error> {
    db.execute(sql).await
}

pub(crate) use on_both_backends;
