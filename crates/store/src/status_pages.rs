//! `StatusPageRepository` on the store: a page row and its sites (in order) in one transaction.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use lookout_domain::WebsiteId;
use lookout_domain::alerting::AlertStoreError;
use lookout_domain::status_pages::{
    StatusPage, StatusPagePatch, StatusPageRepository, StatusPageSlug, StatusPageSpec,
    StatusPageWriteError,
};
use lookout_domain::website::{FileGuard, Guarded};
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::ownership::{Stop, gate, managed_by, stored_managed};
use crate::schema::{status_page_sites, status_pages, websites};
use crate::store::with_connection;
use crate::time_conv::{from_column, to_column};
use crate::{Store, StoreError};

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = status_pages)]
struct PageRow {
    id: i64,
    slug: String,
    title: String,
    description: Option<String>,
    created_at: PrimitiveDateTime,
    updated_at: PrimitiveDateTime,
    managed_by: Option<String>,
    managed_key: Option<String>,
}

/// Why a page's transaction stopped.
#[derive(Debug)]
enum PageTxError {
    Store(StoreError),
    UnknownWebsites(Vec<WebsiteId>),
}

impl From<StoreError> for PageTxError {
    fn from(error: StoreError) -> Self {
        Self::Store(error)
    }
}

impl From<diesel::result::Error> for PageTxError {
    fn from(error: diesel::result::Error) -> Self {
        Self::Store(StoreError::from(error))
    }
}

impl From<PageTxError> for StatusPageWriteError {
    fn from(error: PageTxError) -> Self {
        match error {
            PageTxError::UnknownWebsites(ids) => Self::UnknownWebsites(ids),
            PageTxError::Store(e) if e.is_unique_violation() => Self::DuplicateSlug,
            PageTxError::Store(e) => e.into(),
        }
    }
}

/// Inside a transaction on `$conn`: fails with `$unknown(ids)` of the ids of `$sites` that
/// are not websites, then replaces page `$page`'s sites with `$sites` in order.
macro_rules! replace_sites {
    ($conn:expr, $page:expr, $sites:expr, $unknown:expr) => {{
        use diesel::prelude::*;
        use diesel_async::RunQueryDsl;
        use lookout_domain::WebsiteId;
        use $crate::schema::{status_page_sites, websites};
        let wanted: Vec<i64> = $sites.iter().map(|id: &WebsiteId| id.get()).collect();
        let found: Vec<i64> = websites::table
            .filter(websites::id.eq_any(&wanted))
            .select(websites::id)
            .load($conn)
            .await?;
        let missing: Vec<WebsiteId> =
            $sites.iter().copied().filter(|id| !found.contains(&id.get())).collect();
        if !missing.is_empty() {
            return Err(($unknown)(missing));
        }
        diesel::delete(
            status_page_sites::table.filter(status_page_sites::status_page_id.eq($page)),
        )
        .execute($conn)
        .await?;
        let rows: Vec<_> = wanted
            .iter()
            .enumerate()
            .map(|(position, site)| {
                (
                    status_page_sites::status_page_id.eq($page),
                    status_page_sites::website_id.eq(*site),
                    status_page_sites::position.eq(i32::try_from(position).unwrap_or(i32::MAX)),
                )
            })
            .collect();
        for row in rows {
            diesel::insert_into(status_page_sites::table).values(row).execute($conn).await?;
        }
    }};
}
pub(crate) use replace_sites;

impl Store {
    /// Pages from rows, each with its sites in order.
    async fn with_sites(&self, rows: Vec<PageRow>) -> Result<Vec<StatusPage>, StoreError> {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let sites: Vec<(i64, i64)> = if ids.is_empty() {
            Vec::new()
        } else {
            with_connection!(self, read, |conn| {
                status_page_sites::table
                    .filter(status_page_sites::status_page_id.eq_any(&ids))
                    .order((status_page_sites::status_page_id, status_page_sites::position))
                    .select((status_page_sites::status_page_id, status_page_sites::website_id))
                    .load(&mut conn)
                    .await
                    .map_err(StoreError::from)?
            })
        };
        let mut by_page: HashMap<i64, Vec<WebsiteId>> = HashMap::new();
        for (page, site) in sites {
            if let Ok(id) = WebsiteId::new(site) {
                by_page.entry(page).or_default().push(id);
            }
        }
        rows.into_iter()
            .map(|row| {
                let corrupt =
                    |e: String| StoreError::CorruptRow(format!("status page {}: {e}", row.id));
                Ok(StatusPage {
                    id: row.id,
                    slug: StatusPageSlug::parse(&row.slug).map_err(corrupt)?,
                    managed: stored_managed(row.managed_by.as_deref(), row.managed_key.as_deref())
                        .map_err(corrupt)?,
                    title: row.title,
                    description: row.description,
                    websites: by_page.remove(&row.id).unwrap_or_default(),
                    created_at: from_column(row.created_at),
                    updated_at: from_column(row.updated_at),
                })
            })
            .collect()
    }

    async fn page_by_slug(&self, slug: &str) -> Result<Option<StatusPage>, StoreError> {
        let row: Option<PageRow> = with_connection!(self, read, |conn| {
            status_pages::table
                .filter(status_pages::slug.eq(slug))
                .select(PageRow::as_select())
                .first(&mut conn)
                .await
                .optional()
                .map_err(StoreError::from)?
        });
        Ok(self.with_sites(row.into_iter().collect()).await?.into_iter().next())
    }
}

