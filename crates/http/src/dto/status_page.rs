//! Status pages over HTTP: `{"slug", "title", "description"?, "websites": [ids]}` in and out
//! (out also `url`, the public page's path, and the timestamps).

use lookout_domain::status_pages::{StatusPage, StatusPageDraft};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{patch_field, present};
use crate::ApiError;

/// Body of `POST /api/status-pages` (`slug` and `title` required) and `PATCH
/// /api/status-pages/{slug}` (every field optional; only `description` may be `null`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StatusPageRequest {
    /// The page's address `/status/{slug}`: 1–64 of a-z, 0-9 and `-`, not starting or ending
    /// with `-`.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, nullable = false, min_length = 1, max_length = 64, pattern = "^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    slug: Option<Option<String>>,
    /// 1–200 characters.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, nullable = false, min_length = 1, max_length = 200)]
    title: Option<Option<String>>,
    /// At most 2000 characters; `null` or empty: none.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    description: Option<Option<String>>,
    /// The sites shown, in order (ids, each once, at most 500).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Vec<i64>>, nullable = false)]
    websites: Option<Option<Vec<i64>>>,
}

impl StatusPageRequest {
    pub(crate) fn into_draft(self) -> Result<StatusPageDraft, ApiError> {
        Ok(StatusPageDraft {
            slug: patch_field("slug", self.slug, Ok)?,
            title: patch_field("title", self.title, Ok)?,
            description: self.description,
            websites: patch_field("websites", self.websites, Ok)?,
        })
    }
}

/// A status page as the API returns it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct StatusPageResponse {
    slug: String,
    title: String,
    description: Option<String>,
    /// The sites shown, in order.
    websites: Vec<i64>,
    /// The public page's path.
    url: String,
    /// The document that manages the page (`file:<name>`); `null` for one made through the
    /// API. Edits and deletions of a managed page answer 409 `managed_by_file` unless
    /// `?force=true`.
    managed_by: Option<String>,
    /// The page's key in that document; `null` when no document manages it.
    key: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    updated_at: OffsetDateTime,
}

impl From<StatusPage> for StatusPageResponse {
    fn from(page: StatusPage) -> Self {
        let (managed_by, key) = super::managed_fields(page.managed.as_ref());
        Self {
            url: format!("/status/{}", page.slug.as_str()),
            slug: page.slug.as_str().to_owned(),
            title: page.title,
            description: page.description,
            websites: page.websites.iter().map(|id| id.get()).collect(),
            managed_by,
            key,
            created_at: page.created_at,
            updated_at: page.updated_at,
        }
    }
}
