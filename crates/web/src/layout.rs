//! The page shell: head, header with navigation and who is signed in, main, footer.

use maud::{DOCTYPE, Markup, html};

use crate::assets;
use crate::session::{Grant, Viewer};

/// Which navigation item a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Nav {
    Overview,
    NewSite,
    None,
}

/// The `<head>` every page has; `script` adds the pages' JavaScript.
fn head(title: &str, script: bool) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            meta name="color-scheme" content="light dark";
            title { (title) }
            link rel="stylesheet" href=(assets::url("style.css"));
            @if script { script src=(assets::url("app.js")) defer {} }
        }
    }
}

/// A public page (a status page): no navigation, no session, no script.
pub(crate) fn public_page(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            (head(&format!("{title} · status"), false))
            body.public {
                main #main { (body) }
                footer { "Monitored by lookout" }
            }
        }
    }
}

/// A whole page.
pub(crate) fn page(title: &str, nav: Nav, viewer: Option<&Viewer>, body: Markup) -> Markup {
    let current = |item: Nav| if item == nav { Some("page") } else { None };
    html! {
        (DOCTYPE)
        html lang="en" {
            (head(&format!("{title} · lookout"), true))
            body {
                a.skip href="#main" { "Skip to content" }
                header.top {
                    a.brand href="/" { "lookout" }
                    @if let Some(viewer) = viewer.filter(|v| v.can_read()) {
                        nav aria-label="Main" {
                            a href="/" aria-current=[current(Nav::Overview)] { "Overview" }
                            @if viewer.can_write() {
                                a href="/sites/new" aria-current=[current(Nav::NewSite)] { "Add a site" }
                            }
                            a href="/docs" { "API docs" }
                        }
                        div.who {
                            @if viewer.signed_in() {
                                span { (if viewer.grant == Grant::Write { "Signed in (read and write)" } else { "Signed in (read only)" }) }
                                form method="post" action="/sign-out" {
                                    input type="hidden" name="csrf" value=(viewer.csrf);
                                    button.quiet type="submit" { "Sign out" }
                                }
                            }
                        }
                    }
                }
                main #main { (body) }
                footer { "lookout — website monitoring" }
            }
        }
    }
}
