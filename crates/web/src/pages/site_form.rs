//! The site form: `GET /sites/new` and `POST /sites/new` add a site, `GET /sites/{id}/edit`
//! and `POST /sites/{id}/edit` change one. The domain's own validation messages are shown next
//! to their fields (422), with what was typed kept. Request options and assertions are kept as
//! they are (the API sets them).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use lookout_domain::checks::CheckSpec;
use lookout_domain::website::{CreateWebsiteError, FileGuard, UpdateWebsiteError};
use lookout_domain::{CheckInterval, NewWebsite, Website, WebsiteName, WebsitePatch, WebsiteUrl};
use maud::{Markup, html};
use serde::Deserialize;

use super::site::site_id;
use super::{PageError, html_response, require_read, require_write, see_other};
use crate::layout::{Nav, page};
use crate::session::Viewer;
use crate::state::{WebState, WebUseCases};

/// The form's fields as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct SiteFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    check_interval: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    enabled: Option<String>,
}

/// Messages by field.
type FieldErrors = Vec<(&'static str, String)>;

/// The fields parsed once, or every field's message.
fn parse<W>(
    state: &WebState<W>,
    fields: &SiteFields,
) -> Result<(WebsiteUrl, WebsiteName, CheckInterval), FieldErrors> {
    let mut errors = FieldErrors::new();
    let url =
        WebsiteUrl::parse(fields.url.trim()).map_err(|e| errors.push(("url", e.to_string()))).ok();
    let name =
        WebsiteName::parse(&fields.name).map_err(|e| errors.push(("name", e.to_string()))).ok();
    let interval = match fields.check_interval.trim().parse::<i64>() {
        Ok(secs) => CheckInterval::new(secs, state.interval_bounds)
            .map_err(|e| errors.push(("check_interval", e.to_string())))
            .ok(),
        Err(_) => {
            errors.push((
                "check_interval",
                format!(
                    "check_interval must be a whole number of seconds, got {:?}",
                    fields.check_interval
                ),
            ));
            None
        }
    };
    match (url, name, interval) {
        (Some(url), Some(name), Some(interval)) if errors.is_empty() => Ok((url, name, interval)),
        _ => Err(errors),
    }
}

/// The form page; `status` 422 when it comes back with messages.
fn form_page(
    title: &str,
    action: &str,
    fields: &SiteFields,
    errors: &FieldErrors,
    viewer: &Viewer,
    status: StatusCode,
) -> HttpResponse {
    let error_of = |field: &str| errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.clone());
    let input = |field: &'static str, label: &str, kind: &str, value: &str, hint: &str| -> Markup {
        let error = error_of(field);
        let hint_id = format!("{field}-hint");
        let error_id = format!("{field}-error");
        let described =
            if error.is_some() { format!("{hint_id} {error_id}") } else { hint_id.clone() };
        html! {
            div.field {
                label for=(field) { (label) }
                input id=(field) name=(field) type=(kind) value=(value) required
                    aria-invalid=[error.as_ref().map(|_| "true")] aria-describedby=(described);
                span.hint id=(hint_id) { (hint) }
                @if let Some(message) = error { span.error id=(error_id) role="alert" { (message) } }
            }
        }
    };
    let body = html! {
        p { a href="/" { "← Overview" } }
        h1 { (title) }
        @if !errors.is_empty() {
            p.notice.bad role="alert" { "Please fix what is marked below." }
        }
        form.site-form method="post" action=(action) novalidate {
            input type="hidden" name="csrf" value=(viewer.csrf);
            (input("url", "URL", "url", &fields.url, "http:// or https://, as the site should be asked."))
            (input("name", "Name", "text", &fields.name, "How the site is shown, up to 200 characters."))
            (input("check_interval", "Check every (seconds)", "number", &fields.check_interval, "How often the site is checked."))
            div.field {
                label { input type="checkbox" name="enabled" value="on" checked[fields.enabled.is_some()]; " Checked (untick to pause)" }
            }
            div.actions { button type="submit" { "Save" } a.button.quiet href="/" { "Cancel" } }
        }
    };
    let mut response = html_response(page(title, Nav::NewSite, Some(viewer), body));
    *response.status_mut() = status;
    response
}

pub(crate) async fn new_form<W: WebUseCases>(
    state: web::Data<WebState<W>>,
    viewer: web::ReqData<Viewer>,
    request: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let viewer = viewer.into_inner();
    require_read(&viewer, &request)?;
    if !viewer.can_write() {
        return Err(PageError::ReadOnly);
    }
    let fields = SiteFields {
        check_interval: state.interval_bounds.default_interval().secs().to_string(),
        enabled: Some("on".into()),
        ..SiteFields::default()
    };
    Ok(form_page("Add a site", "/sites/new", &fields, &Vec::new(), &viewer, StatusCode::OK))
}

