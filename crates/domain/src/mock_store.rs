//! One mocked store for the use-case tests: every port `WebsiteService` reads through.

use std::collections::HashMap;
use std::future::Future;

use time::OffsetDateTime;

use crate::alerting::AlertStoreError;
use crate::dashboard::{Bucket, DashboardReader, ListedSite, OverviewQuery, SitePage};
use crate::history::{
    CheckCursor, CheckHistory, CheckPage, Grain, HistoryError, PageLimit, StatsInput, TimeRange,
};
use crate::maintenance::{
    MaintenanceId, MaintenanceRepository, MaintenanceSpec, MaintenanceWindow, MaintenanceWriteError,
};
use crate::manifest::{
    ManifestReadError, ManifestRepository, ManifestWriteError, ManifestWrites, SiteWritten,
    StoredItems,
};
use crate::node::{HeartbeatError, ListNodesError, NodeInfo, NodeRegistry, Registration};
use crate::status_pages::{
    StatusPage, StatusPagePatch, StatusPageRepository, StatusPageSlug, StatusPageSpec,
    StatusPageWriteError,
};
use crate::website::{
    CreateWebsiteError, DeleteWebsiteError, FileGuard, GetWebsiteError, Guarded, HealthError,
    ListWebsitesError, NewWebsite, SiteCounter, SiteCounts, SiteCountsError, UpdateWebsiteError,
    UpdatedWebsite, Website, WebsitePatch, WebsiteRepository,
};
use crate::{DowntimeWindow, WebsiteId};

