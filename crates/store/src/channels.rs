//! `ChannelRepository` on the store: the `channels` table. A channel's configuration is kept as
//! JSON (secrets included: only the notifier reads them; the API masks them).

use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use lookout_domain::WebsiteId;
use lookout_domain::WebsiteUrl;
use lookout_domain::alerting::{
    AlertStoreError, Channel, ChannelConfig, ChannelDeletion, ChannelId, ChannelKind, ChannelName,
    ChannelPatch, ChannelRepository, EmailAddress, Header, NewChannel, Secret, TemplateMethod,
};
use lookout_domain::manifest::Managed;
use lookout_domain::website::{FileGuard, Guarded};
use serde::{Deserialize, Serialize};
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::ownership::{gate, managed_by, managed_columns, stored_managed};
use crate::schema::{alert_policy_channels, channels};
use crate::store::with_connection;
use crate::time_conv::{from_column, to_column};
use crate::{Store, StoreError};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = channels)]
pub(crate) struct ChannelRow {
    id: i64,
    name: String,
    kind: String,
    config: String,
    is_default: bool,
    created_at: PrimitiveDateTime,
    updated_at: PrimitiveDateTime,
    managed_by: Option<String>,
    managed_key: Option<String>,
}

/// A channel as written whole: made through the API, or made or replaced by a document (with
/// its mark).
#[derive(Debug, Insertable)]
#[diesel(table_name = channels)]
pub(crate) struct NewChannelRow<'a> {
    name: &'a str,
    kind: &'static str,
    config: String,
    is_default: bool,
    created_at: PrimitiveDateTime,
    updated_at: PrimitiveDateTime,
    managed_by: Option<&'a str>,
    managed_key: Option<&'a str>,
}

impl<'a> NewChannelRow<'a> {
    /// A channel to make, with its document's mark when a document makes it.
    pub(crate) fn new(
        new: &'a NewChannel,
        now: OffsetDateTime,
        managed: Option<&'a Managed>,
    ) -> Self {
        let (managed_by, managed_key) = managed.map_or((None, None), managed_columns);
        Self {
            name: new.name.as_str(),
            kind: new.config.kind().as_str(),
            config: config_json(&new.config),
            is_default: new.is_default,
            created_at: to_column(now),
            updated_at: to_column(now),
            managed_by,
            managed_key,
        }
    }

    /// Every field of a stored channel a document replaces (all but `kind`, which never
    /// changes, and `created_at`), its mark included.
    pub(crate) fn replacing(&self) -> ChannelReplacement<'_> {
        (
            channels::name.eq(self.name),
            channels::config.eq(&self.config),
            channels::is_default.eq(self.is_default),
            channels::updated_at.eq(self.updated_at),
            channels::managed_by.eq(self.managed_by),
            channels::managed_key.eq(self.managed_key),
        )
    }
}

/// The changeset of [`NewChannelRow::replacing`].
pub(crate) type ChannelReplacement<'a> = (
    diesel::dsl::Eq<channels::name, &'a str>,
    diesel::dsl::Eq<channels::config, &'a String>,
    diesel::dsl::Eq<channels::is_default, bool>,
    diesel::dsl::Eq<channels::updated_at, PrimitiveDateTime>,
    diesel::dsl::Eq<channels::managed_by, Option<&'a str>>,
    diesel::dsl::Eq<channels::managed_key, Option<&'a str>>,
);

#[derive(Debug, AsChangeset)]
#[diesel(table_name = channels)]
struct ChannelChangeset {
    name: Option<String>,
    config: Option<String>,
    is_default: Option<bool>,
    updated_at: PrimitiveDateTime,
}

/// The stored JSON of a configuration (the kind is its own column).
#[derive(Debug, Serialize, Deserialize)]
struct StoredConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    headers: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    webhook_url: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    to: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    content_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    body_template: Option<String>,
}

fn headers_out(headers: &[Header]) -> Vec<(String, String)> {
    headers.iter().map(|h| (h.name.clone(), h.value.expose().to_owned())).collect()
}