pub(crate) async fn create<W: WebUseCases>(
    state: web::Data<WebState<W>>,
    viewer: web::ReqData<Viewer>,
    form: web::Form<SiteFields>,
) -> Result<HttpResponse, PageError> {
    let viewer = viewer.into_inner();
    require_write(&viewer, &form.csrf)?;
    let refused = |errors: &FieldErrors| {
        form_page(
            "Add a site",
            "/sites/new",
            &form,
            errors,
            &viewer,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let (url, name, check_interval) = match parse(&state, &form) {
        Ok(parsed) => parsed,
        Err(errors) => return Ok(refused(&errors)),
    };
    let new = NewWebsite {
        url,
        name,
        enabled: form.enabled.is_some(),
        check_interval,
        alerts: None,
        check: CheckSpec::default(),
        public: false,
        regions: Default::default(),
    };
    match state.websites.create_website(new).await {
        Ok(website) => Ok(see_other(&format!("/sites/{}", website.id.get()))),
        Err(
            error @ (CreateWebsiteError::DuplicateUrl(_) | CreateWebsiteError::BlockedAddress(_)),
        ) => Ok(refused(&vec![("url", error.to_string())])),
        Err(CreateWebsiteError::UnknownChannels(_)) => Err(PageError::Unexpected),
        Err(CreateWebsiteError::Unavailable(e)) => Err(PageError::unavailable(e.as_ref())),
        Err(CreateWebsiteError::Unknown(e)) => Err(PageError::unexpected(e.as_ref())),
    }
}

fn fields_of(website: &Website) -> SiteFields {
    SiteFields {
        csrf: String::new(),
        url: website.url.given().to_owned(),
        name: website.name.as_str().to_owned(),
        check_interval: website.check_interval.secs().to_string(),
        enabled: website.enabled.then(|| "on".to_owned()),
    }
}

pub(crate) async fn edit_form<W: WebUseCases>(
    state: web::Data<WebState<W>>,
    viewer: web::ReqData<Viewer>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let viewer = viewer.into_inner();
    require_read(&viewer, &request)?;
    if !viewer.can_write() {
        return Err(PageError::ReadOnly);
    }
    let id = site_id(&path)?;
    let website = state.websites.get_website(id).await?;
    let title = format!("Edit {}", website.name.as_str());
    Ok(form_page(
        &title,
        &format!("/sites/{}/edit", id.get()),
        &fields_of(&website),
        &Vec::new(),
        &viewer,
        StatusCode::OK,
    ))
}

pub(crate) async fn update<W: WebUseCases>(
    state: web::Data<WebState<W>>,
    viewer: web::ReqData<Viewer>,
    path: web::Path<String>,
    form: web::Form<SiteFields>,
) -> Result<HttpResponse, PageError> {
    let viewer = viewer.into_inner();
    require_write(&viewer, &form.csrf)?;
    let id = site_id(&path)?;
    let action = format!("/sites/{}/edit", id.get());
    let refused = |errors: &FieldErrors| {
        form_page("Edit site", &action, &form, errors, &viewer, StatusCode::UNPROCESSABLE_ENTITY)
    };
    let (url, name, check_interval) = match parse(&state, &form) {
        Ok(parsed) => parsed,
        Err(errors) => return Ok(refused(&errors)),
    };
    let patch = WebsitePatch {
        url: Some(url),
        name: Some(name),
        enabled: Some(form.enabled.is_some()),
        check_interval: Some(check_interval),
        ..WebsitePatch::default()
    };
    match state.websites.update_website(id, patch, FileGuard::Respect).await {
        Ok(_) => Ok(see_other(&format!("/sites/{}", id.get()))),
        Err(
            error @ (UpdateWebsiteError::DuplicateUrl(_) | UpdateWebsiteError::BlockedAddress(_)),
        ) => Ok(refused(&vec![("url", error.to_string())])),
        Err(UpdateWebsiteError::NotFound(_)) => Err(PageError::NotFound),
        Err(UpdateWebsiteError::ManagedByFile(owner)) => {
            Err(PageError::ManagedByFile { owner: owner.to_string() })
        }
        Err(UpdateWebsiteError::UnknownChannels(_) | UpdateWebsiteError::Regions(_)) => {
            Err(PageError::Unexpected)
        }
        Err(UpdateWebsiteError::Unavailable(e)) => Err(PageError::unavailable(e.as_ref())),
        Err(UpdateWebsiteError::Unknown(e)) => Err(PageError::unexpected(e.as_ref())),
    }
}