impl StatusPageRepository for Store {
    async fn create_status_page(
        &self,
        spec: &StatusPageSpec,
        now: OffsetDateTime,
    ) -> Result<StatusPage, StatusPageWriteError> {
        let at = to_column(now);
        let created: Result<(), PageTxError> = async {
            with_connection!(self, write, |conn| {
                conn.transaction(async |conn| {
                    let page: i64 = diesel::insert_into(status_pages::table)
                        .values((
                            status_pages::slug.eq(spec.slug.as_str()),
                            status_pages::title.eq(&spec.title),
                            status_pages::description.eq(&spec.description),
                            status_pages::created_at.eq(at),
                            status_pages::updated_at.eq(at),
                        ))
                        .returning(status_pages::id)
                        .get_result(conn)
                        .await?;
                    replace_sites!(conn, page, spec.websites, PageTxError::UnknownWebsites);
                    Ok::<_, PageTxError>(())
                })
                .await
            })
        }
        .await;
        created?;
        self.page_by_slug(spec.slug.as_str()).await?.ok_or_else(|| {
            StatusPageWriteError::Unknown("the page vanished after it was made".into())
        })
    }

    async fn list_status_pages(&self) -> Result<Vec<StatusPage>, AlertStoreError> {
        let rows: Vec<PageRow> = with_connection!(self, read, |conn| {
            status_pages::table
                .order(status_pages::slug)
                .select(PageRow::as_select())
                .load(&mut conn)
                .await
                .map_err(StoreError::from)?
        });
        Ok(self.with_sites(rows).await?)
    }

    async fn get_status_page(
        &self,
        slug: &StatusPageSlug,
    ) -> Result<Option<StatusPage>, AlertStoreError> {
        Ok(self.page_by_slug(slug.as_str()).await?)
    }

    async fn update_status_page(
        &self,
        slug: &StatusPageSlug,
        patch: &StatusPagePatch,
        now: OffsetDateTime,
        guard: FileGuard,
    ) -> Result<Guarded<StatusPage>, StatusPageWriteError> {
        let at = to_column(now);
        let updated: Result<Result<(), Stop>, PageTxError> = async {
            with_connection!(self, write, |conn| {
                conn.transaction(async |conn| {
                    let page: Option<(i64, Option<String>)> = status_pages::table
                        .filter(status_pages::slug.eq(slug.as_str()))
                        .select((status_pages::id, status_pages::managed_by))
                        .first(conn)
                        .await
                        .optional()?;
                    if let Err(stop) = gate(page.as_ref().map(|(_, by)| by), guard) {
                        return Ok::<_, PageTxError>(Err(stop));
                    }
                    let Some((page, _)) = page else { return Ok(Err(Stop::Missing)) };
                    diesel::update(status_pages::table.find(page))
                        .set(status_pages::updated_at.eq(at))
                        .execute(conn)
                        .await?;
                    if let Some(new_slug) = &patch.slug {
                        diesel::update(status_pages::table.find(page))
                            .set(status_pages::slug.eq(new_slug.as_str()))
                            .execute(conn)
                            .await?;
                    }
                    if let Some(title) = &patch.title {
                        diesel::update(status_pages::table.find(page))
                            .set(status_pages::title.eq(title))
                            .execute(conn)
                            .await?;
                    }
                    if let Some(description) = &patch.description {
                        diesel::update(status_pages::table.find(page))
                            .set(status_pages::description.eq(description))
                            .execute(conn)
                            .await?;
                    }
                    if let Some(sites) = &patch.websites {
                        replace_sites!(conn, page, sites, PageTxError::UnknownWebsites);
                    }
                    Ok(Ok(()))
                })
                .await
            })
        }
        .await;
        if let Err(stop) = updated? {
            return Ok(stop.outcome(format_args!("status page {}", slug.as_str()))?);
        }
        let current = patch.slug.as_ref().unwrap_or(slug);
        Ok(match self.page_by_slug(current.as_str()).await? {
            Some(page) => Guarded::Done(page),
            None => Guarded::NotFound,
        })
    }

    async fn is_public(&self, id: WebsiteId) -> Result<bool, AlertStoreError> {
        let (public, listed): (Option<bool>, bool) = with_connection!(self, read, |conn| {
            let public = websites::table
                .find(id.get())
                .select(websites::public)
                .first::<bool>(&mut conn)
                .await
                .optional()
                .map_err(StoreError::from)?;
            let listed = diesel::select(diesel::dsl::exists(
                status_page_sites::table.filter(status_page_sites::website_id.eq(id.get())),
            ))
            .get_result::<bool>(&mut conn)
            .await
            .map_err(StoreError::from)?;
            (public, listed)
        });
        Ok(public.is_some_and(|public| public || listed))
    }

    async fn delete_status_page(
        &self,
        slug: &StatusPageSlug,
        guard: FileGuard,
    ) -> Result<Guarded<()>, AlertStoreError> {
        let page = || status_pages::table.filter(status_pages::slug.eq(slug.as_str()));
        let outcome: Result<(), Stop> = with_connection!(self, write, |conn| {
            conn.transaction(async |conn| {
                if let Err(stop) = gate(managed_by!(conn, page(), status_pages).as_ref(), guard) {
                    return Ok(Err(stop));
                }
                diesel::delete(page()).execute(conn).await?;
                Ok::<_, diesel::result::Error>(Ok(()))
            })
            .await
            .map_err(StoreError::from)?
        });
        Ok(Stop::settle(outcome, format_args!("status page {}", slug.as_str()))?)
    }
}
