//! `POST /api/apply?file=NAME[&dry_run=true][&prune=true]`: a document (YAML, JSON or TOML
//! text) planned against the stored items and applied all or nothing; answers the plan.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use lookout_domain::manifest::{ApplyError, ApplyOptions, Manifest, Owner};
use serde::Deserialize;

use crate::ApiError;
use crate::document::{DocumentFormat, ParsedDocument, parse_document};
use crate::dto::PlanResponse;
use crate::state::ApiState;

/// The largest document accepted (about 20,000 sites).
pub(crate) const MAX_DOCUMENT_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ApplyQuery {
    /// The document's name, e.g. `sites.yaml`: its items are marked `file:<name>`.
    file: Option<String>,
    /// Plan only; write nothing.
    #[serde(default)]
    dry_run: bool,
    /// Delete the items this file made and no longer lists.
    #[serde(default)]
    prune: bool,
}

#[utoipa::path(post, operation_id = "apply_document", path = "/api/apply", tag = "documents",
    params(ApplyQuery),
    request_body(content = Object, description = "The document: `{\"channels\": [...], \"websites\": [...], \
        \"maintenance\": [...], \"status_pages\": [...]}`, each item what the resource's POST takes plus `key` \
        (default: a channel's or window's name, a site's url, a page's slug) and `adopt`; items name channels \
        and sites by key (a string) or id (a number). Sent as JSON, or as YAML text (`application/yaml`, as \
        `lookout apply` does; YAML 1.2, of which JSON is a part), or as TOML (`application/toml`: \
        `[[websites]]` tables).",
        content_type = "application/json"),
    responses((status = 200, description = "The plan; `applied` says whether it was written", body = crate::dto::PlanResponse),
        (status = 409, description = "The stored items kept changing while the plan was applied", body = crate::error::ErrorBody),
        (status = 413, description = "Document over 16 MiB", body = crate::error::ErrorBody),
        (status = 422, description = "An invalid document (`invalid_document`: `errors` lists every problem \
            with its `field`, `line` and `column`), or no `file`", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W: Manifest, C, I, M>(
    state: web::Data<ApiState<W, C, I, M>>,
    request: HttpRequest,
    query: web::Query<ApplyQuery>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let ApplyQuery { file, dry_run, prune } = query.into_inner();
    let Some(file) = file else {
        return Err(ApiError::validation(
            "file",
            "file is required: the document's name, e.g. sites.yaml",
        ));
    };
    let owner = Owner::file(&file).map_err(|e| ApiError::validation("file", e))?;
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::validation("body", "the document must be UTF-8 text"))?;
    let media_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let format = DocumentFormat::of_media_type(media_type);
    let ParsedDocument { document, places } =
        parse_document(text, format, state.interval_bounds)
            .map_err(|errors| ApiError::invalid_document(&file, errors))?;
    let options = ApplyOptions { owner, prune, dry_run };
    match state.websites.apply(document, options).await {
        Ok(report) => Ok(HttpResponse::Ok().json(PlanResponse::new(&file, &report, dry_run))),
        Err(ApplyError::Invalid(errors)) => {
            let placed = errors.iter().map(|error| places.locate(error)).collect();
            Err(ApiError::invalid_document(&file, placed))
        }
        Err(error @ ApplyError::Contended) => Err(ApiError::contended(error.to_string())),
        Err(error @ ApplyError::Unavailable(_)) => Err(ApiError::unavailable(&error)),
        Err(error @ ApplyError::Unknown(_)) => Err(ApiError::internal(&error)),
    }
}
