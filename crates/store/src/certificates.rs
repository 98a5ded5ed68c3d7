//! The `certificates` table: each HTTPS site's leaf certificate as last read, written by the
//! check writer with the check that carried it, read for `GET /api/websites/{id}/certificate`.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use lookout_domain::checks::{CertificateInfo, SiteCertificate};
use lookout_domain::history::HistoryError;
use lookout_domain::{MonitorCheck, WebsiteId};
use time::PrimitiveDateTime;

use crate::schema::{certificates, websites};
use crate::store::with_connection;
use crate::time_conv::{from_column, to_column};
use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = certificates)]
pub(crate) struct CertificateRow {
    pub(crate) website_id: i64,
    subject: String,
    issuer: String,
    /// A JSON array of names.
    sans: String,
    not_before: PrimitiveDateTime,
    not_after: PrimitiveDateTime,
    checked_at: PrimitiveDateTime,
}

/// The certificates the batch's stored checks carry: the newest per site, in lock order.
pub(crate) fn certificate_rows(checks: &[&MonitorCheck]) -> Vec<CertificateRow> {
    let mut newest: HashMap<i64, CertificateRow> = HashMap::new();
    for check in checks {
        let Some(certificate) = &check.certificate else { continue };
        let row = CertificateRow {
            website_id: check.website_id.get(),
            subject: certificate.subject.clone(),
            issuer: certificate.issuer.clone(),
            sans: serde_json::to_string(&certificate.sans).unwrap_or_else(|_| "[]".to_owned()),
            not_before: to_column(certificate.not_before),
            not_after: to_column(certificate.not_after),
            checked_at: to_column(check.timestamp),
        };
        match newest.get(&row.website_id) {
            Some(kept) if kept.checked_at >= row.checked_at => {}
            _ => {
                newest.insert(row.website_id, row);
            }
        }
    }
    let mut rows: Vec<CertificateRow> = newest.into_values().collect();
    rows.sort_by_key(|row| row.website_id);
    rows
}

/// Writes `$rows` (from [`certificate_rows`]) in the caller's transaction: `sync` (SQLite, a
/// row at a time) or `async` (PostgreSQL, multi-row).
macro_rules! write_certificates {
    ($mode:ident, $conn:expr, $rows:expr) => {{
        use diesel::upsert::excluded;
        use $crate::alert_batch_write::{exec, per_statement};
        use $crate::schema::certificates;
        let conn = $conn;
        per_statement!($mode, $rows, |values| exec!(
            $mode,
            diesel::insert_into(certificates::table)
                .values(values)
                .on_conflict(certificates::website_id)
                .do_update()
                .set((
                    certificates::subject.eq(excluded(certificates::subject)),
                    certificates::issuer.eq(excluded(certificates::issuer)),
                    certificates::sans.eq(excluded(certificates::sans)),
                    certificates::not_before.eq(excluded(certificates::not_before)),
                    certificates::not_after.eq(excluded(certificates::not_after)),
                    certificates::checked_at.eq(excluded(certificates::checked_at)),
                ))
                .returning(certificates::website_id)
                .get_results::<i64>(conn)
        )?)
    }};
}
pub(crate) use write_certificates;

impl Store {
    /// The certificate of `id`: `Ok(None)` when no check has read one.
    pub(crate) async fn read_certificate(
        &self,
        id: WebsiteId,
    ) -> Result<Option<SiteCertificate>, HistoryError> {
        let (exists, row) = with_connection!(self, read, |conn| {
            let exists = websites::table
                .find(id.get())
                .select(websites::id)
                .first::<i64>(&mut conn)
                .await
                .optional()
                .map_err(StoreError::from)?
                .is_some();
            let row = certificates::table
                .find(id.get())
                .select(CertificateRow::as_select())
                .first(&mut conn)
                .await
                .optional()
                .map_err(StoreError::from)?;
            (exists, row)
        });
        if !exists {
            return Err(HistoryError::NotFound(id));
        }
        Ok(row.map(|row| SiteCertificate {
            website_id: id,
            certificate: CertificateInfo {
                subject: row.subject,
                issuer: row.issuer,
                sans: serde_json::from_str(&row.sans).unwrap_or_default(),
                not_before: from_column(row.not_before),
                not_after: from_column(row.not_after),
            },
            checked_at: from_column(row.checked_at),
        }))
    }
}
