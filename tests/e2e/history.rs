//! The history endpoints: checks in keyset pages and downtime windows over ranges, with data
//! the test writes, on both backends.

use std::collections::HashSet;

use serde_json::Value;

use crate::helpers::{TestApp, TestDatabase, on_both_backends};

/// Inserts `count` checks for `site`, one a minute from 2026-11-01 00:00, every two sharing a
/// timestamp (so that ties are broken by id).
async fn insert_checks(db: &TestDatabase, site: &Value, count: u32) {
    let rows: Vec<String> = (0..count)
        .map(|i| {
            let minute = i / 2;
            let (day, rest) = (1 + minute / 1440, minute % 1440);
            let ok = i % 7 != 0;
            format!(
                "({site}, '2026-11-{day:02} {:02}:{:02}:00', {}, 0.{:03}, {ok}, {})",
                rest / 60,
                rest % 60,
                if ok { "200" } else { "NULL" },
                i % 1000,
                if ok { "NULL".to_owned() } else { "'connection refused'".to_owned() },
            )
        })
        .collect();
    for chunk in rows.chunks(500) {
        let sql = format!(
            "INSERT INTO monitor_checks (website_id, timestamp, status_code, response_time, is_available, error_message) VALUES {}",
            chunk.join(", ")
        );
        db.execute(&sql).await.unwrap();
    }
}

/// A disabled site: its history is what the test writes, with no check of the scheduler's
/// slipping in.
async fn site(app: &TestApp) -> Value {
    let body = serde_json::json!({ "url": "https://history.example", "name": "History", "enabled": false });
    let (status, site) = app.post_json("/api/websites", &body).await;
    assert_eq!(status, 201, "{site}");
    site["id"].clone()
}

on_both_backends!(pages_through_every_check_once_newest_first, |app| {
    let id = site(&app).await;
    let db = app.database();
    insert_checks(db, &id, 10_000).await;
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/websites/{id}/checks?limit=1000&cursor={c}"),
            None => format!("/api/websites/{id}/checks?limit=1000"),
        };
        let (status, body) = app.get(&path).await;
        assert_eq!(status, 200, "{body}");
        pages += 1;
        for check in body["checks"].as_array().unwrap() {
            seen.push((
                check["timestamp"].as_str().unwrap().to_owned(),
                check["id"].as_i64().unwrap(),
            ));
        }
        match body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 10);
    assert_eq!(seen.len(), 10_000, "no check lost");
    let distinct = seen.iter().map(|(_, id)| id).collect::<HashSet<_>>().len();
    assert_eq!(distinct, 10_000, "none repeated");
    assert!(seen.windows(2).all(|w| w[0] > w[1]), "newest first, ties by id");
});

