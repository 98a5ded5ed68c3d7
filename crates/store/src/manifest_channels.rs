//! A document's channel writes, inside the transaction of its whole apply: made and changed
//! before its sites (which may name them by key), deleted after them (once no site names
//! them), each carrying the file's mark.

/// Inside a document's transaction on `$conn`: makes or changes one channel, or deletes it
/// when no site's alerts name it any more. Fails as stale when the channel was written after
/// the plan read it.
macro_rules! write_channel {
    ($conn:expr, $write:expr, $now:expr) => {{
        use diesel::prelude::*;
        use diesel_async::RunQueryDsl;
        use lookout_domain::manifest::ChannelWrite;
        use $crate::schema::{alert_policy_channels, channels};
        use $crate::website_repository::PolicyTxError;
        let (write, now): (&ChannelWrite, time::OffsetDateTime) = ($write, $now);
        let unchanged = |stamp: Option<time::PrimitiveDateTime>, read_at| {
            stamp == Some($crate::time_conv::to_column(read_at))
        };
        match write {
            ChannelWrite::Create { channel, managed } => {
                diesel::insert_into(channels::table)
                    .values(&$crate::channels::NewChannelRow::new(channel, now, Some(managed)))
                    .execute($conn)
                    .await?;
            }
            ChannelWrite::Update { id, read_at, channel, managed } => {
                let stamp = channels::table
                    .find(id.get())
                    .select(channels::updated_at)
                    .first($conn)
                    .await
                    .optional()?;
                if !unchanged(stamp, *read_at) {
                    return Err(PolicyTxError::Stale);
                }
                let row = $crate::channels::NewChannelRow::new(channel, now, Some(managed));
                diesel::update(channels::table.find(id.get()))
                    .set(row.replacing())
                    .execute($conn)
                    .await?;
            }
            ChannelWrite::Delete { id, read_at } => {
                let stamp = channels::table
                    .find(id.get())
                    .select(channels::updated_at)
                    .first($conn)
                    .await
                    .optional()?;
                if !unchanged(stamp, *read_at) {
                    return Err(PolicyTxError::Stale);
                }
                let users: Vec<i64> = alert_policy_channels::table
                    .filter(alert_policy_channels::channel_id.eq(id.get()))
                    .select(alert_policy_channels::website_id)
                    .distinct()
                    .order(alert_policy_channels::website_id)
                    .load($conn)
                    .await?;
                if !users.is_empty() {
                    let websites = users
                        .into_iter()
                        .filter_map(|w| lookout_domain::WebsiteId::new(w).ok())
                        .collect();
                    return Err(PolicyTxError::ChannelInUse { id: *id, websites });
                }
                diesel::delete(channels::table.find(id.get())).execute($conn).await?;
            }
        }
    }};
}
pub(crate) use write_channel;

/// Inside a document's transaction on `$conn`: the declared site `$site` with every channel
/// it names by key named by the id of the file's (`$owner`) channel of that key.
macro_rules! site_with_channel_ids {
    ($conn:expr, $site:expr, $owner:expr) => {{
        use diesel::prelude::*;
        use diesel_async::RunQueryDsl;
        use lookout_domain::manifest::ChannelRef;
        use $crate::schema::channels;
        use $crate::website_repository::PolicyTxError;
        let (site, owner): (
            &lookout_domain::manifest::DeclaredSite,
            &lookout_domain::manifest::Owner,
        ) = ($site, $owner);
        let mut keys: Vec<String> = Vec::new();
        let _ = site.try_map_channels(|named| {
            if let ChannelRef::Key(key) = named {
                keys.push(key.as_str().to_owned());
            }
            Ok::<_, ()>(())
        });
        let found: Vec<(Option<String>, i64)> = if keys.is_empty() {
            Vec::new()
        } else {
            channels::table
                .filter(channels::managed_by.eq(owner.as_str()))
                .filter(channels::managed_key.eq_any(&keys))
                .select((channels::managed_key, channels::id))
                .load($conn)
                .await?
        };
        site.try_map_channels(|named| match named {
            ChannelRef::Id(id) => Ok(*id),
            ChannelRef::Key(key) => found
                .iter()
                .find(|(stored, _)| stored.as_deref() == Some(key.as_str()))
                .and_then(|(_, id)| lookout_domain::alerting::ChannelId::new(*id).ok())
                .ok_or_else(|| PolicyTxError::UnknownChannelKey(key.clone())),
        })?
    }};
}
pub(crate) use site_with_channel_ids;
