//! The web routes, registered on the server beside the JSON API's.

use actix_web::dev::HttpServiceFactory;
use actix_web::middleware::from_fn;
use actix_web::{Resource, web};

use crate::pages::{badges, docs, overview, sign_in, site, site_actions, site_form, status_page};
use crate::session;
use crate::state::{WebState, WebUseCases};
use crate::{assets, pages};

/// A page that knows who is looking: wrapped in the session middleware.
fn with_session<W: WebUseCases>(resource: Resource) -> impl HttpServiceFactory {
    resource.wrap(from_fn(session::attach::<W>))
}

/// Registers the pages on an actix `ServiceConfig` (the app mounts them on the API's server).
pub fn configure<W: WebUseCases>(
    state: web::Data<WebState<W>>,
) -> impl Fn(&mut web::ServiceConfig) + Clone {
    move |cfg: &mut web::ServiceConfig| {
        let form_config = web::FormConfig::default().limit(64 * 1024).error_handler(|error, _| {
            pages::PageError::bad_input("form", error.to_string()).into()
        });
        cfg.app_data(state.clone()).app_data(form_config);
        cfg.service(with_session::<W>(
            web::resource("/").route(web::get().to(overview::handle::<W>)),
        ));
        cfg.service(with_session::<W>(
            web::resource("/sites/new")
                .route(web::get().to(site_form::new_form::<W>))
                .route(web::post().to(site_form::create::<W>)),
        ));
        cfg.service(with_session::<W>(
            web::resource("/sites/{id}").route(web::get().to(site::handle::<W>)),
        ));
        cfg.service(with_session::<W>(
            web::resource("/sites/{id}/edit")
                .route(web::get().to(site_form::edit_form::<W>))
                .route(web::post().to(site_form::update::<W>)),
        ));
        cfg.service(with_session::<W>(
            web::resource("/sites/{id}/pause").route(web::post().to(site_actions::pause::<W>)),
        ));
        cfg.service(with_session::<W>(
            web::resource("/sites/{id}/resume").route(web::post().to(site_actions::resume::<W>)),
        ));
        cfg.service(with_session::<W>(
            web::resource("/sites/{id}/delete").route(web::post().to(site_actions::delete::<W>)),
        ));
        cfg.service(with_session::<W>(
            web::resource("/sign-in")
                .route(web::get().to(sign_in::form))
                .route(web::post().to(sign_in::sign_in::<W>)),
        ));
        cfg.service(with_session::<W>(
            web::resource("/sign-out").route(web::post().to(sign_in::sign_out)),
        ));
        cfg.service(web::resource("/status/{slug}").route(web::get().to(status_page::handle::<W>)));
        cfg.service(
            web::resource("/badge/{id}/status.svg").route(web::get().to(badges::status::<W>)),
        );
        cfg.service(
            web::resource("/badge/{id}/uptime.svg").route(web::get().to(badges::uptime::<W>)),
        );
        cfg.service(
            web::resource("/badge/{id}/response-time.svg")
                .route(web::get().to(badges::response_time::<W>)),
        );
        cfg.service(
            web::resource("/badge/{id}/shields.json").route(web::get().to(badges::shields::<W>)),
        );
        cfg.service(web::resource("/docs").route(web::get().to(docs::page)));
        cfg.service(web::resource("/docs/openapi.json").route(web::get().to(docs::document::<W>)));
        cfg.service(web::resource("/assets/{name}").route(web::get().to(assets::serve)));
    }
}
