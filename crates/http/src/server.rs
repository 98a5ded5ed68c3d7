//! Routing, extractor configuration and the server itself.

use std::future::ready;
use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::http::Method;
use actix_web::middleware::from_fn;
use actix_web::{
    App, FromRequest, Handler, HttpRequest, HttpServer, Resource, Responder, Route, web,
};
use lookout_domain::alerting::{ChannelManagement, IncidentDesk};
use lookout_domain::maintenance::MaintenanceManagement;

use crate::access::{ApiAccess, check_access};
use crate::error::{json_error_handler, method_not_allowed, not_found, query_error_handler};
use crate::handlers::{
    acknowledge_incident, apply_document, create_channel, create_maintenance, create_status_page,
    create_website, delete_channel, delete_maintenance, delete_status_page, delete_website,
    export_document, get_certificate, get_channel, get_incident, get_maintenance, get_metrics,
    get_stats, get_status, get_status_page, get_website, health, list_channels, list_checks,
    list_deliveries, list_downtimes, list_incidents, list_maintenance, list_nodes, list_stats,
    list_status_pages, list_websites, retry_delivery, sla_report, test_channel, update_channel,
    update_maintenance, update_status_page, update_website,
};
use crate::request_metrics::record_request_metrics;
use crate::state::{ApiState, UseCases};

/// Largest request body accepted (64 KiB); larger ones get 413.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// One method of a resource and its handler.
fn on<F, Args>(method: Method, handler: F) -> (Method, Route)
where
    F: Handler<Args>,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    (method.clone(), web::method(method).to(handler))
}

/// `path` with a handler per method; any other method gets 405 with an `Allow` header naming
/// the methods it takes.
fn resource<const N: usize>(path: &str, routes: [(Method, Route); N]) -> Resource {
    let allow: Arc<str> =
        routes.iter().map(|(method, _)| method.as_str()).collect::<Vec<_>>().join(", ").into();
    routes
        .into_iter()
        .fold(web::resource(path), |resource, (_, route)| resource.route(route))
        .default_service(web::to(move |request: HttpRequest| {
            ready(method_not_allowed(&request, &allow))
        }))
}

