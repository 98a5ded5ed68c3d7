//! `WebsiteRepository` on the store: the websites table on either backend.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use lookout_domain::alerting::{AlertPolicy, ChannelId};
use lookout_domain::regions::RegionsError;

use crate::alert_policies::save_policy;
use lookout_domain::website::{
    CreateWebsiteError, DeleteWebsiteError, FileGuard, GetWebsiteError, HealthError,
    ListWebsitesError, UpdateWebsiteError, UpdatedWebsite, WebsiteRepository,
};
use lookout_domain::{NewWebsite, Website, WebsiteId, WebsitePatch};
use time::OffsetDateTime;

use crate::alert_policies::{PolicyRow, assemble, policies_query, policy_channels_query};
use crate::ownership::{Stop, gate, managed_by, stored_owner};
use crate::rows::{NewWebsiteRow, WebsiteRow, updated_pair};
use crate::schema::websites;
use crate::site_patch::patch_row;
use crate::store::with_connection;
use crate::{Store, StoreError};

impl WebsiteRepository for Store {
    async fn create_website(
        &self,
        new: &NewWebsite,
        now: OffsetDateTime,
    ) -> Result<Website, CreateWebsiteError> {
        let row = NewWebsiteRow::new(new, now);
        let inserted: Result<WebsiteRow, PolicyTxError> = async {
            with_connection!(self, write, |conn| {
                conn.transaction(async |conn| {
                    let row: WebsiteRow = diesel::insert_into(websites::table)
                        .values(&row)
                        .returning(WebsiteRow::as_returning())
                        .get_result(conn)
                        .await?;
                    if let Some(policy) = &new.alerts {
                        save_policy!(conn, row.id, policy);
                    }
                    Ok::<_, PolicyTxError>(row)
                })
                .await
            })
        }
        .await;
        match inserted {
            Ok(row) => {
                let mut website = Website::try_from(row)?;
                website.alerts = new.alerts.clone();
                Ok(website)
            }
            Err(PolicyTxError::UnknownChannels(ids)) => {
                Err(CreateWebsiteError::UnknownChannels(ids))
            }
            Err(PolicyTxError::Store(e)) if e.is_unique_violation() => {
                Err(CreateWebsiteError::DuplicateUrl(new.url.clone()))
            }
            // A new site's regions are parsed whole before it is stored: nothing to patch; a
            // new site is not yet anyone's.
            Err(PolicyTxError::Regions(e)) => Err(CreateWebsiteError::Unknown(Box::new(e))),
            Err(
                PolicyTxError::Managed(_)
                | PolicyTxError::Stale
                | PolicyTxError::UnknownChannelKey(_)
                | PolicyTxError::UnknownSiteKey(_)
                | PolicyTxError::ChannelInUse { .. },
            ) => Err(CreateWebsiteError::Unknown("a new site has no owner and no past".into())),
            Err(PolicyTxError::Store(e)) => Err(e.into()),
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
        Ok(self.with_policies(rows).await?)
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
        Ok(self.with_policies(rows).await?)
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
            Some(row) => Ok(self.with_policies(vec![row]).await?.remove(0)),
            None => Err(GetWebsiteError::NotFound(id)),
        }
    }

    async fn update_website(
        &self,
        id: WebsiteId,
        patch: &WebsitePatch,
        now: OffsetDateTime,
        guard: FileGuard,
    ) -> Result<UpdatedWebsite, UpdateWebsiteError> {
        type Before = (WebsiteRow, Option<AlertPolicy>);
        let result: Result<(Before, WebsiteRow), PolicyTxError> = async {
            with_connection!(self, write, |conn| {
                conn.transaction(async |conn| {
                    let (before, before_policy, after) =
                        patch_row!(conn, id, patch, now, guard, None);
                    Ok::<_, PolicyTxError>(((before, before_policy), after))
                })
                .await
            })
        }
        .await;
        match result {
            Ok(((before, before_policy), after)) => {
                let mut pair = updated_pair(before, after)?;
                pair.before.alerts = before_policy;
                pair.after = self.with_policies_of(pair.after).await?;
                Ok(pair)
            }
            Err(PolicyTxError::UnknownChannels(ids)) => {
                Err(UpdateWebsiteError::UnknownChannels(ids))
            }
            Err(PolicyTxError::Regions(e)) => Err(UpdateWebsiteError::Regions(e)),
            Err(PolicyTxError::Managed(owner)) => Err(UpdateWebsiteError::ManagedByFile(
                stored_owner(format_args!("website {id}"), &owner)?,
            )),
            Err(PolicyTxError::Store(e)) if e.is_not_found() => {
                Err(UpdateWebsiteError::NotFound(id))
            }
            Err(
                PolicyTxError::Stale
                | PolicyTxError::UnknownChannelKey(_)
                | PolicyTxError::UnknownSiteKey(_)
                | PolicyTxError::ChannelInUse { .. },
            ) => Err(UpdateWebsiteError::Unknown("a hand edit is no document's write".into())),
            Err(PolicyTxError::Store(e)) if e.is_unique_violation() => match &patch.url {
                Some(url) => Err(UpdateWebsiteError::DuplicateUrl(url.clone())),
                None => Err(e.into()),
            },
            Err(PolicyTxError::Store(e)) => Err(e.into()),
        }
    }

