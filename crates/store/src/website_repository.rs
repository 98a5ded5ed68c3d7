//! `WebsiteRepository` on the store: the websites table on either backend.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use lookout_domain::website::{
    CreateWebsiteError, DeleteWebsiteError, GetWebsiteError, HealthError, ListWebsitesError,
    SiteCounter, SiteCounts, SiteCountsError, UpdateWebsiteError, UpdatedWebsite,
    WebsiteRepository,
};
use lookout_domain::{NewWebsite, Website, WebsiteId, WebsitePatch};
use time::OffsetDateTime;

use crate::rows::{NewWebsiteRow, WebsiteChangeset, WebsiteRow, updated_pair};
use crate::schema::websites;
use crate::store::with_connection;
use crate::{Store, StoreError};

impl SiteCounter for Store {
    /// Three indexed counts.
    async fn site_counts(&self) -> Result<SiteCounts, SiteCountsError> {
        let (enabled, all, down) = with_connection!(self, read, |conn| {
            let enabled = websites::table
                .filter(websites::enabled.eq(true))
                .count()
                .get_result::<i64>(&mut conn)
                .await
                .map_err(StoreError::from)?;
            let all = websites::table
                .count()
                .get_result::<i64>(&mut conn)
                .await
                .map_err(StoreError::from)?;
            let down = crate::schema::downtime_windows::table
                .filter(crate::schema::downtime_windows::end_time.is_null())
                .count()
                .get_result::<i64>(&mut conn)
                .await
                .map_err(StoreError::from)?;
            (enabled, all, down)
        });
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        Ok(SiteCounts {
            enabled: count(enabled),
            disabled: count(all - enabled),
            down: count(down),
        })
    }
}

impl WebsiteRepository for Store {
    async fn create_website(
        &self,
        new: &NewWebsite,
        now: OffsetDateTime,
    ) -> Result<Website, CreateWebsiteError> {
        let row = NewWebsiteRow::new(new, now);
        let inserted: Result<WebsiteRow, StoreError> = async {
            with_connection!(self, write, |conn| {
                Ok(diesel::insert_into(websites::table)
                    .values(&row)
                    .returning(WebsiteRow::as_returning())
                    .get_result(&mut conn)
                    .await?)
            })
        }
        .await;
        match inserted {
            Ok(row) => Ok(row.try_into()?),
            Err(e) if e.is_unique_violation() => {
                Err(CreateWebsiteError::DuplicateUrl(new.url.clone()))
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn list_websites(&self) -> Result<Vec<Website>, ListWebsitesError> {
        let rows: Vec<WebsiteRow> = with_connection!(self, read, |conn| {
            websites::table
                .order(websites::id)
                .select(WebsiteRow::as_select())
                .load(&mut conn)
                .await
                .map_err(StoreError::from)?
        });
        Ok(rows.into_iter().map(Website::try_from).collect::<Result<_, _>>()?)
    }

    async fn list_enabled_websites(
        &self,
        after: Option<WebsiteId>,
        limit: usize,
    ) -> Result<Vec<Website>, ListWebsitesError> {
        let after = after.map_or(0, WebsiteId::get);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows: Vec<WebsiteRow> = with_connection!(self, read, |conn| {
            websites::table
                .filter(websites::enabled.eq(true))
                .filter(websites::id.gt(after))
                .order(websites::id)
                .limit(limit)
                .select(WebsiteRow::as_select())
                .load(&mut conn)
                .await
                .map_err(StoreError::from)?
        });
        Ok(rows.into_iter().map(Website::try_from).collect::<Result<_, _>>()?)
    }

    async fn get_website(&self, id: WebsiteId) -> Result<Website, GetWebsiteError> {
        let row: Option<WebsiteRow> = with_connection!(self, read, |conn| {
            websites::table
                .find(id.get())
                .select(WebsiteRow::as_select())
                .first(&mut conn)
                .await
                .optional()
                .map_err(StoreError::from)?
        });
        match row {
            Some(row) => Ok(row.try_into()?),
            None => Err(GetWebsiteError::NotFound(id)),
        }
    }

    async fn update_website(
        &self,
        id: WebsiteId,
        patch: &WebsitePatch,
        now: OffsetDateTime,
    ) -> Result<UpdatedWebsite, UpdateWebsiteError> {
        let changes = WebsiteChangeset::new(patch, now);
        let empty = patch.is_empty();
        let result: Result<(WebsiteRow, WebsiteRow), StoreError> = async {
            with_connection!(self, write, |conn| {
                conn.transaction(async |conn| {
                    let before: WebsiteRow = websites::table
                        .find(id.get())
                        .select(WebsiteRow::as_select())
                        .first(conn)
                        .await?;
                    let after: WebsiteRow = if empty {
                        websites::table
                            .find(id.get())
                            .select(WebsiteRow::as_select())
                            .first(conn)
                            .await?
                    } else {
                        diesel::update(websites::table.find(id.get()))
                            .set(&changes)
                            .returning(WebsiteRow::as_returning())
                            .get_result(conn)
                            .await?
                    };
                    Ok::<_, diesel::result::Error>((before, after))
                })
                .await
                .map_err(StoreError::from)
            })
        }
        .await;
        match result {
            Ok((before, after)) => Ok(updated_pair(before, after)?),
            Err(e) if e.is_not_found() => Err(UpdateWebsiteError::NotFound(id)),
            Err(e) if e.is_unique_violation() => match &patch.url {
                Some(url) => Err(UpdateWebsiteError::DuplicateUrl(url.clone())),
                None => Err(e.into()),
            },
            Err(e) => Err(e.into()),
        }
    }

    async fn delete_website(&self, id: WebsiteId) -> Result<(), DeleteWebsiteError> {
        let deleted: usize = with_connection!(self, write, |conn| {
            diesel::delete(websites::table.find(id.get()))
                .execute(&mut conn)
                .await
                .map_err(StoreError::from)?
        });
        if deleted == 0 { Err(DeleteWebsiteError::NotFound(id)) } else { Ok(()) }
    }

    async fn ping(&self) -> Result<(), HealthError> {
        with_connection!(self, read, |conn| {
            diesel::sql_query("SELECT 1").execute(&mut conn).await.map_err(StoreError::from)?;
        });
        Ok(())
    }
}
