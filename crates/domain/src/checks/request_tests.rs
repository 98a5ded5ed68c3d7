use std::time::Duration;

use super::*;

fn headers(pairs: &[(&str, &str)]) -> Option<Vec<(String, String)>> {
    Some(pairs.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect())
}

fn field_of(draft: RequestDraft) -> String {
    draft.parse().unwrap_err().field
}

#[test]
fn nothing_sent_asks_as_the_seed_did() {
    let options = RequestDraft::default().parse().unwrap();
    assert!(options.is_default());
    assert_eq!(options.method, HttpMethod::Get);
}

#[test]
fn every_option_is_read_and_auth_headers_are_secret() {
    let draft = RequestDraft {
        method: Some("POST".into()),
        headers: headers(&[
            ("Authorization", "Bearer t0k"),
            ("X-Api-Key", "k"),
            ("Accept", "application/json"),
        ]),
        body: Some("{\"ping\":1}".into()),
        timeout_secs: Some(5),
        follow_redirects: Some(false),
        http_version: Some("http2".into()),
        secret_headers: Some(vec!["x-api-key".into()]),
    };
    let options = draft.parse().unwrap();
    assert_eq!(options.method, HttpMethod::Post);
    assert_eq!(options.timeout, Some(Duration::from_secs(5)));
    assert_eq!(options.follow_redirects, Some(false));
    assert_eq!(options.http_version, HttpVersion::Http2);
    let secret: Vec<(&str, bool)> =
        options.headers.iter().map(|h| (h.name.as_str(), h.secret)).collect();
    assert_eq!(secret, vec![("Authorization", true), ("X-Api-Key", true), ("Accept", false)]);
    assert_eq!(options.secret_headers(), vec!["X-Api-Key"], "Authorization is secret anyway");
}

#[test]
fn bad_headers_are_refused_naming_the_header() {
    let bad = |pairs: &[(&str, &str)]| {
        field_of(RequestDraft { headers: headers(pairs), ..RequestDraft::default() })
    };
    assert_eq!(bad(&[("X Bad", "v")]), "request.headers.X Bad");
    assert_eq!(bad(&[("X-Inject", "a\r\nX-Evil: 1")]), "request.headers.X-Inject");
    assert_eq!(bad(&[("Content-Length", "3")]), "request.headers.Content-Length");
    assert_eq!(bad(&[("Accept", "a"), ("accept", "b")]), "request.headers.accept");
    let long = "v".repeat(MAX_HEADER_VALUE_BYTES + 1);
    assert_eq!(bad(&[("X-Long", &long)]), "request.headers.X-Long");
}

#[test]
fn bad_method_timeout_version_and_body_name_their_field() {
    let method = RequestDraft { method: Some("get".into()), ..RequestDraft::default() };
    assert_eq!(field_of(method), "request.method");
    for secs in [0, 61, -1] {
        let timeout = RequestDraft { timeout_secs: Some(secs), ..RequestDraft::default() };
        assert_eq!(field_of(timeout), "request.timeout_secs");
    }
    let version = RequestDraft { http_version: Some("http3".into()), ..RequestDraft::default() };
    assert_eq!(field_of(version), "request.http_version");
    let body = RequestDraft {
        body: Some("x".repeat(MAX_REQUEST_BODY_BYTES + 1)),
        ..RequestDraft::default()
    };
    assert_eq!(field_of(body), "request.body");
    let secret = RequestDraft { secret_headers: Some(vec!["".into()]), ..RequestDraft::default() };
    assert_eq!(field_of(secret), "request.secret_headers[0]");
}

#[test]
fn a_masked_secret_sent_back_keeps_the_stored_value() {
    let stored = RequestDraft {
        headers: headers(&[("Authorization", "Bearer real")]),
        ..RequestDraft::default()
    }
    .parse()
    .unwrap();
    let patch = RequestDraft {
        headers: headers(&[("authorization", SECRET_MASK), ("Accept", SECRET_MASK)]),
        ..RequestDraft::default()
    }
    .parse()
    .unwrap()
    .keep_secrets_from(&stored);
    assert_eq!(patch.headers[0].value, "Bearer real");
    assert_eq!(patch.headers[1].value, SECRET_MASK, "not a secret: taken as sent");
}

#[test]
fn options_go_back_to_the_form_they_were_sent_in_and_answers_mask_secrets() {
    let draft = RequestDraft {
        method: Some("PUT".into()),
        headers: headers(&[("Cookie", "s=1"), ("X-Key", "k"), ("Accept", "*/*")]),
        body: Some("b".into()),
        timeout_secs: Some(9),
        follow_redirects: Some(true),
        http_version: Some("http1".into()),
        secret_headers: Some(vec!["X-Key".into()]),
    };
    let options = draft.clone().parse().unwrap();
    assert_eq!(options.to_draft(), draft);
    let masked: Vec<String> = options.masked().headers.into_iter().map(|h| h.value).collect();
    assert_eq!(masked, vec![SECRET_MASK, SECRET_MASK, "*/*"]);
    assert_eq!(RequestOptions::default().to_draft(), RequestDraft::default());
}
