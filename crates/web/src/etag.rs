//! Content fingerprints for `ETag`s (FNV-1a: fast, stable, not a security measure) and the
//! `If-None-Match` test.

use actix_web::HttpRequest;
use actix_web::http::header;

/// FNV-1a of `bytes`, in hex: changes whenever they do.
pub(crate) fn fingerprint(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{hash:016x}")
}

/// The quoted `ETag` of `bytes`.
pub(crate) fn etag(bytes: &[u8]) -> String {
    format!("\"{}\"", fingerprint(bytes))
}

/// Whether the request already holds the version tagged `etag`.
pub(crate) fn still_fresh(request: &HttpRequest, etag: &str) -> bool {
    request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_follows_the_content() {
        assert_eq!(etag(b"a"), etag(b"a"));
        assert_ne!(etag(b"a"), etag(b"b"));
        let request = actix_web::test::TestRequest::default()
            .insert_header((header::IF_NONE_MATCH, format!("\"x\", {}", etag(b"a"))))
            .to_http_request();
        assert!(still_fresh(&request, &etag(b"a")) && !still_fresh(&request, &etag(b"b")));
    }
}
