//! `POST /sites/{id}/pause`, `/resume` and `/delete`: the site page's buttons. Each needs a
//! session that may write and the session's form token.

use actix_web::{HttpResponse, web};
use lookout_domain::WebsitePatch;
use lookout_domain::website::{FileGuard, UpdateWebsiteError};
use serde::Deserialize;

use super::site::site_id;
use super::{PageError, require_write, see_other};
use crate::session::Viewer;
use crate::state::{WebState, WebUseCases};

#[derive(Debug, Deserialize)]
pub(crate) struct ActionForm {
    #[serde(default)]
    csrf: String,
}

async fn set_enabled<W: WebUseCases>(
    state: &WebState<W>,
    viewer: &Viewer,
    path: &str,
    form: &ActionForm,
    enabled: bool,
) -> Result<HttpResponse, PageError> {
    require_write(viewer, &form.csrf)?;
    let id = site_id(path)?;
    let patch = WebsitePatch { enabled: Some(enabled), ..WebsitePatch::default() };
    match state.websites.update_website(id, patch, FileGuard::Respect).await {
        Ok(_) => Ok(see_other(&format!("/sites/{}", id.get()))),
        Err(UpdateWebsiteError::NotFound(_)) => Err(PageError::NotFound),
        Err(UpdateWebsiteError::ManagedByFile(owner)) => {
            Err(PageError::ManagedByFile { owner: owner.to_string() })
        }
        Err(UpdateWebsiteError::Unavailable(e)) => Err(PageError::unavailable(e.as_ref())),
        Err(other) => Err(PageError::unexpected(&other)),
    }
}

pub(crate) async fn pause<W: WebUseCases>(
    state: web::Data<WebState<W>>,
    viewer: web::ReqData<Viewer>,
    path: web::Path<String>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, PageError> {
    set_enabled(&state, &viewer, &path, &form, false).await
}

pub(crate) async fn resume<W: WebUseCases>(
    state: web::Data<WebState<W>>,
    viewer: web::ReqData<Viewer>,
    path: web::Path<String>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, PageError> {
    set_enabled(&state, &viewer, &path, &form, true).await
}

pub(crate) async fn delete<W: WebUseCases>(
    state: web::Data<WebState<W>>,
    viewer: web::ReqData<Viewer>,
    path: web::Path<String>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, PageError> {
    require_write(&viewer, &form.csrf)?;
    let id = site_id(&path)?;
    state.websites.delete_website(id, FileGuard::Respect).await?;
    Ok(see_other("/"))
}
