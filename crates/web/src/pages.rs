//! The pages, one file each, and what they share: the HTML response, the access checks, and
//! [`PageError`], which every page answers its failures with (an HTML page naming what was
//! wrong; never a stack trace or a storage detail).

pub(crate) mod badges;
pub(crate) mod docs;
pub(crate) mod overview;
pub(crate) mod sign_in;
pub(crate) mod site;
pub(crate) mod site_actions;
pub(crate) mod site_form;
pub(crate) mod status_page;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use maud::{Markup, html};

use lookout_domain::ErrorChain;
use lookout_domain::history::HistoryError;
use lookout_domain::website::{DeleteWebsiteError, GetWebsiteError, WebsiteStatusError};

use crate::layout::{Nav, page};
use crate::session::Viewer;

/// An HTML page, never cached by shared caches (pages show private data).
pub(crate) fn html_response(markup: Markup) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .content_type("text/html; charset=utf-8")
        .body(markup.into_string())
}

/// A redirect after a form (303: the browser follows with a GET).
pub(crate) fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, location.to_owned())).finish()
}

/// Lets a viewer who may read through, or sends them to sign in and come back.
pub(crate) fn require_read(viewer: &Viewer, request: &HttpRequest) -> Result<(), PageError> {
    if viewer.can_read() {
        return Ok(());
    }
    let back = request.uri().path_and_query().map_or("/", |p| p.as_str()).to_owned();
    Err(PageError::SignIn { next: back })
}

/// Lets a form through when its viewer may write and it carries the session's form token.
pub(crate) fn require_write(viewer: &Viewer, csrf: &str) -> Result<(), PageError> {
    if !viewer.can_read() {
        return Err(PageError::SignIn { next: "/".to_owned() });
    }
    if !viewer.csrf_matches(csrf) {
        return Err(PageError::Forged);
    }
    if !viewer.can_write() {
        return Err(PageError::ReadOnly);
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum PageError {
    #[error("{message}")]
    BadInput { field: &'static str, message: String },
    #[error("not found")]
    NotFound,
    #[error("sign in first")]
    SignIn { next: String },
    #[error("this session may only read")]
    ReadOnly,
    #[error("the form's token is missing or not this session's")]
    Forged,
    #[error("the site is managed by {owner}")]
    ManagedByFile { owner: String },
    #[error("storage is unavailable")]
    Unavailable,
    #[error("unexpected failure")]
    Unexpected,
}

impl PageError {
    pub(crate) fn bad_input(field: &'static str, message: impl Into<String>) -> Self {
        Self::BadInput { field, message: message.into() }
    }

    /// The field a bad input names.
    #[cfg(test)]
    pub(crate) fn field(&self) -> Option<&'static str> {
        match self {
            Self::BadInput { field, .. } => Some(field),
            _ => None,
        }
    }

    /// Storage did not answer: logged here, shown without its detail.
    pub(crate) fn unavailable(error: &(dyn std::error::Error + 'static)) -> Self {
        tracing::warn!(error = %ErrorChain(error), "A page could not reach storage");
        Self::Unavailable
    }

    /// An unexpected failure: logged here, shown without its detail.
    pub(crate) fn unexpected(error: &(dyn std::error::Error + 'static)) -> Self {
        tracing::error!(error = %ErrorChain(error), "A page failed");
        Self::Unexpected
    }
}

/// The shared shape of the domain's read errors: not found, unavailable, anything else.
macro_rules! from_read_error {
    ($($error:ident),*) => {$(
        impl From<$error> for PageError {
            fn from(error: $error) -> Self {
                match error {
                    $error::NotFound(_) => Self::NotFound,
                    $error::Unavailable(ref e) => Self::unavailable(e.as_ref()),
                    $error::Unknown(ref e) => Self::unexpected(e.as_ref()),
                }
            }
        }
    )*};
}

from_read_error!(HistoryError, WebsiteStatusError, GetWebsiteError);

impl From<DeleteWebsiteError> for PageError {
    fn from(error: DeleteWebsiteError) -> Self {
        match error {
            DeleteWebsiteError::NotFound(_) => Self::NotFound,
            DeleteWebsiteError::ManagedByFile(owner) => {
                Self::ManagedByFile { owner: owner.to_string() }
            }
            DeleteWebsiteError::Unavailable(ref e) => Self::unavailable(e.as_ref()),
            DeleteWebsiteError::Unknown(ref e) => Self::unexpected(e.as_ref()),
        }
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadInput { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::ManagedByFile { .. } => StatusCode::CONFLICT,
            Self::SignIn { .. } => StatusCode::SEE_OTHER,
            Self::ReadOnly | Self::Forged => StatusCode::FORBIDDEN,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Unexpected => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::SignIn { next } = self {
            let location = format!("/sign-in?next={}", sign_in::encode_next(next));
            return see_other(&location);
        }
        let (title, text) = match self {
            Self::BadInput { field, message } => ("That did not work", format!("{field}: {message}")),
            Self::NotFound => ("Not found", "There is no such page or site.".to_owned()),
            Self::ManagedByFile { owner } => (
                "Managed by a file",
                format!(
                    "This site is managed by {owner}. Change it in the file and apply the file, \
                     so the two stay the same."
                ),
            ),
            Self::ReadOnly => (
                "Read only",
                "You are signed in with a read token: this session can look but not change anything.".to_owned(),
            ),
            Self::Forged => (
                "Form expired",
                "This form did not come from your current session. Go back, reload the page and try again.".to_owned(),
            ),
            Self::Unavailable => (
                "Storage unavailable",
                "lookout cannot read its database right now. Checks are held and stored once it answers again.".to_owned(),
            ),
            Self::Unexpected | Self::SignIn { .. } => {
                ("Something went wrong", "The failure is in lookout's log.".to_owned())
            }
        };
        let body = html! {
            h1 { (title) }
            p.notice.bad role="alert" { (text) }
            p { a href="/" { "Back to the overview" } }
        };
        HttpResponse::build(self.status_code())
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .content_type("text/html; charset=utf-8")
            .body(page(title, Nav::None, None, body).into_string())
    }
}
