//! One site's patch inside a write transaction, shared by the API's edits and a document's.

/// Inside a write transaction: applies `patch` to site `id` (and marks it `managed`, when
/// `Some`), saving or removing its alert policy; evaluates to the row before, its policy
/// before and the row after. Refuses a site a document manages under `lookout_domain::website::FileGuard::Respect`.
macro_rules! patch_row {
    ($conn:expr, $id:expr, $patch:expr, $now:expr, $guard:expr, $managed:expr) => {{
        use diesel::prelude::*;
        use diesel_async::RunQueryDsl;
        let (conn, id, patch, now): (
            _,
            lookout_domain::WebsiteId,
            &lookout_domain::WebsitePatch,
            time::OffsetDateTime,
        ) = ($conn, $id, $patch, $now);
        let managed: Option<&lookout_domain::manifest::Managed> = $managed;
        let before: $crate::rows::WebsiteRow = $crate::schema::websites::table
            .find(id.get())
            .select($crate::rows::WebsiteRow::as_select())
            .first(conn)
            .await?;
        if let (lookout_domain::website::FileGuard::Respect, Some(owner)) =
            ($guard, &before.managed_by)
        {
            return Err($crate::website_repository::PolicyTxError::Managed(owner.clone()));
        }
        let mut changes =
            $crate::rows::WebsiteChangeset::new(patch, &before, now).map_err(|e| match e {
                $crate::rows::ChangesetError::Store(e) => {
                    $crate::website_repository::PolicyTxError::Store(e)
                }
                $crate::rows::ChangesetError::Regions(e) => {
                    $crate::website_repository::PolicyTxError::Regions(e)
                }
            })?;
        if let Some(managed) = managed {
            changes = changes.managed(managed);
        }
        let before_policy = $crate::alert_policies::assemble(
            $crate::alert_policies::policies_query(&[id.get()]).load(conn).await?,
            $crate::alert_policies::policy_channels_query(&[id.get()]).load(conn).await?,
        )
        .remove(&id.get());
        match &patch.alerts {
            Some(Some(policy)) => $crate::alert_policies::save_policy!(conn, id.get(), policy),
            Some(None) => {
                diesel::delete($crate::schema::alert_policies::table.find(id.get()))
                    .execute(conn)
                    .await?;
            }
            None => {}
        }
        let after: $crate::rows::WebsiteRow = if patch.is_empty() && managed.is_none() {
            $crate::schema::websites::table
                .find(id.get())
                .select($crate::rows::WebsiteRow::as_select())
                .first(conn)
                .await?
        } else {
            diesel::update($crate::schema::websites::table.find(id.get()))
                .set(&changes)
                .returning($crate::rows::WebsiteRow::as_returning())
                .get_result(conn)
                .await?
        };
        (before, before_policy, after)
    }};
}

pub(crate) use patch_row;
