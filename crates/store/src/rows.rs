//! Row structs of the diesel schema and their conversion to and from domain types.

use diesel::prelude::*;
use lookout_domain::manifest::Managed;
use lookout_domain::regions::{Quorum, RegionName, RegionsError, SiteRegions};
use lookout_domain::website::UpdatedWebsite;
use lookout_domain::{
    CheckInterval, NewWebsite, Website, WebsiteId, WebsiteName, WebsitePatch, WebsiteUrl,
};
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::StoreError;
use crate::check_settings::{
    assertions_column, degraded_column, request_column, stored_check, stored_request,
};
use crate::ownership::{managed_columns, stored_managed};
use crate::schema::websites;
use crate::time_conv::{from_column, to_column};

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = websites)]
pub(crate) struct WebsiteRow {
    pub(crate) id: i64,
    pub(crate) url: String,
    pub(crate) name: String,
    pub(crate) enabled: bool,
    pub(crate) check_interval: i32,
    pub(crate) created_at: PrimitiveDateTime,
    pub(crate) updated_at: PrimitiveDateTime,
    pub(crate) url_given: Option<String>,
    pub(crate) request: Option<String>,
    pub(crate) assertions: Option<String>,
    pub(crate) degraded_above_ms: Option<i32>,
    pub(crate) public: bool,
    pub(crate) regions: Option<String>,
    pub(crate) quorum: Option<String>,
    pub(crate) managed_by: Option<String>,
    pub(crate) managed_key: Option<String>,
}

impl WebsiteRow {
    /// The site's regions and quorum as stored (a JSON array of names; the quorum's text).
    pub(crate) fn site_regions(&self) -> Result<SiteRegions, StoreError> {
        stored_regions(self.regions.as_deref(), self.quorum.as_deref())
            .map_err(|e| StoreError::CorruptRow(format!("website {}: {e}", self.id)))
    }

    /// The document that manages the site, if one does.
    pub(crate) fn managed(&self) -> Result<Option<Managed>, StoreError> {
        stored_managed(self.managed_by.as_deref(), self.managed_key.as_deref())
            .map_err(|e| StoreError::CorruptRow(format!("website {}: {e}", self.id)))
    }
}

/// Reads the `regions` and `quorum` columns.
pub(crate) fn stored_regions(
    regions: Option<&str>,
    quorum: Option<&str>,
) -> Result<SiteRegions, String> {
    let names: Vec<String> = match regions {
        Some(json) => serde_json::from_str(json).map_err(|e| format!("regions: {e}"))?,
        None => Vec::new(),
    };
    let quorum = match quorum {
        Some(raw) => Quorum::parse(raw).ok_or_else(|| format!("quorum {raw:?}"))?,
        None => Quorum::Majority,
    };
    SiteRegions::parse(&names, quorum).map_err(|e| e.to_string())
}

/// The `regions` and `quorum` columns of `regions` (NULL for the defaults).
pub(crate) fn regions_columns(regions: &SiteRegions) -> (Option<String>, Option<String>) {
    if regions.is_any() {
        return (None, None);
    }
    let names: Vec<&str> = regions.regions().iter().map(RegionName::as_str).collect();
    let quorum = (regions.quorum() != Quorum::Majority).then(|| regions.quorum().to_string());
    (serde_json::to_string(&names).ok(), quorum)
}

impl TryFrom<WebsiteRow> for Website {
    type Error = StoreError;

    fn try_from(row: WebsiteRow) -> Result<Self, StoreError> {
        let corrupt = |what: &str| StoreError::CorruptRow(format!("website {}: {what}", row.id));
        let regions = row.site_regions()?;
        let managed = row.managed()?;
        Ok(Website {
            id: WebsiteId::new(row.id).map_err(|e| corrupt(&e.to_string()))?,
            url: WebsiteUrl::parse(&row.url)
                .map_err(|e| corrupt(&e.to_string()))?
                .with_given(row.url_given),
            name: WebsiteName::parse(&row.name).map_err(|e| corrupt(&e.to_string()))?,
            enabled: row.enabled,
            public: row.public,
            check_interval: u32::try_from(row.check_interval)
                .map(CheckInterval::from_stored)
                .map_err(|_| corrupt("negative check_interval"))?,
            // Read with the site by the repository (`alert_policies`).
            alerts: None,
            check: stored_check(
                row.request.as_deref(),
                row.assertions.as_deref(),
                row.degraded_above_ms,
            )
            .map_err(|e| corrupt(&e))?,
            regions,
            managed,
            created_at: from_column(row.created_at),
            updated_at: from_column(row.updated_at),
        })
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = websites)]
pub(crate) struct NewWebsiteRow<'a> {
    url: &'a str,
    url_given: &'a str,
    name: &'a str,
    enabled: bool,
    check_interval: i32,
    created_at: PrimitiveDateTime,
    updated_at: PrimitiveDateTime,
    request: Option<String>,
    assertions: Option<String>,
    degraded_above_ms: Option<i32>,
    public: bool,
    regions: Option<String>,
    quorum: Option<String>,
    managed_by: Option<&'a str>,
    managed_key: Option<&'a str>,
}

