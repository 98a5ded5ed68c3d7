//! Secrets lookout makes for itself, shared by every node through the database: the first
//! node to ask for one stores its candidate; every node then reads the same value.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use time::OffsetDateTime;

use crate::schema::secrets;
use crate::store::with_connection;
use crate::time_conv::to_column;
use crate::{Store, StoreError};

impl Store {
    /// The secret called `name`: the stored one, or `candidate` once stored (a concurrent first
    /// store by another node wins, and its value is returned).
    pub async fn shared_secret(&self, name: &str, candidate: &str) -> Result<String, StoreError> {
        let now = to_column(OffsetDateTime::now_utc());
        with_connection!(self, write, |conn| {
            diesel::insert_into(secrets::table)
                .values((
                    secrets::name.eq(name),
                    secrets::value.eq(candidate),
                    secrets::created_at.eq(now),
                ))
                .on_conflict(secrets::name)
                .do_nothing()
                .execute(&mut conn)
                .await
                .map_err(StoreError::from)?;
            secrets::table
                .find(name)
                .select(secrets::value)
                .first::<String>(&mut conn)
                .await
                .map_err(StoreError::from)
        })
    }
}
