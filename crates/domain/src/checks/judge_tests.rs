use std::time::Duration;

use serde_json::json;

use super::*;
use crate::checks::{AssertionDraft, CheckSpec, parse_assertions};

fn spec(assertions: serde_json::Value) -> CheckSpec {
    let drafts = assertions.as_array().unwrap().iter().map(draft).collect();
    CheckSpec { assertions: parse_assertions(drafts).unwrap(), ..CheckSpec::default() }
}

fn draft(value: &serde_json::Value) -> AssertionDraft {
    let text = |key: &str| value.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    AssertionDraft {
        kind: text("kind"),
        severity: text("severity"),
        any_of: value.get("any_of").and_then(|v| v.as_array()).cloned(),
        value: value.get("value").cloned(),
        negate: value.get("negate").and_then(|v| v.as_bool()),
        regex: text("regex"),
        path: text("path"),
        op: text("op"),
        name: text("name"),
        below_ms: value.get("below_ms").and_then(|v| v.as_i64()),
        above: value.get("above").and_then(|v| v.as_i64()),
    }
}

fn refused(assertions: serde_json::Value) -> String {
    let drafts = assertions.as_array().unwrap().iter().map(draft).collect();
    parse_assertions(drafts).unwrap_err().field
}

fn response(status: u16, body: &str) -> ResponseView {
    ResponseView {
        status,
        headers: vec![("content-type".into(), "application/json; charset=utf-8".into())],
        body: Some(ResponseBody { bytes: body.as_bytes().to_vec(), truncated: false }),
        response_time: Duration::from_millis(120),
        tls_days_left: Some(30),
    }
}

fn judged(spec: &CheckSpec, response: &ResponseView) -> (bool, bool, Option<String>) {
    let verdict = spec.judge(response);
    (verdict.available, verdict.degraded, verdict.failed_assertion)
}

#[test]
fn without_assertions_the_seed_rule_holds() {
    let none = CheckSpec::default();
    assert_eq!(judged(&none, &response(204, "")), (true, false, None));
    assert_eq!(judged(&none, &response(302, "")), (true, false, None));
    assert_eq!(judged(&none, &response(503, "")), (false, false, None));
}

#[test]
fn a_status_assertion_replaces_the_default_rule() {
    let spec = spec(json!([{"kind": "status", "any_of": [200, "4xx", "301-308"]}]));
    assert!(judged(&spec, &response(404, "")).0);
    assert!(judged(&spec, &response(307, "")).0);
    let (up, _, failed) = judged(&spec, &response(204, ""));
    assert!(!up);
    assert_eq!(failed.as_deref(), Some("status any of 200, 4xx, 301-308: got 204"));
}

#[test]
fn body_assertions_read_the_body_and_say_what_was_wrong() {
    let spec = spec(json!([
        {"kind": "body_contains", "value": "ok"},
        {"kind": "body_contains", "value": "error", "negate": true},
        {"kind": "body_matches", "regex": "^\\{.*\\}$"}
    ]));
    assert!(spec.needs_body());
    assert_eq!(judged(&spec, &response(200, "{\"ok\": true}")), (true, false, None));
    let failed = judged(&spec, &response(200, "{\"error\": \"ok\"}")).2;
    assert_eq!(failed.as_deref(), Some("body_contains \"error\" (negated): found"));
    let mut cut = response(200, "{\"ok\"");
    cut.body.as_mut().unwrap().truncated = true;
    let failed = judged(&spec, &cut).2.unwrap();
    assert!(failed.contains("cut at 5 bytes"), "{failed}");
}

#[test]
fn json_path_compares_what_the_path_selects() {
    let spec = spec(json!([
        {"kind": "json_path", "path": "$.status", "op": "eq", "value": "up"},
        {"kind": "json_path", "path": "$.db.latency_ms", "op": "lt", "value": 50},
        {"kind": "json_path", "path": "$.regions", "op": "contains", "value": "eu"},
        {"kind": "json_path", "path": "$.version", "op": "exists"}
    ]));
    let good =
        r#"{"status": "up", "db": {"latency_ms": 12.5}, "regions": ["us", "eu"], "version": 3}"#;
    assert_eq!(judged(&spec, &response(200, good)), (true, false, None));
    let down = r#"{"status": "down", "db": {"latency_ms": 12}, "regions": ["eu"], "version": 3}"#;
    assert_eq!(
        judged(&spec, &response(200, down)).2.as_deref(),
        Some("json_path $.status eq \"up\": got \"down\"")
    );
    let slow = r#"{"status": "up", "db": {"latency_ms": 80}, "regions": ["eu"], "version": 3}"#;
    assert_eq!(
        judged(&spec, &response(200, slow)).2.as_deref(),
        Some("json_path $.db.latency_ms lt 50: got 80")
    );
    let failed = judged(&spec, &response(200, "<html>")).2.unwrap();
    assert!(failed.starts_with("json_path $.status eq \"up\": the body is not JSON"), "{failed}");
    let missing = r#"{"status": "up", "db": {"latency_ms": 1}, "regions": ["eu"]}"#;
    assert_eq!(
        judged(&spec, &response(200, missing)).2.as_deref(),
        Some("json_path $.version exists: no value at that path")
    );
}