impl<'a> NewWebsiteRow<'a> {
    pub(crate) fn new(website: &'a NewWebsite, now: OffsetDateTime) -> Self {
        let now = to_column(now);
        let (regions, quorum) = regions_columns(&website.regions);
        Self {
            url: website.url.as_str(),
            url_given: website.url.given(),
            name: website.name.as_str(),
            enabled: website.enabled,
            check_interval: interval_column(website.check_interval),
            created_at: now,
            updated_at: now,
            request: request_column(&website.check.request),
            assertions: assertions_column(&website.check.assertions),
            degraded_above_ms: degraded_column(website.check.degraded_above),
            public: website.public,
            regions,
            quorum,
            managed_by: None,
            managed_key: None,
        }
    }

    /// The row of a site `managed` is made by a document.
    pub(crate) fn managed(self, managed: &'a Managed) -> Self {
        let (managed_by, managed_key) = managed_columns(managed);
        Self { managed_by, managed_key, ..self }
    }
}

#[derive(Debug, AsChangeset)]
#[diesel(table_name = websites)]
pub(crate) struct WebsiteChangeset<'a> {
    url: Option<&'a str>,
    url_given: Option<&'a str>,
    name: Option<&'a str>,
    enabled: Option<bool>,
    check_interval: Option<i32>,
    updated_at: PrimitiveDateTime,
    request: Option<Option<String>>,
    assertions: Option<Option<String>>,
    degraded_above_ms: Option<Option<i32>>,
    public: Option<bool>,
    regions: Option<Option<String>>,
    quorum: Option<Option<String>>,
    managed_by: Option<&'a str>,
    managed_key: Option<&'a str>,
}

/// A changeset could not be made.
#[derive(Debug)]
pub(crate) enum ChangesetError {
    Store(StoreError),
    /// The patch's regions or quorum do not fit the site's.
    Regions(RegionsError),
}

impl<'a> WebsiteChangeset<'a> {
    /// The changes of `patch` to a site stored as `before` (whose secret headers a request sent
    /// back masked keeps).
    pub(crate) fn new(
        patch: &'a WebsitePatch,
        before: &WebsiteRow,
        now: OffsetDateTime,
    ) -> Result<Self, ChangesetError> {
        let request = match &patch.request {
            None => None,
            Some(request) => {
                let stored = stored_request(before.request.as_deref()).map_err(|e| {
                    ChangesetError::Store(StoreError::CorruptRow(format!(
                        "website {}: {e}",
                        before.id
                    )))
                })?;
                Some(request_column(&request.clone().keep_secrets_from(&stored)))
            }
        };
        let (regions, quorum) = if patch.regions.is_none() && patch.quorum.is_none() {
            (None, None)
        } else {
            let current = before.site_regions().map_err(ChangesetError::Store)?;
            let after = patch.regions_over(&current).map_err(ChangesetError::Regions)?;
            let (regions, quorum) = regions_columns(&after);
            (Some(regions), Some(quorum))
        };
        Ok(Self {
            url: patch.url.as_ref().map(WebsiteUrl::as_str),
            url_given: patch.url.as_ref().map(WebsiteUrl::given),
            name: patch.name.as_ref().map(WebsiteName::as_str),
            enabled: patch.enabled,
            check_interval: patch.check_interval.map(interval_column),
            updated_at: to_column(now),
            request,
            assertions: patch.assertions.as_deref().map(assertions_column),
            degraded_above_ms: patch.degraded_above.map(degraded_column),
            public: patch.public,
            regions,
            quorum,
            managed_by: None,
            managed_key: None,
        })
    }

    /// The changeset also marks the site as `managed` by a document.
    pub(crate) fn managed(self, managed: &'a Managed) -> Self {
        let (managed_by, managed_key) = managed_columns(managed);
        Self { managed_by, managed_key, ..self }
    }
}

/// Intervals are bounded far below `i32::MAX` by configuration; saturate rather than wrap.
fn interval_column(interval: CheckInterval) -> i32 {
    i32::try_from(interval.secs()).unwrap_or(i32::MAX)
}

pub(crate) fn updated_pair(
    before: WebsiteRow,
    after: WebsiteRow,
) -> Result<UpdatedWebsite, StoreError> {
    Ok(UpdatedWebsite { before: before.try_into()?, after: after.try_into()? })
}
