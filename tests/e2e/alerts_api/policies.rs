//! A site's `alerts` on both backends: round trip through create, PATCH and every output,
//! `null` removes them, bad policies are 422 naming the field, and a channel that policies use
//! is deleted only with `?force=true`.

use serde_json::{Value, json};

use super::{assert_error, assert_invalid, webhook};
use crate::helpers::on_both_backends;

on_both_backends!(a_site_alerts_round_trip, |app| {
    let ops = webhook(&app, "ops", "https://hooks.example.com/ops").await;
    let boss = webhook(&app, "boss", "https://hooks.example.com/boss").await;
    let plain = app.create_website("https://plain.example", "Plain").await;
    assert_eq!(plain["alerts"], Value::Null, "a site without settings shows null: {plain}");

    let alerts = json!({ "channels": [ops], "failure_threshold": 3, "success_threshold": 2,
        "confirm_after_secs": 20, "reminder_every_secs": 0, "max_reminders": 5,
        "escalate": [{ "after_secs": 1800, "channels": [boss] }] });
    let (status, site) = app
        .post_json(
            "/api/websites",
            &json!({ "url": "https://a.example", "name": "A", "alerts": alerts }),
        )
        .await;
    assert_eq!(status, 201, "{site}");
    assert_eq!(site["alerts"], alerts);
    let path = format!("/api/websites/{}", site["id"]);
    assert_eq!(app.get(&path).await, (200, site.clone()));
    let (_, list) = app.get("/api/websites").await;
    assert_eq!(list.as_array().unwrap().iter().find(|w| w["id"] == site["id"]), Some(&site));

    // Only the fields given are kept: the rest come from configuration.
    let (status, partial) =
        app.patch_json(&path, &json!({ "alerts": { "failure_threshold": 1 } })).await;
    assert_eq!(status, 200, "{partial}");
    assert_eq!(partial["alerts"], json!({ "failure_threshold": 1 }));
    // Other changes keep the settings.
    let (status, renamed) = app.patch_json(&path, &json!({ "name": "A2" })).await;
    assert_eq!((status, &renamed["alerts"]), (200, &json!({ "failure_threshold": 1 })));
    // `{}`: settings of its own, all defaults; `null`: none.
    assert_eq!(app.patch_json(&path, &json!({ "alerts": {} })).await.1["alerts"], json!({}));
    let (status, cleared) = app.patch_json(&path, &json!({ "alerts": null })).await;
    assert_eq!((status, &cleared["alerts"]), (200, &Value::Null), "{cleared}");
    assert_eq!(app.get(&path).await.1["alerts"], Value::Null);

    // A client that never sends `alerts` keeps working.
    let (status, seed) = app
        .post_json(
            "/api/websites",
            &json!({ "url": "https://seed.example", "name": "Seed", "alerts": null }),
        )
        .await;
    assert_eq!((status, &seed["alerts"]), (201, &Value::Null));
});