/// Registers lookout's routes on an actix `ServiceConfig`.
pub fn configure<W: UseCases, C: ChannelManagement, I: IncidentDesk, M: MaintenanceManagement>(
    state: web::Data<ApiState<W, C, I, M>>,
) -> impl Fn(&mut web::ServiceConfig) + Clone {
    move |cfg: &mut web::ServiceConfig| {
        use Method as V;
        cfg.app_data(state.clone())
            .app_data(
                web::JsonConfig::default().limit(MAX_BODY_BYTES).error_handler(json_error_handler),
            )
            .app_data(web::PayloadConfig::default().limit(MAX_BODY_BYTES))
            .app_data(web::QueryConfig::default().error_handler(query_error_handler));
        let routes = [
            resource("/metrics", [on(V::GET, get_metrics::handle::<W, C, I, M>)]),
            resource("/api/openapi.json", [on(V::GET, crate::openapi::handle::<W, C, I, M>)]),
            resource("/health", [on(V::GET, health::handle::<W, C, I, M>)]),
            resource("/api/nodes", [on(V::GET, list_nodes::handle::<W, C, I, M>)]),
            resource("/api/apply", [on(V::POST, apply_document::handle::<W, C, I, M>)])
                .app_data(web::PayloadConfig::default().limit(apply_document::MAX_DOCUMENT_BYTES)),
            resource("/api/export", [on(V::GET, export_document::handle::<W, C, I, M>)]),
            resource("/api/stats", [on(V::GET, list_stats::handle::<W, C, I, M>)]),
            resource("/api/reports/sla", [on(V::GET, sla_report::handle::<W, C, I, M>)]),
            resource(
                "/api/websites",
                [
                    on(V::GET, list_websites::handle::<W, C, I, M>),
                    on(V::POST, create_website::handle::<W, C, I, M>),
                ],
            ),
            resource("/api/websites/{id}/checks", [on(V::GET, list_checks::handle::<W, C, I, M>)]),
            resource("/api/websites/{id}/status", [on(V::GET, get_status::handle::<W, C, I, M>)]),
            resource(
                "/api/status-pages",
                [
                    on(V::GET, list_status_pages::handle::<W, C, I, M>),
                    on(V::POST, create_status_page::handle::<W, C, I, M>),
                ],
            ),
            resource(
                "/api/status-pages/{slug}",
                [
                    on(V::GET, get_status_page::handle::<W, C, I, M>),
                    on(V::PATCH, update_status_page::handle::<W, C, I, M>),
                    on(V::DELETE, delete_status_page::handle::<W, C, I, M>),
                ],
            ),
            resource(
                "/api/websites/{id}/certificate",
                [on(V::GET, get_certificate::handle::<W, C, I, M>)],
            ),
            resource("/api/websites/{id}/stats", [on(V::GET, get_stats::handle::<W, C, I, M>)]),
            resource(
                "/api/websites/{id}/downtimes",
                [on(V::GET, list_downtimes::handle::<W, C, I, M>)],
            ),
            resource(
                "/api/channels",
                [
                    on(V::GET, list_channels::handle::<W, C, I, M>),
                    on(V::POST, create_channel::handle::<W, C, I, M>),
                ],
            ),
            resource(
                "/api/channels/{id}",
                [
                    on(V::GET, get_channel::handle::<W, C, I, M>),
                    on(V::PATCH, update_channel::handle::<W, C, I, M>),
                    on(V::DELETE, delete_channel::handle::<W, C, I, M>),
                ],
            ),
            resource("/api/channels/{id}/test", [on(V::POST, test_channel::handle::<W, C, I, M>)]),
            resource("/api/incidents", [on(V::GET, list_incidents::handle::<W, C, I, M>)]),
            resource("/api/incidents/{id}", [on(V::GET, get_incident::handle::<W, C, I, M>)]),
            resource(
                "/api/incidents/{id}/ack",
                [on(V::POST, acknowledge_incident::handle::<W, C, I, M>)],
            ),
            resource("/api/deliveries", [on(V::GET, list_deliveries::handle::<W, C, I, M>)]),
            resource(
                "/api/deliveries/{id}/retry",
                [on(V::POST, retry_delivery::handle::<W, C, I, M>)],
            ),
            resource(
                "/api/maintenance",
                [
                    on(V::GET, list_maintenance::handle::<W, C, I, M>),
                    on(V::POST, create_maintenance::handle::<W, C, I, M>),
                ],
            ),
            resource(
                "/api/maintenance/{id}",
                [
                    on(V::GET, get_maintenance::handle::<W, C, I, M>),
                    on(V::PATCH, update_maintenance::handle::<W, C, I, M>),
                    on(V::DELETE, delete_maintenance::handle::<W, C, I, M>),
                ],
            ),
            resource(
                "/api/websites/{id}",
                [
                    on(V::GET, get_website::handle::<W, C, I, M>),
                    on(V::PATCH, update_website::handle::<W, C, I, M>),
                    on(V::DELETE, delete_website::handle::<W, C, I, M>),
                ],
            ),
        ];
        for route in routes {
            cfg.service(route);
        }
        cfg.default_service(web::to(not_found));
    }
}

/// Builds the server on `listener` (already bound, so port 0 works) with `workers` threads.
/// actix's own signal handling is off: the caller awaits the returned future and stops it
/// through its handle.
/// `access` decides which requests need a bearer token (see `access.rs`).
/// `more_routes` are mounted beside the API's (the web pages); they answer what the API's routes
/// do not.
pub fn start<W: UseCases, C: ChannelManagement, I: IncidentDesk, M: MaintenanceManagement>(
    listener: TcpListener,
    state: ApiState<W, C, I, M>,
    access: ApiAccess,
    workers: usize,
    more_routes: impl Fn(&mut web::ServiceConfig) + Clone + Send + 'static,
) -> std::io::Result<Server> {
    let state = web::Data::new(state);
    let access = web::Data::new(access);
    let routes = configure(state);
    Ok(HttpServer::new(move || {
        // The last `wrap` runs first: requests refused for want of a token are counted too.
        App::new()
            .app_data(access.clone())
            .wrap(from_fn(check_access))
            .wrap(from_fn(record_request_metrics))
            .configure(routes.clone())
            .configure(more_routes.clone())
    })
    .workers(workers.max(1))
    .disable_signals()
    .shutdown_timeout(5)
    .listen(listener)?
    .run())
}