on_both_backends!(checks_carry_their_fields_and_honour_the_range, |app| {
    let id = site(&app).await;
    insert_checks(app.database(), &id, 100).await;
    let (status, body) = app.get(&format!("/api/websites/{id}/checks?limit=1")).await;
    assert_eq!(status, 200);
    let newest = &body["checks"][0];
    assert_eq!(newest["website_id"], id);
    assert_eq!(newest["timestamp"], "2026-11-01T00:49:00Z");
    assert!(body["next_cursor"].is_string());
    // Default limit is 100: all of them, and no next page.
    let (_, all) = app.get(&format!("/api/websites/{id}/checks")).await;
    assert_eq!(all["checks"].as_array().unwrap().len(), 100);
    assert!(all["next_cursor"].is_null());
    let failed =
        all["checks"].as_array().unwrap().iter().find(|c| c["is_available"] == false).unwrap();
    assert_eq!(failed["status_code"], Value::Null);
    assert_eq!(failed["error_message"], "connection refused");
    // [00:10, 00:20): ten minutes, two checks a minute.
    let (status, body) = app
        .get(&format!(
            "/api/websites/{id}/checks?from=2026-11-01T00:10:00Z&to=2026-11-01T00:20:00Z"
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["checks"].as_array().unwrap().len(), 20);
});

on_both_backends!(downtimes_overlapping_the_range_with_the_ongoing_one, |app| {
    let id = site(&app).await;
    app.database()
        .execute(&format!(
            "INSERT INTO downtime_windows (website_id, start_time, end_time, created_at) VALUES \
             ({id}, '2026-11-01 10:00:00', '2026-11-01 11:00:00', '2026-11-01 10:00:00'), \
             ({id}, '2026-11-02 00:00:00', '2026-11-02 00:30:00', '2026-11-02 00:00:00'), \
             ({id}, '2026-11-03 12:00:00', NULL, '2026-11-03 12:00:00')"
        ))
        .await
        .unwrap();
    let list = async |query: &str| {
        let (status, body) = app.get(&format!("/api/websites/{id}/downtimes{query}")).await;
        assert_eq!(status, 200, "{body}");
        body.as_array().unwrap().clone()
    };
    let all = list("").await;
    assert_eq!(all.len(), 3);
    assert_eq!(all[0]["duration"], 3600.0);
    assert_eq!(all[0]["end_time"], "2026-11-01T11:00:00Z");
    assert!(all[2]["end_time"].is_null());
    assert!(all[2]["duration"].as_f64().unwrap() > 86_400.0, "ongoing: duration so far");
    // Windows that overlap the range at its edges.
    assert_eq!(list("?from=2026-11-01T10:30:00Z&to=2026-11-02T00:10:00Z").await.len(), 2);
    // Ending exactly at `from` or starting exactly at `to` is not overlapping.
    assert_eq!(list("?from=2026-11-01T11:00:00Z&to=2026-11-02T00:00:00Z").await.len(), 0);
    let open = list("?from=2026-11-10T00:00:00Z").await;
    assert_eq!(open.len(), 1);
    assert!(open[0]["end_time"].is_null());
});

on_both_backends!(bad_parameters_are_422_and_unknown_sites_404, |app| {
    let id = site(&app).await;
    for query in [
        "limit=0",
        "limit=10000",
        "limit=ten",
        "cursor=garbage",
        "cursor=c12-0",
        "from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z",
        "from=yesterday",
        "to=2026-13-01T00:00:00Z",
        "colour=blue",
    ] {
        let (status, body) = app.get(&format!("/api/websites/{id}/checks?{query}")).await;
        assert_eq!(status, 422, "{query}: {body}");
        assert_eq!(body["code"], "validation_failed", "{query}");
    }
    let (status, _) = app.get(&format!("/api/websites/{id}/downtimes?limit=5")).await;
    assert_eq!(status, 422);
    for path in
        ["/api/websites/4242/checks", "/api/websites/4242/downtimes", "/api/websites/x/checks"]
    {
        let (status, body) = app.get(path).await;
        assert_eq!(status, 404, "{path}: {body}");
    }
});

on_both_backends!(stats_are_time_weighted_over_the_range, |app| {
    let id = site(&app).await;
    let db = app.database();
    db.execute(&format!("UPDATE websites SET created_at = '2026-10-01 00:00:00' WHERE id = {id}"))
        .await
        .unwrap();
    insert_checks(db, &id, 100).await;
    db.execute(&format!(
        "INSERT INTO downtime_windows (website_id, start_time, end_time, created_at) VALUES \
         ({id}, '2026-11-01 12:00:00', '2026-11-01 13:12:00', '2026-11-01 12:00:00')"
    ))
    .await
    .unwrap();
    let (status, stats) = app
        .get(&format!("/api/websites/{id}/stats?from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z"))
        .await;
    assert_eq!(status, 200, "{stats}");
    assert_eq!(stats["website_id"], id);
    assert!((stats["uptime_percent"].as_f64().unwrap() - 95.0).abs() < 1e-9, "{stats}");
    assert_eq!(stats["check_count"], 100);
    assert_eq!(stats["failed_count"], 15);
    assert_eq!(stats["total_downtime"], 4320.0);
    assert_eq!(stats["incidents"], 1);
    assert_eq!(stats["mttr"], 4320.0);
    assert_eq!(stats["longest_outage"], 4320.0);
    let rt = &stats["response_time"];
    assert!(rt["min"].as_f64().unwrap() <= rt["p50"].as_f64().unwrap());
    assert!(rt["p99"].as_f64().unwrap() <= rt["max"].as_f64().unwrap());
    // A named window ends now; nothing in the last 24 hours: full uptime, no checks.
    let (status, recent) = app.get(&format!("/api/websites/{id}/stats?window=24h")).await;
    assert_eq!(status, 200);
    assert_eq!(recent["check_count"], 0);
    assert_eq!(recent["uptime_percent"], 100.0);
    assert_eq!(recent["response_time"], Value::Null);
});

on_both_backends!(stats_parameters_are_checked, |app| {
    let id = site(&app).await;
    for query in [
        "window=1y",
        "window=24h&from=2026-11-01T00:00:00Z",
        "to=2026-11-01T00:00:00Z",
        "from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z",
        "from=soon",
    ] {
        let (status, body) = app.get(&format!("/api/websites/{id}/stats?{query}")).await;
        assert_eq!(status, 422, "{query}: {body}");
    }
    assert_eq!(app.get(&format!("/api/websites/{id}/stats")).await.0, 200);
    assert_eq!(app.get("/api/websites/999/stats").await.0, 404);
});

on_both_backends!(sla_report_per_site_in_json_and_csv, |app| {
    let db = app.database();
    let a = app.create_website("https://a.example", "Shop A").await["id"].clone();
    let b = app.create_website("https://b.example", "Blog").await["id"].clone();
    let c = app.create_website("https://c.example", "Shop, \"EU\"").await["id"].clone();
    db.execute(&format!(
        "UPDATE websites SET created_at = '2026-10-01 00:00:00' WHERE id IN ({a}, {b}); \
         UPDATE websites SET created_at = '2026-12-01 00:00:00' WHERE id = {c}; \
         INSERT INTO downtime_windows (website_id, start_time, end_time, created_at) VALUES \
         ({a}, '2026-11-01 12:00:00', '2026-11-01 12:01:30', '2026-11-01 12:00:00')"
    ))
    .await
    .unwrap();
    let range = "from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z";
    let (status, report) = app.get(&format!("/api/reports/sla?{range}")).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["target"], 99.9);
    let sites = report["sites"].as_array().unwrap();
    assert_eq!(sites.len(), 3);
    assert_eq!(sites[0]["website_id"], a);
    assert_eq!(sites[0]["downtime"], 90.0);
    assert_eq!(sites[0]["breached"], true, "99.896 % < 99.9 %");
    assert_eq!(sites[1]["uptime_percent"], 100.0);
    assert_eq!(sites[1]["breached"], false);
    assert_eq!(sites[2]["uptime_percent"], Value::Null, "created after the range");
    assert_eq!(sites[2]["breached"], false);
    let (_, relaxed) = app.get(&format!("/api/reports/sla?{range}&target=99.8")).await;
    assert_eq!(relaxed["sites"][0]["breached"], false);

    let response = app
        .client
        .get(app.url(&format!("/api/reports/sla?{range}&format=csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    // maintenance_seconds came last, after the columns clients already read by position.
    assert_eq!(
        lines[0],
        "website_id,name,url,uptime_percent,downtime_seconds,breached,maintenance_seconds"
    );
    assert_eq!(lines[1], format!("{a},Shop A,https://a.example,99.8958,90.000,true,0.000"));
    assert_eq!(lines[3], format!("{c},\"Shop, \"\"EU\"\"\",https://c.example,,0.000,false,0.000"));

    for bad in [
        "target=0",
        "target=abc",
        "format=xml",
        "from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z",
        "from=x",
    ] {
        let (status, body) = app.get(&format!("/api/reports/sla?{bad}")).await;
        assert_eq!(status, 422, "{bad}: {body}");
    }
});