#[test]
fn header_response_time_and_certificate_assertions() {
    let spec = spec(json!([
        {"kind": "header", "name": "Content-Type", "op": "contains", "value": "json"},
        {"kind": "header", "name": "x-cache", "op": "matches", "value": "^(HIT|MISS)$", "severity": "degraded"},
        {"kind": "response_time", "below_ms": 500},
        {"kind": "tls_days_left", "above": 14}
    ]));
    let mut seen = response(200, "");
    seen.headers.push(("x-cache".into(), "HIT".into()));
    assert_eq!(judged(&spec, &seen), (true, false, None));
    seen.tls_days_left = Some(9);
    assert_eq!(
        judged(&spec, &seen),
        (true, true, Some("tls_days_left above 14: 9 days left".into())),
        "a certificate near its end degrades by default, it does not fail"
    );
    seen.response_time = Duration::from_millis(750);
    assert_eq!(judged(&spec, &seen).2.as_deref(), Some("response_time below 500 ms: took 750 ms"));
    seen.headers[0].1 = "text/html".into();
    seen.response_time = Duration::from_millis(10);
    assert_eq!(
        judged(&spec, &seen).2.as_deref(),
        Some("header content-type contains \"json\": got \"text/html\"")
    );
}

#[test]
fn slow_answers_are_degraded_above_the_sites_limit() {
    let spec =
        CheckSpec { degraded_above: Some(Duration::from_millis(800)), ..CheckSpec::default() };
    let mut slow = response(200, "");
    slow.response_time = Duration::from_millis(950);
    assert_eq!(
        judged(&spec, &slow),
        (true, true, Some("response_time 950 ms above degraded_above_ms 800".into()))
    );
    slow.status = 500;
    assert_eq!(judged(&spec, &slow), (false, false, None), "down is not degraded");
}

#[test]
fn bad_assertions_name_their_field() {
    assert_eq!(refused(json!([{"kind": "teapot"}])), "assertions[0].kind");
    assert_eq!(
        refused(json!([{"kind": "status", "any_of": [200, "6xx"]}])),
        "assertions[0].any_of[1]"
    );
    assert_eq!(
        refused(json!([{"kind": "status", "any_of": ["308-301"]}])),
        "assertions[0].any_of[0]"
    );
    assert_eq!(refused(json!([{"kind": "status", "any_of": []}])), "assertions[0].any_of");
    assert_eq!(
        refused(
            json!([{"kind": "body_contains", "value": "ok"}, {"kind": "body_matches", "regex": "(unclosed"}])
        ),
        "assertions[1].regex"
    );
    assert_eq!(
        refused(json!([{"kind": "json_path", "path": "status", "op": "eq", "value": 1}])),
        "assertions[0].path"
    );
    assert_eq!(
        refused(json!([{"kind": "json_path", "path": "$.a", "op": "like", "value": 1}])),
        "assertions[0].op"
    );
    assert_eq!(
        refused(json!([{"kind": "json_path", "path": "$.a", "op": "lt", "value": [1]}])),
        "assertions[0].value"
    );
    assert_eq!(
        refused(json!([{"kind": "json_path", "path": "$.a", "op": "eq"}])),
        "assertions[0].value"
    );
    assert_eq!(refused(json!([{"kind": "header", "name": "a b"}])), "assertions[0].name");
    assert_eq!(
        refused(json!([{"kind": "response_time", "below_ms": 0}])),
        "assertions[0].below_ms"
    );
    assert_eq!(refused(json!([{"kind": "tls_days_left"}])), "assertions[0].above");
    assert_eq!(
        refused(json!([{"kind": "body_contains", "value": "x", "severity": "fatal"}])),
        "assertions[0].severity"
    );
    assert_eq!(refused(json!([{"kind": "body_contains", "value": 3}])), "assertions[0].value");
    let many: Vec<serde_json::Value> =
        (0..21).map(|_| json!({"kind": "body_contains", "value": "x"})).collect();
    assert_eq!(refused(json!(many)), "assertions");
    let two = json!([{"kind": "status", "any_of": [200]}, {"kind": "status", "any_of": [201]}]);
    assert_eq!(refused(two), "assertions");
}

#[test]
fn an_assertion_goes_back_to_the_form_it_was_sent_in() {
    let sent = json!([
        {"kind": "status", "any_of": [200, "2xx", "301-308"]},
        {"kind": "body_contains", "value": "ok", "negate": true},
        {"kind": "json_path", "path": "$.a[0]", "op": "ge", "value": 2.5, "severity": "degraded"},
        {"kind": "header", "name": "x-cache", "op": "matches", "value": "^HIT$"},
        {"kind": "response_time", "below_ms": 700},
        {"kind": "tls_days_left", "above": 14}
    ]);
    let parsed = spec(sent.clone()).assertions;
    let drafts: Vec<AssertionDraft> = parsed.iter().map(|a| a.to_draft()).collect();
    assert_eq!(serde_json::to_value(&drafts).unwrap(), sent);
    assert_eq!(parse_assertions(drafts).unwrap(), parsed);
}