pub(crate) fn config_json(config: &ChannelConfig) -> String {
    let empty = StoredConfig {
        url: None,
        secret: None,
        headers: Vec::new(),
        webhook_url: None,
        to: Vec::new(),
        method: None,
        content_type: None,
        body_template: None,
    };
    let stored = match config {
        ChannelConfig::Webhook { url, secret, headers } => StoredConfig {
            url: Some(url.as_str().to_owned()),
            secret: secret.as_ref().map(|s| s.expose().to_owned()),
            headers: headers_out(headers),
            ..empty
        },
        ChannelConfig::Slack { webhook_url } => {
            StoredConfig { webhook_url: Some(webhook_url.expose().to_owned()), ..empty }
        }
        ChannelConfig::Email { to } => {
            StoredConfig { to: to.iter().map(|a| a.as_str().to_owned()).collect(), ..empty }
        }
        ChannelConfig::Template { url, method, headers, content_type, body_template } => {
            StoredConfig {
                url: Some(url.as_str().to_owned()),
                headers: headers_out(headers),
                method: Some(method.as_str().to_owned()),
                content_type: Some(content_type.clone()),
                body_template: Some(body_template.clone()),
                ..empty
            }
        }
    };
    serde_json::to_string(&stored).unwrap_or_default()
}

fn parse_config(kind: ChannelKind, json: &str) -> Result<ChannelConfig, String> {
    let stored: StoredConfig = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let url = || -> Result<WebsiteUrl, String> {
        WebsiteUrl::parse(stored.url.as_deref().unwrap_or_default()).map_err(|e| e.to_string())
    };
    let headers = || -> Vec<Header> {
        stored
            .headers
            .iter()
            .map(|(name, value)| Header { name: name.clone(), value: Secret::new(value.clone()) })
            .collect()
    };
    Ok(match kind {
        ChannelKind::Webhook => ChannelConfig::Webhook {
            url: url()?,
            secret: stored.secret.clone().map(Secret::new),
            headers: headers(),
        },
        ChannelKind::Slack => ChannelConfig::Slack {
            webhook_url: Secret::new(stored.webhook_url.clone().unwrap_or_default()),
        },
        ChannelKind::Email => ChannelConfig::Email {
            to: stored.to.iter().map(|a| EmailAddress::parse(a)).collect::<Result<_, _>>()?,
        },
        ChannelKind::Template => ChannelConfig::Template {
            url: url()?,
            method: stored
                .method
                .as_deref()
                .and_then(TemplateMethod::parse)
                .unwrap_or(TemplateMethod::Post),
            headers: headers(),
            content_type: stored.content_type.clone().unwrap_or_else(|| "application/json".into()),
            body_template: stored.body_template.clone().unwrap_or_default(),
        },
    })
}

impl TryFrom<ChannelRow> for Channel {
    type Error = StoreError;

    fn try_from(row: ChannelRow) -> Result<Self, StoreError> {
        let corrupt = |what: String| StoreError::CorruptRow(format!("channel {}: {what}", row.id));
        let kind =
            ChannelKind::parse(&row.kind).ok_or_else(|| corrupt(format!("kind {}", row.kind)))?;
        Ok(Channel {
            id: ChannelId::new(row.id).map_err(|e| corrupt(e.to_string()))?,
            name: ChannelName::parse(&row.name).map_err(corrupt)?,
            config: parse_config(kind, &row.config).map_err(corrupt)?,
            is_default: row.is_default,
            managed: stored_managed(row.managed_by.as_deref(), row.managed_key.as_deref())
                .map_err(corrupt)?,
            created_at: from_column(row.created_at),
            updated_at: from_column(row.updated_at),
        })
    }
}

impl ChannelRepository for Store {
    async fn create_channel(
        &self,
        new: &NewChannel,
        now: OffsetDateTime,
    ) -> Result<Channel, AlertStoreError> {
        let row = NewChannelRow::new(new, now, None);
        let row: ChannelRow = with_connection!(self, write, |conn| {
            diesel::insert_into(channels::table)
                .values(&row)
                .returning(ChannelRow::as_returning())
                .get_result(&mut conn)
                .await
                .map_err(StoreError::from)?
        });
        Ok(Channel::try_from(row)?)
    }

    async fn list_channels(&self) -> Result<Vec<Channel>, AlertStoreError> {
        let rows: Vec<ChannelRow> = with_connection!(self, read, |conn| {
            channels::table
                .order(channels::id)
                .select(ChannelRow::as_select())
                .load(&mut conn)
                .await
                .map_err(StoreError::from)?
        });
        Ok(rows.into_iter().map(Channel::try_from).collect::<Result<_, _>>()?)
    }

