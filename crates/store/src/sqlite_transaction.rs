//! A SQLite write transaction that reports why it failed. On `SQLITE_FULL` or `SQLITE_IOERR`
//! SQLite may end the transaction by itself; diesel's `ROLLBACK` then fails ("no transaction is
//! active") and diesel returns that error instead of the cause, which would hide a full disk
//! from the check writer.

use diesel::SqliteConnection;
use diesel::result::{Error as DieselError, QueryResult};

/// `BEGIN IMMEDIATE`, `body`, then `COMMIT` — or `ROLLBACK` when `body` fails, returning
/// `body`'s own error whatever the `ROLLBACK` did. Either way no transaction stays open: the
/// connection is ready for the next one.
pub(crate) fn immediate_transaction<T>(
    conn: &mut SqliteConnection,
    body: impl FnOnce(&mut SqliteConnection) -> QueryResult<T>,
) -> QueryResult<T> {
    let mut cause = None;
    let result = conn.immediate_transaction(|conn| {
        body(conn).map_err(|error| {
            cause = Some(error);
            DieselError::RollbackTransaction
        })
    });
    match (result, cause) {
        (Err(_), Some(cause)) => Err(cause),
        (result, _) => result,
    }
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;

    use super::*;

    fn connection() -> SqliteConnection {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        conn.batch_execute("CREATE TABLE t (n INTEGER NOT NULL)").unwrap();
        conn
    }

    fn count(conn: &mut SqliteConnection) -> i64 {
        diesel::dsl::sql::<diesel::sql_types::BigInt>("SELECT COUNT(*) FROM t")
            .get_result(conn)
            .unwrap()
    }

    /// A body that fails after SQLite itself ended the transaction (as it may on a full disk).
    fn ended_by_sqlite(conn: &mut SqliteConnection) -> QueryResult<()> {
        conn.batch_execute("INSERT INTO t VALUES (1); ROLLBACK")?;
        Err(DieselError::NotFound)
    }

    #[test]
    fn diesel_alone_reports_the_failed_rollback_instead_of_the_cause() {
        let mut conn = connection();
        let error = conn.immediate_transaction(ended_by_sqlite).unwrap_err();
        assert!(error.to_string().contains("no transaction is active"), "{error}");
    }

    #[test]
    fn the_cause_is_reported_and_the_connection_stays_usable() {
        let mut conn = connection();
        let error = immediate_transaction(&mut conn, ended_by_sqlite).unwrap_err();
        assert!(matches!(error, DieselError::NotFound), "{error}");
        assert_eq!(count(&mut conn), 0, "nothing of the failed transaction is kept");

        let failed = immediate_transaction(&mut conn, |conn| {
            conn.batch_execute("INSERT INTO t VALUES (2)")?;
            Err::<(), _>(DieselError::NotFound)
        });
        assert!(matches!(failed, Err(DieselError::NotFound)));
        assert_eq!(count(&mut conn), 0, "a failed body is rolled back");

        immediate_transaction(&mut conn, |conn| conn.batch_execute("INSERT INTO t VALUES (3)"))
            .unwrap();
        assert_eq!(count(&mut conn), 1);
    }
}
