//! Row structs of the diesel schema and their conversion to and from domain types.

use diesel::prelude::*;
use lookout_domain::website::UpdatedWebsite;
use lookout_domain::{
    CheckInterval, NewWebsite, Website, WebsiteId, WebsiteName, WebsitePatch, WebsiteUrl,
};
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::StoreError;
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
}

impl TryFrom<WebsiteRow> for Website {
    type Error = StoreError;

    fn try_from(row: WebsiteRow) -> Result<Self, StoreError> {
        let corrupt = |what: &str| StoreError::CorruptRow(format!("website {}: {what}", row.id));
        Ok(Website {
            id: WebsiteId::new(row.id).map_err(|e| corrupt(&e.to_string()))?,
            url: WebsiteUrl::parse(&row.url)
                .map_err(|e| corrupt(&e.to_string()))?
                .with_given(row.url_given),
            name: WebsiteName::parse(&row.name).map_err(|e| corrupt(&e.to_string()))?,
            enabled: row.enabled,
            check_interval: u32::try_from(row.check_interval)
                .map(CheckInterval::from_stored)
                .map_err(|_| corrupt("negative check_interval"))?,
            // Read with the site by the repository (`alert_policies`).
            alerts: None,
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
}

impl<'a> NewWebsiteRow<'a> {
    pub(crate) fn new(website: &'a NewWebsite, now: OffsetDateTime) -> Self {
        let now = to_column(now);
        Self {
            url: website.url.as_str(),
            url_given: website.url.given(),
            name: website.name.as_str(),
            enabled: website.enabled,
            check_interval: interval_column(website.check_interval),
            created_at: now,
            updated_at: now,
        }
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
}

impl<'a> WebsiteChangeset<'a> {
    pub(crate) fn new(patch: &'a WebsitePatch, now: OffsetDateTime) -> Self {
        Self {
            url: patch.url.as_ref().map(WebsiteUrl::as_str),
            url_given: patch.url.as_ref().map(WebsiteUrl::given),
            name: patch.name.as_ref().map(WebsiteName::as_str),
            enabled: patch.enabled,
            check_interval: patch.check_interval.map(interval_column),
            updated_at: to_column(now),
        }
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