on_both_backends!(bad_policies_are_422_naming_the_field, |app| {
    let ops = webhook(&app, "ops", "https://hooks.example.com/ops").await;
    let site = app.create_website("https://a.example", "A").await;
    let path = format!("/api/websites/{}", site["id"]);
    let cases = [
        (json!({ "channels": [ops, 424242] }), "alerts.channels"),
        (json!({ "escalate": [{ "after_secs": 60, "channels": [424242] }] }), "alerts.channels"),
        (json!({ "channels": [0] }), "alerts.channels"),
        (json!({ "failure_threshold": 0 }), "alerts.failure_threshold"),
        (json!({ "success_threshold": 0 }), "alerts.success_threshold"),
        (json!({ "failure_threshold": 1001 }), "alerts.failure_threshold"),
        (json!({ "failure_threshold": -2 }), "alerts.failure_threshold"),
        (json!({ "confirm_after_secs": 0 }), "alerts.confirm_after_secs"),
        (json!({ "reminder_every_secs": 10 }), "alerts.reminder_every_secs"),
        (json!({ "max_reminders": 1001 }), "alerts.max_reminders"),
        (
            json!({ "escalate": [{ "after_secs": 0, "channels": [ops] }] }),
            "alerts.escalate[0].after_secs",
        ),
        (
            json!({ "escalate": [{ "after_secs": 60, "channels": [] }] }),
            "alerts.escalate[0].channels",
        ),
    ];
    for (alerts, field) in cases {
        let create = json!({ "url": "https://b.example", "name": "B", "alerts": alerts });
        assert_invalid(app.post_json("/api/websites", &create).await, field);
        assert_invalid(app.patch_json(&path, &json!({ "alerts": alerts })).await, field);
    }
    // Wrong shapes: an unknown field, an array where an object belongs.
    for alerts in [
        json!({ "failure_threshold": 2, "colour": "red" }),
        json!([]),
        json!({ "escalate": [[60, [ops]]] }),
    ] {
        let (status, body) = app.patch_json(&path, &json!({ "alerts": alerts })).await;
        assert_eq!((status, &body["code"]), (422, &json!("validation_failed")), "{body}");
    }
    let (_, list) = app.get("/api/websites").await;
    assert_eq!(list.as_array().unwrap().len(), 1, "nothing else was stored: {list}");
    assert_eq!(app.get(&path).await.1["alerts"], Value::Null, "nothing was changed");
});

on_both_backends!(a_channel_in_use_is_deleted_only_with_force, |app| {
    let used = webhook(&app, "used", "https://hooks.example.com/used").await;
    let other = webhook(&app, "other", "https://hooks.example.com/other").await;
    let mut sites = Vec::new();
    for (n, alerts) in [
        json!({ "channels": [used, other] }),
        json!({ "escalate": [{ "after_secs": 600, "channels": [used] }] }),
    ]
    .into_iter()
    .enumerate()
    {
        let body = json!({ "url": format!("https://s{n}.example"), "name": "S", "alerts": alerts });
        let (status, site) = app.post_json("/api/websites", &body).await;
        assert_eq!(status, 201, "{site}");
        sites.push(site["id"].as_i64().unwrap());
    }
    let path = format!("/api/channels/{used}");
    let (status, refused) = app.delete(&path).await;
    assert_error((status, refused.clone()), 409, "channel_in_use", None);
    let mut named: Vec<i64> =
        refused["websites"].as_array().unwrap().iter().map(|id| id.as_i64().unwrap()).collect();
    named.sort_unstable();
    assert_eq!(named, sites, "{refused}");
    assert_eq!(app.get(&path).await.0, 200, "still there");
    assert_invalid(app.delete(&format!("{path}?force=yes")).await, "force");
    assert_eq!(app.delete(&format!("{path}?force=false")).await.0, 409);

    assert_eq!(app.delete(&format!("{path}?force=true")).await, (204, Value::Null));
    assert_eq!(app.get(&path).await.0, 404);
    for site in &sites {
        let (_, website) = app.get(&format!("/api/websites/{site}")).await;
        assert!(!policy_channels(&website["alerts"]).contains(&used), "{website}");
    }
    let (_, first) = app.get(&format!("/api/websites/{}", sites[0])).await;
    assert_eq!(policy_channels(&first["alerts"]), vec![other], "the other channel stays");
    // An unused channel goes at once.
    let spare = webhook(&app, "spare", "https://hooks.example.com/spare").await;
    assert_eq!(app.delete(&format!("/api/channels/{spare}")).await, (204, Value::Null));
});

/// Every channel id a policy names (its own and its escalation steps').
fn policy_channels(alerts: &Value) -> Vec<i64> {
    let steps = alerts["escalate"].as_array().into_iter().flatten();
    let lists = std::iter::once(&alerts["channels"]).chain(steps.map(|step| &step["channels"]));
    lists
        .flat_map(|list| list.as_array().into_iter().flatten())
        .map(|id| id.as_i64().unwrap())
        .collect()
}
