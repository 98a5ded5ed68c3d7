//! `ManifestRepository` on the store: what a plan is made against, and a document's writes in
//! one transaction.

use std::sync::atomic::{AtomicUsize, Ordering};

use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use lookout_domain::WebsiteId;
use lookout_domain::alerting::{AlertPolicy, AlertStoreError, ChannelRepository};
use lookout_domain::maintenance::MaintenanceRepository;
use lookout_domain::manifest::{
    ChannelWrite, ManifestReadError, ManifestRepository, ManifestWriteError, ManifestWrites,
    SiteWrite, SiteWritten, StoredItems, replacing_patch,
};
use lookout_domain::status_pages::StatusPageRepository;
use lookout_domain::website::{FileGuard, ListWebsitesError, UpdatedWebsite, WebsiteRepository};
use time::OffsetDateTime;

use crate::alert_policies::save_policy;
use crate::manifest_items::{
    check_stamp, site_with_channel_ids, write_channel, write_maintenance, write_status_page,
};
use crate::rows::{NewWebsiteRow, WebsiteRow};
use crate::schema::websites;
use crate::site_patch::patch_row;
use crate::store::with_connection;
use crate::website_repository::PolicyTxError;
use crate::{Backend, Store, StoreError};

/// The advisory lock key of document writes on PostgreSQL ("lookout:apply").
const DOCUMENT_LOCK: i64 = 0x6c6f_6f6b_6170_706c;

/// What one write left, before policies are read back.
enum RowWritten {
    Created(Box<WebsiteRow>),
    Updated(Box<(WebsiteRow, Option<AlertPolicy>, WebsiteRow)>),
    Deleted(WebsiteId),
}

/// Why the stored items could not be read.
fn read_error(error: AlertStoreError) -> ManifestReadError {
    match error {
        AlertStoreError::Unavailable(e) => ManifestReadError::Unavailable(e),
        AlertStoreError::Unknown(e) => ManifestReadError::Unknown(e),
    }
}

/// The position `at` holds while no site write is being made.
const NO_SITE: usize = usize::MAX;

impl ManifestRepository for Store {
    async fn stored_items(&self) -> Result<StoredItems, ManifestReadError> {
        let websites = self.list_websites().await.map_err(|error| match error {
            ListWebsitesError::Unavailable(e) => ManifestReadError::Unavailable(e),
            ListWebsitesError::Unknown(e) => ManifestReadError::Unknown(e),
        })?;
        let channels = self.list_channels().await.map_err(read_error)?;
        let maintenance = self.list_maintenance().await.map_err(read_error)?;
        let status_pages = self.list_status_pages().await.map_err(read_error)?;
        Ok(StoredItems { websites, channels, maintenance, status_pages })
    }

