//! `GET /sign-in`, `POST /sign-in` and `POST /sign-out`. Once an API token exists, the pages
//! ask for one once and keep a session (see `session.rs`): a write token for the whole UI, a
//! read token for a UI without write buttons.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use lookout_domain::auth::{Access, AuthorizeError, Scope};
use maud::html;
use serde::Deserialize;

use super::{PageError, html_response, see_other};
use crate::layout::{Nav, page};
use crate::session::{Grant, NewSession, Viewer};
use crate::state::WebState;

/// Percent-encodes a local path for `?next=`.
pub(crate) fn encode_next(next: &str) -> String {
    next.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// Where to go after signing in: a local path only (never another site).
fn local_path(next: &str) -> &str {
    let local = next.starts_with('/') && !next.starts_with("//") && !next.contains('\\');
    if local { next } else { "/" }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct NextParam {
    #[serde(default)]
    next: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct SignInForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    next: String,
}

fn sign_in_page(
    viewer: &Viewer,
    next: &str,
    error: Option<&str>,
    status: StatusCode,
) -> HttpResponse {
    let body = html! {
        h1 { "Sign in" }
        @if viewer.open {
            p.notice { "No API token exists yet, so these pages are open on this address. " a href="/" { "Go to the overview" } "." }
        } @else {
            p { "Sign in with an API token: a write token lets you change sites, a read token only look." }
            form.site-form method="post" action="/sign-in" {
                input type="hidden" name="csrf" value=(viewer.csrf);
                input type="hidden" name="next" value=(local_path(next));
                div.field {
                    label for="token" { "API token" }
                    input #token name="token" type="password" autocomplete="current-password" required
                        aria-invalid=[error.map(|_| "true")] aria-describedby="token-error";
                    @if let Some(message) = error { span.error #token-error role="alert" { (message) } }
                }
                div.actions { button type="submit" { "Sign in" } }
            }
        }
    };
    let mut response = html_response(page("Sign in", Nav::None, None, body));
    *response.status_mut() = status;
    response
}

pub(crate) async fn form(
    viewer: web::ReqData<Viewer>,
    params: web::Query<NextParam>,
) -> HttpResponse {
    sign_in_page(&viewer, &params.next, None, StatusCode::OK)
}

pub(crate) async fn sign_in<W: Send + Sync + 'static>(
    state: web::Data<WebState<W>>,
    viewer: web::ReqData<Viewer>,
    form: web::Form<SignInForm>,
) -> Result<HttpResponse, PageError> {
    if !viewer.csrf_matches(&form.csrf) {
        return Err(PageError::Forged);
    }
    let token = form.token.trim();
    let refused = |message: &str| {
        Ok(sign_in_page(&viewer, &form.next, Some(message), StatusCode::UNAUTHORIZED))
    };
    if token.is_empty() {
        return refused("Enter a token.");
    }
    match state.access.authorize(Some(token), Scope::Read).await {
        Ok(Access::Token(scope)) => {
            tracing::info!(scope = %scope, "Signed in to the web pages");
            let mut response = see_other(local_path(&form.next));
            response.extensions_mut().insert(NewSession(Grant::of(scope)));
            Ok(response)
        }
        Ok(Access::Anonymous) => Ok(see_other(local_path(&form.next))),
        Err(AuthorizeError::Unavailable(e)) => Err(PageError::unavailable(e.as_ref())),
        Err(AuthorizeError::Unknown(e)) => Err(PageError::unexpected(e.as_ref())),
        Err(_) => {
            tracing::info!("A web sign-in was refused");
            refused("That token is not valid.")
        }
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct SignOutForm {
    #[serde(default)]
    csrf: String,
}

pub(crate) async fn sign_out(
    viewer: web::ReqData<Viewer>,
    form: web::Form<SignOutForm>,
) -> Result<HttpResponse, PageError> {
    if !viewer.csrf_matches(&form.csrf) {
        return Err(PageError::Forged);
    }
    let mut response = see_other("/sign-in");
    response.extensions_mut().insert(NewSession(Grant::Visitor));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_signing_in() {
        assert_eq!(local_path("/sites/3?chart=7d"), "/sites/3?chart=7d");
        for foreign in ["https://evil.example", "//evil.example", "/\\evil.example", ""] {
            assert_eq!(local_path(foreign), "/", "{foreign}");
        }
        assert_eq!(encode_next("/?q=a b"), "/%3Fq%3Da%20b");
    }
}