    async fn delete_website(
        &self,
        id: WebsiteId,
        guard: FileGuard,
    ) -> Result<(), DeleteWebsiteError> {
        let outcome: Result<(), Stop> = with_connection!(self, write, |conn| {
            conn.transaction(async |conn| {
                let owner = managed_by!(conn, websites::table.find(id.get()), websites);
                if let Err(stop) = gate(owner.as_ref(), guard) {
                    return Ok(Err(stop));
                }
                diesel::delete(websites::table.find(id.get())).execute(conn).await?;
                Ok::<_, diesel::result::Error>(Ok(()))
            })
            .await
            .map_err(StoreError::from)?
        });
        let Err(stop) = outcome else { return Ok(()) };
        match stop.owner(format_args!("website {id}"))? {
            Some(owner) => Err(DeleteWebsiteError::ManagedByFile(owner)),
            None => Err(DeleteWebsiteError::NotFound(id)),
        }
    }

    async fn ping(&self) -> Result<(), HealthError> {
        with_connection!(self, read, |conn| {
            diesel::sql_query("SELECT 1").execute(&mut conn).await.map_err(StoreError::from)?;
        });
        Ok(())
    }
}

/// A website write that also saves its alert policy.
#[derive(Debug)]
pub(crate) enum PolicyTxError {
    Store(StoreError),
    UnknownChannels(Vec<ChannelId>),
    Regions(RegionsError),
    /// A hand edit of a site a document manages (its owner).
    Managed(String),
    /// A document's write found a site changed since its plan read it.
    Stale,
    /// A document's site names a channel key its file has no channel of.
    UnknownChannelKey(lookout_domain::manifest::ItemKey),
    /// A document's window or page names a site key its file has no site of.
    UnknownSiteKey(lookout_domain::manifest::ItemKey),
    /// A document's channel to delete is still named by these sites' alerts.
    ChannelInUse {
        id: ChannelId,
        websites: Vec<WebsiteId>,
    },
}

impl From<StoreError> for PolicyTxError {
    fn from(error: StoreError) -> Self {
        Self::Store(error)
    }
}

impl From<diesel::result::Error> for PolicyTxError {
    fn from(error: diesel::result::Error) -> Self {
        Self::Store(StoreError::from(error))
    }
}

impl Store {
    /// Websites from rows, each with its alert policy (two queries for the whole list).
    pub(crate) async fn with_policies(
        &self,
        rows: Vec<WebsiteRow>,
    ) -> Result<Vec<Website>, StoreError> {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut policies: HashMap<i64, AlertPolicy> = if ids.is_empty() {
            HashMap::new()
        } else {
            with_connection!(self, read, |conn| {
                let rows: Vec<PolicyRow> =
                    policies_query(&ids).load(&mut conn).await.map_err(StoreError::from)?;
                if rows.is_empty() {
                    HashMap::new()
                } else {
                    let channels = policy_channels_query(&ids)
                        .load(&mut conn)
                        .await
                        .map_err(StoreError::from)?;
                    assemble(rows, channels)
                }
            })
        };
        rows.into_iter()
            .map(|row| {
                let id = row.id;
                let mut website = Website::try_from(row)?;
                website.alerts = policies.remove(&id);
                Ok(website)
            })
            .collect()
    }

    async fn with_policies_of(&self, website: Website) -> Result<Website, StoreError> {
        let policies = self.policies_of(&[website.id.get()]).await?;
        Ok(Website { alerts: policies.into_iter().next().map(|(_, p)| p), ..website })
    }

    async fn policies_of(&self, ids: &[i64]) -> Result<HashMap<i64, AlertPolicy>, StoreError> {
        Ok(with_connection!(self, read, |conn| {
            let rows: Vec<PolicyRow> =
                policies_query(ids).load(&mut conn).await.map_err(StoreError::from)?;
            let channels =
                policy_channels_query(ids).load(&mut conn).await.map_err(StoreError::from)?;
            assemble(rows, channels)
        }))
    }
}
