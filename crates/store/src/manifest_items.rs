//! A document's writes of channels, maintenance windows and status pages, inside the
//! transaction of its whole apply: channels before its sites (which may name them by key) and
//! deleted after them (once no site names them); windows and pages after its sites (which they
//! may name by key). Every write carries the file's mark and fails as stale when the item was
//! written after the plan read it.

/// Inside a document's transaction: fails it as stale unless row `$id` of `$table` is still
/// as the plan read it (`updated_at` = `$read_at`).
macro_rules! check_stamp {
    ($conn:expr, $table:ident, $id:expr, $read_at:expr) => {{
        use diesel::prelude::*;
        use diesel_async::RunQueryDsl;
        let stamp: Option<time::PrimitiveDateTime> = $crate::schema::$table::table
            .find($id)
            .select($crate::schema::$table::updated_at)
            .first($conn)
            .await
            .optional()?;
        if stamp != Some($crate::time_conv::to_column($read_at)) {
            return Err($crate::website_repository::PolicyTxError::Stale);
        }
    }};
}
pub(crate) use check_stamp;

/// Inside a document's transaction on `$conn`: makes or changes one channel, or deletes it
/// when no site's alerts name it any more.
macro_rules! write_channel {
    ($conn:expr, $write:expr, $now:expr) => {{
        use diesel::prelude::*;
        use diesel_async::RunQueryDsl;
        use lookout_domain::manifest::ChannelWrite;
        use $crate::manifest_items::check_stamp;
        use $crate::schema::{alert_policy_channels, channels};
        use $crate::website_repository::PolicyTxError;
        let (write, now): (&ChannelWrite, time::OffsetDateTime) = ($write, $now);
        match write {
            ChannelWrite::Create { item, managed } => {
                diesel::insert_into(channels::table)
                    .values(&$crate::channels::NewChannelRow::new(item, now, Some(managed)))
                    .execute($conn)
                    .await?;
            }
            ChannelWrite::Update { id, read_at, item, managed } => {
                check_stamp!($conn, channels, id.get(), *read_at);
                let row = $crate::channels::NewChannelRow::new(item, now, Some(managed));
                diesel::update(channels::table.find(id.get()))
                    .set(row.replacing())
                    .execute($conn)
                    .await?;
            }
            ChannelWrite::Delete { id, read_at } => {
                check_stamp!($conn, channels, id.get(), *read_at);
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

/// Inside a document's transaction on `$conn`: `$item` (anything with `try_map_channels` or
/// `try_map_sites`, named by `$map`) with every item it names by key named by the id of the
/// file's (`$owner`) item of that key in `$table`; `$unknown(key)` fails the transaction for
/// a key the file has no item of.
macro_rules! named_by_id {
    ($conn:expr, $item:expr, $owner:expr, $map:ident, $table:ident, $id:path, $unknown:expr) => {{
        use diesel::prelude::*;
        use diesel_async::RunQueryDsl;
        use lookout_domain::manifest::Ref;
        use $crate::schema::$table;
        let owner: &lookout_domain::manifest::Owner = $owner;
        let mut keys: Vec<String> = Vec::new();
        let _ = $item.$map(|named| {
            if let Ref::Key(key) = named {
                keys.push(key.as_str().to_owned());
            }
            Ok::<_, ()>(())
        });
        let found: Vec<(Option<String>, i64)> = if keys.is_empty() {
            Vec::new()
        } else {
            $table::table
                .filter($table::managed_by.eq(owner.as_str()))
                .filter($table::managed_key.eq_any(&keys))
                .select(($table::managed_key, $table::id))
                .load($conn)
                .await?
        };
        $item.$map(|named| match named {
            Ref::Id(id) => Ok(*id),
            Ref::Key(key) => found
                .iter()
                .find(|(stored, _)| stored.as_deref() == Some(key.as_str()))
                .and_then(|(_, id)| $id(*id).ok())
                .ok_or_else(|| ($unknown)(key.clone())),
        })?
    }};
}
pub(crate) use named_by_id;

/// Inside a document's transaction on `$conn`: the file's (`$owner`) declared site, its
/// channels named by id.
macro_rules! site_with_channel_ids {
    ($conn:expr, $site:expr, $owner:expr) => {{
        let site: &lookout_domain::manifest::DeclaredSite = $site;
        $crate::manifest_items::named_by_id!(
            $conn,
            site,
            $owner,
            try_map_channels,
            channels,
            lookout_domain::alerting::ChannelId::new,
            $crate::website_repository::PolicyTxError::UnknownChannelKey
        )
    }};
}
pub(crate) use site_with_channel_ids;

/// Inside a document's transaction on `$conn`: a declared window or page of the file
/// `$owner`, its sites named by id.
macro_rules! sites_by_id {
    ($conn:expr, $item:expr, $owner:expr) => {
        $crate::manifest_items::named_by_id!(
            $conn,
            $item,
            $owner,
            try_map_sites,
            websites,
            lookout_domain::WebsiteId::new,
            $crate::website_repository::PolicyTxError::UnknownSiteKey
        )
    };
}
pub(crate) use sites_by_id;

/// Inside a document's transaction on `$conn`: makes, changes or deletes one maintenance
/// window of the file `$owner`.
macro_rules! write_maintenance {
    ($conn:expr, $write:expr, $owner:expr, $now:expr) => {{
        use diesel::prelude::*;
        use diesel_async::RunQueryDsl;
        use lookout_domain::manifest::MaintenanceWrite;
        use $crate::manifest_items::{check_stamp, sites_by_id};
        use $crate::schema::{maintenance_websites, maintenance_windows, websites};
        use $crate::website_repository::PolicyTxError;
        let (write, now): (&MaintenanceWrite, time::OffsetDateTime) = ($write, $now);
        let (item, managed, replaced) = match write {
            MaintenanceWrite::Delete { id, read_at } => {
                check_stamp!($conn, maintenance_windows, id.get(), *read_at);
                (None, None, Some(id.get()))
            }
            MaintenanceWrite::Update { id, read_at, item, managed } => {
                check_stamp!($conn, maintenance_windows, id.get(), *read_at);
                (Some(item), Some(managed), Some(id.get()))
            }
            MaintenanceWrite::Create { item, managed } => (Some(item), Some(managed), None),
        };
        if let Some(window) = replaced {
            diesel::delete(
                maintenance_websites::table.filter(maintenance_websites::maintenance_id.eq(window)),
            )
            .execute($conn)
            .await?;
        }
        match (item, managed, replaced) {
            (Some(item), Some(managed), replaced) => {
                let spec = sites_by_id!($conn, item, $owner);
                let sites = $crate::maintenance_windows::site_ids(&spec);
                let found: i64 = websites::table
                    .filter(websites::id.eq_any(&sites))
                    .count()
                    .get_result($conn)
                    .await?;
                if usize::try_from(found).ok() != Some(sites.len()) {
                    return Err(PolicyTxError::Stale);
                }
                let columns = $crate::maintenance_windows::SpecColumns::of(&spec, now);
                let (by, key) = $crate::ownership::managed_columns(managed);
                let mark = (
                    maintenance_windows::managed_by.eq(by),
                    maintenance_windows::managed_key.eq(key),
                );
                let window: i64 = match replaced {
                    Some(window) => {
                        diesel::update(maintenance_windows::table.find(window))
                            .set((&columns, mark))
                            .returning(maintenance_windows::id)
                            .get_result($conn)
                            .await?
                    }
                    None => {
                        let created_at = $crate::time_conv::to_column(now);
                        let new =
                            $crate::maintenance_windows::NewWindow { spec: columns, created_at };
                        diesel::insert_into(maintenance_windows::table)
                            .values((new, mark))
                            .returning(maintenance_windows::id)
                            .get_result($conn)
                            .await?
                    }
                };
                for site in sites {
                    diesel::insert_into(maintenance_websites::table)
                        .values((
                            maintenance_websites::maintenance_id.eq(window),
                            maintenance_websites::website_id.eq(site),
                        ))
                        .execute($conn)
                        .await?;
                }
            }
            (_, _, Some(window)) => {
                diesel::delete(maintenance_windows::table.find(window)).execute($conn).await?;
            }
            _ => {}
        }
    }};
}
pub(crate) use write_maintenance;

/// Inside a document's transaction on `$conn`: makes, changes or deletes one status page of
/// the file `$owner`.
macro_rules! write_status_page {
    ($conn:expr, $write:expr, $owner:expr, $now:expr) => {{
        use diesel::prelude::*;
        use diesel_async::RunQueryDsl;
        use lookout_domain::manifest::StatusPageWrite;
        use $crate::manifest_items::{check_stamp, sites_by_id};
        use $crate::schema::{status_page_sites, status_pages};
        use $crate::website_repository::PolicyTxError;
        let (write, now): (&StatusPageWrite, time::OffsetDateTime) = ($write, $now);
        let at = $crate::time_conv::to_column(now);
        match write {
            StatusPageWrite::Delete { id, read_at } => {
                check_stamp!($conn, status_pages, *id, *read_at);
                diesel::delete(
                    status_page_sites::table.filter(status_page_sites::status_page_id.eq(*id)),
                )
                .execute($conn)
                .await?;
                diesel::delete(status_pages::table.find(*id)).execute($conn).await?;
            }
            StatusPageWrite::Create { item, managed }
            | StatusPageWrite::Update { item, managed, .. } => {
                let spec = sites_by_id!($conn, item, $owner);
                let (by, key) = $crate::ownership::managed_columns(managed);
                let fields = (
                    status_pages::slug.eq(spec.slug.as_str()),
                    status_pages::title.eq(&spec.title),
                    status_pages::description.eq(&spec.description),
                    status_pages::updated_at.eq(at),
                    status_pages::managed_by.eq(by),
                    status_pages::managed_key.eq(key),
                );
                let page: i64 = match write {
                    StatusPageWrite::Update { id, read_at, .. } => {
                        check_stamp!($conn, status_pages, *id, *read_at);
                        diesel::update(status_pages::table.find(*id))
                            .set(fields)
                            .returning(status_pages::id)
                            .get_result($conn)
                            .await?
                    }
                    _ => {
                        diesel::insert_into(status_pages::table)
                            .values((fields, status_pages::created_at.eq(at)))
                            .returning(status_pages::id)
                            .get_result($conn)
                            .await?
                    }
                };
                $crate::status_pages::replace_sites!($conn, page, spec.websites, |_| {
                    PolicyTxError::Stale
                });
            }
        }
    }};
}
pub(crate) use write_status_page;