mockall::mock! {
    pub(crate) Store {}

    impl WebsiteRepository for Store {
        fn create_website(&self, new: &NewWebsite, now: OffsetDateTime)
            -> impl Future<Output = Result<Website, CreateWebsiteError>> + Send;
        fn list_websites(&self) -> impl Future<Output = Result<Vec<Website>, ListWebsitesError>> + Send;
        fn list_enabled_websites(&self, after: Option<WebsiteId>, limit: usize)
            -> impl Future<Output = Result<Vec<Website>, ListWebsitesError>> + Send;
        fn get_website(&self, id: WebsiteId) -> impl Future<Output = Result<Website, GetWebsiteError>> + Send;
        fn update_website(&self, id: WebsiteId, patch: &WebsitePatch, now: OffsetDateTime, guard: FileGuard)
            -> impl Future<Output = Result<UpdatedWebsite, UpdateWebsiteError>> + Send;
        fn delete_website(&self, id: WebsiteId, guard: FileGuard) -> impl Future<Output = Result<(), DeleteWebsiteError>> + Send;
        fn ping(&self) -> impl Future<Output = Result<(), HealthError>> + Send;
    }

    impl ManifestRepository for Store {
        fn stored_items(&self) -> impl Future<Output = Result<StoredItems, ManifestReadError>> + Send;
        fn write(&self, writes: &ManifestWrites, now: OffsetDateTime)
            -> impl Future<Output = Result<Vec<SiteWritten>, ManifestWriteError>> + Send;
    }

    impl CheckHistory for Store {
        fn list_checks(&self, id: WebsiteId, range: TimeRange, limit: PageLimit, cursor: Option<CheckCursor>, region: Option<crate::regions::RegionName>)
            -> impl Future<Output = Result<CheckPage, HistoryError>> + Send;
        fn stats_input(&self, id: WebsiteId, range: TimeRange, region: Option<crate::regions::RegionName>)
            -> impl Future<Output = Result<StatsInput, HistoryError>> + Send;
        fn stats_inputs(&self, range: TimeRange, after: Option<WebsiteId>, limit: PageLimit, region: Option<crate::regions::RegionName>)
            -> impl Future<Output = Result<Vec<(Website, StatsInput)>, HistoryError>> + Send;
        fn sla_input(&self, range: TimeRange, region: Option<crate::regions::RegionName>)
            -> impl Future<Output = Result<Vec<(Website, StatsInput)>, HistoryError>> + Send;
        fn list_downtimes(&self, id: WebsiteId, range: TimeRange)
            -> impl Future<Output = Result<Vec<DowntimeWindow>, HistoryError>> + Send;
        fn certificate(&self, id: WebsiteId)
            -> impl Future<Output = Result<Option<crate::checks::SiteCertificate>, HistoryError>> + Send;
        fn region_verdicts(&self, id: WebsiteId)
            -> impl Future<Output = Result<Vec<crate::regions::RegionVerdict>, HistoryError>> + Send;
    }

    impl MaintenanceRepository for Store {
        fn list_maintenance(&self)
            -> impl Future<Output = Result<Vec<MaintenanceWindow>, AlertStoreError>> + Send;
        fn get_maintenance(&self, id: MaintenanceId)
            -> impl Future<Output = Result<Option<MaintenanceWindow>, AlertStoreError>> + Send;
        fn create_maintenance(&self, spec: &MaintenanceSpec, now: OffsetDateTime)
            -> impl Future<Output = Result<MaintenanceWindow, MaintenanceWriteError>> + Send;
        fn update_maintenance(&self, id: MaintenanceId, spec: &MaintenanceSpec, now: OffsetDateTime, guard: FileGuard)
            -> impl Future<Output = Result<Guarded<MaintenanceWindow>, MaintenanceWriteError>> + Send;
        fn delete_maintenance(&self, id: MaintenanceId, guard: FileGuard)
            -> impl Future<Output = Result<Guarded<()>, AlertStoreError>> + Send;
    }

    impl StatusPageRepository for Store {
        fn create_status_page(&self, spec: &StatusPageSpec, now: OffsetDateTime)
            -> impl Future<Output = Result<StatusPage, StatusPageWriteError>> + Send;
        fn list_status_pages(&self) -> impl Future<Output = Result<Vec<StatusPage>, AlertStoreError>> + Send;
        fn get_status_page(&self, slug: &StatusPageSlug)
            -> impl Future<Output = Result<Option<StatusPage>, AlertStoreError>> + Send;
        fn update_status_page(&self, slug: &StatusPageSlug, patch: &StatusPagePatch, now: OffsetDateTime, guard: FileGuard)
            -> impl Future<Output = Result<Guarded<StatusPage>, StatusPageWriteError>> + Send;
        fn is_public(&self, id: WebsiteId) -> impl Future<Output = Result<bool, AlertStoreError>> + Send;
        fn delete_status_page(&self, slug: &StatusPageSlug, guard: FileGuard)
            -> impl Future<Output = Result<Guarded<()>, AlertStoreError>> + Send;
    }

    impl NodeRegistry for Store {
        fn heartbeat(&self, node: &NodeInfo, free_before: OffsetDateTime)
            -> impl Future<Output = Result<Registration, HeartbeatError>> + Send;
        fn deregister(&self, node: &NodeInfo) -> impl Future<Output = Result<(), HeartbeatError>> + Send;
        fn forget_nodes(&self, silent_before: OffsetDateTime)
            -> impl Future<Output = Result<usize, HeartbeatError>> + Send;
        fn list_nodes(&self) -> impl Future<Output = Result<Vec<NodeInfo>, ListNodesError>> + Send;
    }

    impl DashboardReader for Store {
        fn site_page(&self, query: &OverviewQuery)
            -> impl Future<Output = Result<SitePage, HistoryError>> + Send;
        fn listed_sites(&self, ids: &[WebsiteId])
            -> impl Future<Output = Result<Vec<ListedSite>, HistoryError>> + Send;
        fn series(&self, ids: &[WebsiteId], from: OffsetDateTime, to: OffsetDateTime, grain: Grain)
            -> impl Future<Output = Result<HashMap<WebsiteId, Vec<Bucket>>, HistoryError>> + Send;
        fn windows_of(&self, ids: &[WebsiteId], from: OffsetDateTime, to: OffsetDateTime)
            -> impl Future<Output = Result<HashMap<WebsiteId, Vec<DowntimeWindow>>, HistoryError>> + Send;
    }

    impl crate::alerting::IncidentStore for Store {
        fn list_incidents(&self, filter: crate::alerting::IncidentFilter)
            -> impl Future<Output = Result<Vec<crate::alerting::IncidentDetail>, AlertStoreError>> + Send;
        fn get_incident(&self, id: crate::alerting::IncidentId)
            -> impl Future<Output = Result<Option<crate::alerting::IncidentDetail>, AlertStoreError>> + Send;
        fn acknowledge_incident(&self, id: crate::alerting::IncidentId, now: OffsetDateTime)
            -> impl Future<Output = Result<Option<crate::alerting::Incident>, AlertStoreError>> + Send;
    }

    impl SiteCounter for Store {
        fn site_counts(&self) -> impl Future<Output = Result<SiteCounts, SiteCountsError>> + Send;
    }
}

/// A plain enabled site, checked every minute, created at `created_at`.
pub(crate) fn website(id: WebsiteId, created_at: OffsetDateTime) -> Website {
    Website {
        id,
        url: crate::WebsiteUrl::parse("https://example.com").unwrap(),
        name: crate::WebsiteName::parse("Example").unwrap(),
        enabled: true,
        check_interval: crate::CheckInterval::new(60, crate::IntervalBounds::default()).unwrap(),
        alerts: None,
        check: crate::checks::CheckSpec::default(),
        public: false,
        regions: Default::default(),
        managed: None,
        created_at,
        updated_at: created_at,
    }
}

/// A one-off window silencing site `id` over `[starts_at, ends_at)`.
pub(crate) fn silence(
    id: WebsiteId,
    starts_at: OffsetDateTime,
    ends_at: OffsetDateTime,
) -> MaintenanceWindow {
    MaintenanceWindow {
        id: MaintenanceId::MIN,
        spec: MaintenanceSpec {
            name: "upgrade".into(),
            scope: crate::maintenance::MaintenanceScope::Websites(vec![id]),
            mode: crate::maintenance::MaintenanceMode::Silence,
            timing: crate::maintenance::MaintenanceTiming::Once { starts_at, ends_at },
        },
        managed: None,
        created_at: starts_at,
        updated_at: starts_at,
    }
}
