//! Hostile input to the API that the error-case tests do not already cover: many concurrent
//! duplicate creates, names with control and bidi-override characters, a 1 MB name, IDN hosts,
//! numbers beyond every integer type, and the `Allow` header of a 405.

use reqwest::Method;
use serde_json::json;

use crate::helpers::on_both_backends;

on_both_backends!(concurrent_duplicate_creates_exactly_one_wins, |app| {
    let body = json!({ "url": "https://race.example", "name": "Race" });
    let attempts = (0..50).map(|_| app.post_json("/api/websites", &body));
    let results = futures::future::join_all(attempts).await;
    let created = results.iter().filter(|(status, _)| *status == 201).count();
    let conflicts = results
        .iter()
        .filter(|(status, body)| *status == 409 && body["code"] == "duplicate_url")
        .count();
    assert_eq!((created, conflicts), (1, 49), "{results:?}");
    assert_eq!(app.get("/api/websites").await.1.as_array().unwrap().len(), 1);
});

on_both_backends!(hostile_names_numbers_and_hosts, |app| {
    for name in ["bad\u{0}name", "tab\tname", "evil\u{202E}txt.exe", "line\nbreak", "\u{2066}x"] {
        let body = json!({ "url": "https://names.example", "name": name });
        let (status, error) = app.post_json("/api/websites", &body).await;
        assert_eq!((status, error["field"].as_str()), (422, Some("name")), "{name:?}: {error}");
    }
    let huge = json!({ "url": "https://names.example", "name": "n".repeat(1 << 20) });
    let bytes = serde_json::to_vec(&huge).unwrap();
    let (status, error) =
        app.send_raw(Method::POST, "/api/websites", Some("application/json"), bytes).await;
    assert_eq!((status, error["code"].as_str()), (413, Some("payload_too_large")));
    for interval in ["1e400", "18446744073709551616", "-9223372036854775809"] {
        let raw =
            format!(r#"{{"url":"https://n.example","name":"n","check_interval":{interval}}}"#);
        let (status, error) = app
            .send_raw(Method::POST, "/api/websites", Some("application/json"), raw.into_bytes())
            .await;
        // 1e400 does not even parse as a JSON number (400); the others are not integers (422).
        assert!(matches!(status, 400 | 422), "{interval}: {status} {error}");
        assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "{error}");
    }
    let (status, site) = app
        .post_json("/api/websites", &json!({ "url": "https://bücher.example/ä", "name": "IDN" }))
        .await;
    assert_eq!(status, 201, "{site}");
    assert_eq!(site["url"], "https://bücher.example/ä", "answered as given (checked as punycode)");
    let response = app.client.put(app.url("/api/websites")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(response.headers()["allow"], "GET, POST");
});
