//! `GET /api/export[?format=yaml|json][&file=NAME]`: every channel, site, maintenance window
//! and status page (or only those the document `NAME` manages) as a document that, applied
//! back under the file name that manages them, changes nothing.

use actix_web::{HttpResponse, web};
use lookout_domain::alerting::ChannelManagement;
use lookout_domain::maintenance::MaintenanceManagement;
use lookout_domain::manifest::{Owner, StoredItems};
use lookout_domain::status_pages::StatusPages;
use lookout_domain::website::WebsiteManagement;
use serde::Deserialize;

use crate::ApiError;
use crate::document::export_document;
use crate::state::ApiState;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ExportFormat {
    #[default]
    Yaml,
    Json,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ExportQuery {
    /// `yaml` (default) or `json`.
    #[serde(default)]
    #[param(value_type = Option<ExportFormat>)]
    format: ExportFormat,
    /// Only the items the document of this name manages (e.g. `sites.yaml`): applied back
    /// under that name with `prune`, it changes nothing. Without it, every item.
    file: Option<String>,
}

#[utoipa::path(get, operation_id = "export_document", path = "/api/export", tag = "documents",
    params(ExportQuery),
    responses((status = 200, description = "The document, as YAML text (`format=yaml`) or JSON (`format=json`)",
            content((Object = "text/yaml"), (Object = "application/json"))),
        (status = 422, description = "`format` is neither `yaml` nor `json`, or `file` is no document name", body = crate::error::ErrorBody)))]
pub(crate) async fn handle<W, C, I, M>(
    state: web::Data<ApiState<W, C, I, M>>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError>
where
    W: WebsiteManagement + StatusPages,
    C: ChannelManagement,
    M: MaintenanceManagement,
{
    let items = StoredItems {
        websites: state.websites.list_websites().await?,
        channels: state.channels.list_channels().await?,
        maintenance: state.maintenance.list_maintenance().await?,
        status_pages: state.websites.list_status_pages().await?,
    };
    let items = match &query.file {
        Some(name) => {
            items.managed_by(&Owner::file(name).map_err(|e| ApiError::validation("file", e))?)
        }
        None => items,
    };
    let document = export_document(items);
    Ok(match query.format {
        ExportFormat::Yaml => {
            HttpResponse::Ok().content_type("text/yaml; charset=utf-8").body(document.to_yaml())
        }
        ExportFormat::Json => HttpResponse::Ok().json(document.to_json()),
    })
}
