//! lookout's HTTP adapter (actix-web): the REST API over the domain's use cases (websites,
//! history and status, statistics, nodes, alert channels, incidents and deliveries; tokens in
//! the access middleware), its DTOs, and the mapping of every error to a status code and a
//! stable JSON body `{"code": "...", "message": "...", "field": "..."}`.

mod access;
mod document;
mod dto;
mod error;
mod handlers;
mod openapi;
mod request_metrics;
mod server;
mod state;

pub use access::ApiAccess;
pub use actix_web::dev::{Server, ServerHandle};
pub use document::{
    DocumentError, DocumentFormat, DocumentPlaces, ExportedDocument, ParsedDocument,
    export_document, parse_document,
};
pub use error::ApiError;
pub use openapi::openapi_document;
pub use server::{configure, start};
pub use state::{ApiState, MetricsRender, UseCases};
