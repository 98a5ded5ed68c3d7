//! `GET /docs`: interactive API docs (Swagger UI, embedded) for this server's OpenAPI document,
//! which `GET /docs/openapi.json` answers without a token (it describes the API; it holds no
//! data). Trying a call out needs a token where the API does.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use maud::{DOCTYPE, html};

use crate::assets;
use crate::state::WebState;

pub(crate) async fn page() -> HttpResponse {
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "API docs · lookout" }
                link rel="stylesheet" href=(assets::url("swagger-ui.css"));
                script src=(assets::url("swagger-ui-bundle.js")) defer {}
                script src=(assets::url("docs.js")) defer {}
            }
            body {
                p style="margin:1rem 1.25rem;font:15px system-ui,sans-serif" {
                    a href="/" { "← lookout" } " · the JSON API, described by "
                    a href="/docs/openapi.json" { "its OpenAPI document" } "."
                }
                main #swagger-ui {}
                noscript { p { "The interactive docs need JavaScript; the document itself is at /docs/openapi.json." } }
            }
        }
    };
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .content_type("text/html; charset=utf-8")
        .body(markup.into_string())
}

pub(crate) async fn document<W: Send + Sync + 'static>(
    state: web::Data<WebState<W>>,
) -> HttpResponse {
    let document: Arc<str> = state.api_document.clone();
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .content_type("application/json")
        .body(document.to_string())
}
