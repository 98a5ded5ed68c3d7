//! The OpenAPI 3 description of the whole API, generated from the handlers' annotations and
//! the DTOs' schemas (so it cannot drift from them), served at `GET /api/openapi.json`.

use actix_web::HttpResponse;
use utoipa::OpenApi;

use crate::handlers::{
    create_website, delete_website, get_metrics, get_stats, get_status, get_website, health,
    list_checks, list_downtimes, list_stats, list_websites, sla_report, update_website,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "lookout",
        description = "Website uptime monitor: websites, checks, downtime windows, statistics."
    ),
    paths(
        health::handle,
        get_metrics::handle,
        list_websites::handle,
        create_website::handle,
        get_website::handle,
        update_website::handle,
        delete_website::handle,
        list_checks::handle,
        list_downtimes::handle,
        get_stats::handle,
        list_stats::handle,
        get_status::handle,
        sla_report::handle,
        handle,
    )
)]
pub(crate) struct ApiDoc;

/// The spec itself.
#[utoipa::path(get, path = "/api/openapi.json", tag = "health",
    responses((status = 200, description = "This OpenAPI document")))]
pub(crate) async fn handle() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