    async fn write(
        &self,
        writes: &ManifestWrites,
        now: OffsetDateTime,
    ) -> Result<Vec<SiteWritten>, ManifestWriteError> {
        // The position of the site write being made, to name the one that failed.
        let at = AtomicUsize::new(NO_SITE);
        let deleting = |write: &&ChannelWrite| matches!(write, ChannelWrite::Delete { .. });
        let postgres = self.backend() == Backend::Postgres;
        let result: Result<Vec<RowWritten>, PolicyTxError> = async {
            with_connection!(self, write, |conn| {
                conn.transaction(async |conn| {
                    if postgres {
                        // One document write at a time across every node (nodes that own the
                        // same file apply it once: the others then find it stale or applied).
                        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
                            .bind::<diesel::sql_types::BigInt, _>(DOCUMENT_LOCK)
                            .execute(conn)
                            .await?;
                    }
                    for write in writes.channels.iter().filter(|w| !deleting(w)) {
                        write_channel!(&mut *conn, write, now);
                    }
                    let mut done = Vec::with_capacity(writes.sites.len());
                    for (position, write) in writes.sites.iter().enumerate() {
                        AtomicUsize::store(&at, position, Ordering::Relaxed);
                        done.push(match write {
                            SiteWrite::Create { site, managed } => {
                                let site = site_with_channel_ids!(&mut *conn, site, &writes.owner);
                                let row: WebsiteRow = diesel::insert_into(websites::table)
                                    .values(&NewWebsiteRow::new(&site, now).managed(managed))
                                    .returning(WebsiteRow::as_returning())
                                    .get_result(conn)
                                    .await?;
                                if let Some(policy) = &site.alerts {
                                    save_policy!(conn, row.id, policy);
                                }
                                RowWritten::Created(Box::new(row))
                            }
                            SiteWrite::Update { id, read_at, site, managed } => {
                                check_stamp!(&mut *conn, websites, id.get(), *read_at);
                                let site = site_with_channel_ids!(&mut *conn, site, &writes.owner);
                                let patch = replacing_patch(&site);
                                let (before, policy, after) = patch_row!(
                                    &mut *conn,
                                    *id,
                                    &patch,
                                    now,
                                    FileGuard::Force,
                                    Some(managed)
                                );
                                RowWritten::Updated(Box::new((before, policy, after)))
                            }
                            SiteWrite::Delete { id, read_at } => {
                                check_stamp!(&mut *conn, websites, id.get(), *read_at);
                                diesel::delete(websites::table.find(id.get()))
                                    .execute(conn)
                                    .await?;
                                RowWritten::Deleted(*id)
                            }
                        });
                    }
                    AtomicUsize::store(&at, NO_SITE, Ordering::Relaxed);
                    for write in writes.channels.iter().filter(deleting) {
                        write_channel!(&mut *conn, write, now);
                    }
                    for write in &writes.maintenance {
                        write_maintenance!(&mut *conn, write, &writes.owner, now);
                    }
                    for write in &writes.status_pages {
                        write_status_page!(&mut *conn, write, &writes.owner, now);
                    }
                    Ok::<_, PolicyTxError>(done)
                })
                .await
            })
        }
        .await;
        let at = AtomicUsize::load(&at, Ordering::Relaxed);
        match result {
            Ok(rows) => Ok(self.read_back(rows).await?),
            Err(PolicyTxError::Stale) => Err(ManifestWriteError::Stale),
            Err(PolicyTxError::UnknownChannels(ids)) => {
                Err(ManifestWriteError::UnknownChannels { at, ids })
            }
            Err(PolicyTxError::UnknownChannelKey(key)) => {
                Err(ManifestWriteError::UnknownChannelKey { at, key })
            }
            Err(PolicyTxError::UnknownSiteKey(key)) => {
                Err(ManifestWriteError::UnknownSiteKey { key })
            }
            Err(PolicyTxError::ChannelInUse { id, websites }) => {
                Err(ManifestWriteError::ChannelInUse { id, websites })
            }
            // A channel's mark, or a page's slug, taken under the plan (another apply).
            Err(PolicyTxError::Store(e)) if e.is_unique_violation() && at == NO_SITE => {
                Err(ManifestWriteError::Stale)
            }
            Err(PolicyTxError::Store(e)) if e.is_unique_violation() => {
                Err(ManifestWriteError::DuplicateUrl { at })
            }
            Err(PolicyTxError::Store(e)) if e.is_not_found() => Err(ManifestWriteError::Stale),
            Err(PolicyTxError::Store(e)) => Err(e.into()),
            // Whole regions are declared and a document's writes are forced: neither can be.
            Err(PolicyTxError::Regions(e)) => Err(ManifestWriteError::Unknown(Box::new(e))),
            Err(PolicyTxError::Managed(owner)) => {
                Err(ManifestWriteError::Unknown(format!("managed by {owner}").into()))
            }
        }
    }
}

impl Store {
    /// Sites from the rows a document's writes left, with their alert policies (read for all
    /// of them at once).
    async fn read_back(&self, rows: Vec<RowWritten>) -> Result<Vec<SiteWritten>, StoreError> {
        let mut fresh = Vec::new();
        let mut shapes = Vec::with_capacity(rows.len());
        for row in rows {
            shapes.push(match row {
                RowWritten::Created(row) => {
                    fresh.push(*row);
                    Shape::Created
                }
                RowWritten::Updated(written) => {
                    let (before, policy, after) = *written;
                    let mut before = lookout_domain::Website::try_from(before)?;
                    before.alerts = policy;
                    fresh.push(after);
                    Shape::Updated(Box::new(before))
                }
                RowWritten::Deleted(id) => Shape::Deleted(id),
            });
        }
        let mut fresh = self.with_policies(fresh).await?.into_iter();
        let mut written = Vec::with_capacity(shapes.len());
        for shape in shapes {
            let mut next = || {
                fresh
                    .next()
                    .ok_or_else(|| StoreError::CorruptRow("a written site went missing".into()))
            };
            written.push(match shape {
                Shape::Created => SiteWritten::Created(Box::new(next()?)),
                Shape::Updated(before) => SiteWritten::Updated(Box::new(UpdatedWebsite {
                    before: *before,
                    after: next()?,
                })),
                Shape::Deleted(id) => SiteWritten::Deleted(id),
            });
        }
        Ok(written)
    }
}

/// Which written site a row read back belongs to.
enum Shape {
    Created,
    Updated(Box<lookout_domain::Website>),
    Deleted(WebsiteId),
}
