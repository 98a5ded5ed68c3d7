//! `GET /api/websites/{id}/certificate`: the leaf certificate a check last read from an HTTPS
//! site — subject, issuer, names, validity, days left, when it was read.

use actix_web::{HttpResponse, web};
use lookout_domain::website::WebsiteHistory;
use serde::Serialize;
use time::OffsetDateTime;

use crate::ApiError;
use crate::dto::parse_website_id;
use crate::state::ApiState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct CertificateBody {
    website_id: i64,
    /// The subject's distinguished name (`CN=example.com`).
    subject: String,
    issuer: String,
    /// Subject alternative names (DNS names, IP addresses).
    sans: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    not_before: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    not_after: OffsetDateTime,
    /// Whole days until `not_after` (negative once it has passed).
    days_left: i64,
    /// When a check last read it (at most an hour old while the site is checked and its
    /// certificate unchanged).
    #[serde(with = "time::serde::rfc3339")]
    checked_at: OffsetDateTime,
}

#[utoipa::path(get, operation_id = "get_certificate", path = "/api/websites/{id}/certificate", tag = "history",
    params(("id" = i64, Path, minimum = 1, description = "Website id")),
    responses((status = 200, description = "The certificate a check last read", body = CertificateBody),
        (status = 404, description = "Unknown id, or no certificate read yet (not HTTPS, or not checked yet)", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W: WebsiteHistory, C, I, M>(
    state: web::Data<ApiState<W, C, I, M>>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_website_id(&path)?;
    let Some(seen) = state.websites.website_certificate(id).await? else {
        return Err(ApiError::not_found(format!(
            "no certificate read from website {id} yet (not HTTPS, or not checked yet)"
        )));
    };
    let certificate = seen.certificate;
    Ok(HttpResponse::Ok().json(CertificateBody {
        website_id: id.get(),
        days_left: certificate.days_left(OffsetDateTime::now_utc()),
        subject: certificate.subject,
        issuer: certificate.issuer,
        sans: certificate.sans,
        not_before: certificate.not_before,
        not_after: certificate.not_after,
        checked_at: seen.checked_at,
    }))
}