    async fn get_channel(&self, id: ChannelId) -> Result<Option<Channel>, AlertStoreError> {
        let row: Option<ChannelRow> = with_connection!(self, read, |conn| {
            channels::table
                .find(id.get())
                .select(ChannelRow::as_select())
                .first(&mut conn)
                .await
                .optional()
                .map_err(StoreError::from)?
        });
        Ok(row.map(Channel::try_from).transpose()?)
    }

    async fn update_channel(
        &self,
        id: ChannelId,
        patch: &ChannelPatch,
        now: OffsetDateTime,
        guard: FileGuard,
    ) -> Result<Guarded<Channel>, AlertStoreError> {
        let changes = ChannelChangeset {
            name: patch.name.as_ref().map(|n| n.as_str().to_owned()),
            config: patch.config.as_ref().map(config_json),
            is_default: patch.is_default,
            updated_at: to_column(now),
        };
        let row = with_connection!(self, write, |conn| {
            conn.transaction(async |conn| {
                if let Err(stop) = gate(
                    managed_by!(conn, channels::table.find(id.get()), channels).as_ref(),
                    guard,
                ) {
                    return Ok(Err(stop));
                }
                diesel::update(channels::table.find(id.get()))
                    .set(&changes)
                    .returning(ChannelRow::as_returning())
                    .get_result(conn)
                    .await
                    .map(Ok)
            })
            .await
            .map_err(StoreError::from)?
        });
        match row {
            Ok(row) => Ok(Guarded::Done(Channel::try_from(row)?)),
            Err(stop) => Ok(stop.outcome(format_args!("channel {id}"))?),
        }
    }

    async fn delete_channel(
        &self,
        id: ChannelId,
        force: bool,
        guard: FileGuard,
    ) -> Result<ChannelDeletion, AlertStoreError> {
        let outcome = with_connection!(self, write, |conn| {
            conn.transaction(async |conn| {
                if let Err(stop) = gate(
                    managed_by!(conn, channels::table.find(id.get()), channels).as_ref(),
                    guard,
                ) {
                    return Ok(Err(stop));
                }
                let users: Vec<i64> = alert_policy_channels::table
                    .filter(alert_policy_channels::channel_id.eq(id.get()))
                    .select(alert_policy_channels::website_id)
                    .distinct()
                    .order(alert_policy_channels::website_id)
                    .load(conn)
                    .await?;
                if !users.is_empty() && !force {
                    let websites =
                        users.into_iter().filter_map(|w| WebsiteId::new(w).ok()).collect();
                    return Ok(Ok(ChannelDeletion::InUse { websites }));
                }
                diesel::delete(
                    alert_policy_channels::table
                        .filter(alert_policy_channels::channel_id.eq(id.get())),
                )
                .execute(conn)
                .await?;
                diesel::delete(channels::table.find(id.get())).execute(conn).await?;
                Ok::<_, diesel::result::Error>(Ok(ChannelDeletion::Deleted))
            })
            .await
            .map_err(StoreError::from)?
        });
        match outcome {
            Ok(deletion) => Ok(deletion),
            Err(stop) => match stop.owner(format_args!("channel {id}"))? {
                Some(owner) => Ok(ChannelDeletion::ManagedByFile(owner)),
                None => Ok(ChannelDeletion::NotFound),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_json() {
        let url = WebsiteUrl::parse("https://hooks.example.com/x").unwrap();
        let configs = [
            ChannelConfig::Webhook {
                url: url.clone(),
                secret: Some(Secret::new("s3cret")),
                headers: vec![Header { name: "X-Token".into(), value: Secret::new("t") }],
            },
            ChannelConfig::Slack { webhook_url: Secret::new("https://hooks.slack.com/T/B/x") },
            ChannelConfig::Email { to: vec![EmailAddress::parse("ops@example.com").unwrap()] },
            ChannelConfig::Template {
                url,
                method: TemplateMethod::Put,
                headers: vec![],
                content_type: "text/plain".into(),
                body_template: "{{ website.name }} is {{ event }}".into(),
            },
        ];
        for config in configs {
            let json = config_json(&config);
            assert_eq!(parse_config(config.kind(), &json).unwrap(), config);
        }
    }
}
