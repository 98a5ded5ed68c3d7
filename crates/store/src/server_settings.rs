//! What the database server is set to, where lookout depends on it.

use diesel_async::RunQueryDsl;

use crate::store::with_connection;
use crate::{Backend, Store, StoreError};

impl Store {
    /// Whether PostgreSQL's autovacuum is off (always `false` on SQLite). The shared schedule
    /// updates its row twice per check; without vacuum the table and its index grow without
    /// bound, claims slow down and checks fall behind.
    pub async fn autovacuum_is_off(&self) -> Result<bool, StoreError> {
        if self.backend() != Backend::Postgres {
            return Ok(false);
        }
        let off: bool = with_connection!(self, read, |conn| {
            diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(
                "current_setting('autovacuum') = 'off'",
            ))
            .get_result(&mut conn)
            .await
            .map_err(StoreError::from)?
        });
        Ok(off)
    }
}
