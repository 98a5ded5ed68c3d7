//! The `{slug}` of `/api/status-pages/{slug}`: a slug that cannot be one names no page (404).

use lookout_domain::status_pages::StatusPageSlug;

use crate::ApiError;

pub(crate) fn parse_slug(raw: &str) -> Result<StatusPageSlug, ApiError> {
    StatusPageSlug::parse(raw)
        .map_err(|_| ApiError::not_found(format!("status page {raw} not found")))
}
