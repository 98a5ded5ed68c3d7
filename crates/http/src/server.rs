//! Routing, extractor configuration and the server itself.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use std::sync::Arc;

use lookout_domain::history::CheckHistory;
use lookout_domain::node::NodeRegistry;
use lookout_domain::website::{WebsiteManagement, WebsiteStats};
use lookout_domain::{EngineState, IntervalBounds};

use crate::access::{ApiAccess, check_access};
use crate::error::{json_error_handler, method_not_allowed, not_found, query_error_handler};
use crate::handlers::get_metrics::record_request_metrics;
use crate::handlers::{
    create_website, delete_website, get_metrics, get_stats, get_status, get_website, health,
    list_checks, list_downtimes, list_nodes, list_stats, list_websites, sla_report, update_website,
};

/// Largest request body accepted (64 KiB); larger ones get 413.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// Renders the Prometheus text exposition of every metric.
pub type MetricsRender = Arc<dyn Fn() -> String + Send + Sync>;

/// What every handler can reach.
pub struct ApiState<W> {
    /// `GET /metrics`; `None` answers 404.
    pub metrics: Option<MetricsRender>,
    pub websites: W,
    /// Bounds for `check_interval`, from configuration.
    pub interval_bounds: IntervalBounds,
    /// The running engine's breakers and schedule; `None` when the scheduler is off.
    pub engine: Option<Arc<dyn EngineState>>,
}

impl<W: std::fmt::Debug> std::fmt::Debug for ApiState<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiState")
            .field("websites", &self.websites)
            .field("interval_bounds", &self.interval_bounds)
            .field("engine", &self.engine.is_some())
            .finish()
    }
}

/// Registers lookout's routes on an actix `ServiceConfig`.
pub fn configure<W: WebsiteManagement + CheckHistory + WebsiteStats + NodeRegistry>(
    state: web::Data<ApiState<W>>,
) -> impl Fn(&mut web::ServiceConfig) + Clone {
    move |cfg: &mut web::ServiceConfig| {
        cfg.app_data(state.clone())
            .app_data(
                web::JsonConfig::default().limit(MAX_BODY_BYTES).error_handler(json_error_handler),
            )
            .app_data(web::PayloadConfig::default().limit(MAX_BODY_BYTES))
            .app_data(web::QueryConfig::default().error_handler(query_error_handler))
            .service(
                web::resource("/metrics")
                    .route(web::get().to(get_metrics::handle::<W>))
                    .default_service(web::to(method_not_allowed)),
            )
            .service(
                web::resource("/api/openapi.json")
                    .route(web::get().to(crate::openapi::handle))
                    .default_service(web::to(method_not_allowed)),
            )
            .service(
                web::resource("/health")
                    .route(web::get().to(health::handle::<W>))
                    .default_service(web::to(method_not_allowed)),
            )
            .service(
                web::resource("/api/nodes")
                    .route(web::get().to(list_nodes::handle::<W>))
                    .default_service(web::to(method_not_allowed)),
            )
            .service(
                web::resource("/api/stats")
                    .route(web::get().to(list_stats::handle::<W>))
                    .default_service(web::to(method_not_allowed)),
            )
            .service(
                web::resource("/api/reports/sla")
                    .route(web::get().to(sla_report::handle::<W>))
                    .default_service(web::to(method_not_allowed)),
            )
            .service(
                web::resource("/api/websites")
                    .route(web::get().to(list_websites::handle::<W>))
                    .route(web::post().to(create_website::handle::<W>))
                    .default_service(web::to(method_not_allowed)),
            )
            .service(
                web::resource("/api/websites/{id}/checks")
                    .route(web::get().to(list_checks::handle::<W>))
                    .default_service(web::to(method_not_allowed)),
            )
            .service(
                web::resource("/api/websites/{id}/status")
                    .route(web::get().to(get_status::handle::<W>))
                    .default_service(web::to(method_not_allowed)),
            )
            .service(
                web::resource("/api/websites/{id}/stats")
                    .route(web::get().to(get_stats::handle::<W>))
                    .default_service(web::to(method_not_allowed)),
            )
            .service(
                web::resource("/api/websites/{id}/downtimes")
                    .route(web::get().to(list_downtimes::handle::<W>))
                    .default_service(web::to(method_not_allowed)),
            )
            .service(
                web::resource("/api/websites/{id}")
                    .route(web::get().to(get_website::handle::<W>))
                    .route(web::patch().to(update_website::handle::<W>))
                    .route(web::delete().to(delete_website::handle::<W>))
                    .default_service(web::to(method_not_allowed)),
            )
            .default_service(web::to(not_found));
    }
}

/// Builds the server on `listener` (already bound, so port 0 works) with `workers` threads.
/// actix's own signal handling is off: the caller awaits the returned future and stops it
/// through its handle.
/// `access` decides which requests need a bearer token (see `access.rs`).
pub fn start<W: WebsiteManagement + CheckHistory + WebsiteStats + NodeRegistry>(
    listener: TcpListener,
    state: ApiState<W>,
    access: ApiAccess,
    workers: usize,
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
    })
    .workers(workers.max(1))
    .disable_signals()
    .shutdown_timeout(5)
    .listen(listener)?
    .run())
}
