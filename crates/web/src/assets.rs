//! The embedded assets (`/assets/{name}`): CSS and JavaScript, served with a content hash in the
//! URL (`?v=`), an `ETag`, and a year of caching when the hash matches.

use actix_web::http::header;

use crate::etag::{etag, fingerprint, still_fresh};
use actix_web::{HttpRequest, HttpResponse, web};

/// One embedded file.
#[derive(Debug)]
pub(crate) struct Asset {
    pub(crate) name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "style.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../assets/style.css"),
    },
    Asset {
        name: "app.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/app.js"),
    },
    Asset {
        name: "docs.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/docs.js"),
    },
    Asset {
        name: "swagger-ui-bundle.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/swagger-ui/swagger-ui-bundle.js"),
    },
    Asset {
        name: "swagger-ui.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../assets/swagger-ui/swagger-ui.css"),
    },
];

/// The URL of an embedded asset, fingerprinted.
pub(crate) fn url(name: &str) -> String {
    let version =
        ASSETS.iter().find(|a| a.name == name).map(|a| fingerprint(a.bytes)).unwrap_or_default();
    format!("/assets/{name}?v={version}")
}

/// `GET /assets/{name}`.
pub(crate) async fn serve(request: HttpRequest, name: web::Path<String>) -> HttpResponse {
    let Some(asset) = ASSETS.iter().find(|a| a.name == name.as_str()) else {
        return HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("no such asset");
    };
    let tag = etag(asset.bytes);
    let matches = still_fresh(&request, &tag);
    let versioned = request.query_string().contains(&format!("v={}", fingerprint(asset.bytes)));
    let cache =
        if versioned { "public, max-age=31536000, immutable" } else { "public, max-age=300" };
    let mut response = if matches { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    response.insert_header((header::ETAG, tag)).insert_header((header::CACHE_CONTROL, cache));
    if matches {
        response.finish()
    } else {
        response.content_type(asset.content_type).body(asset.bytes)
    }
}
