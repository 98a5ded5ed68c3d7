//! The websites table.

use lookout_domain::website::FileGuard;
use lookout_domain::website::{SiteCounter, SiteCounts};

use crate::*;

on_both_backends!(creates_and_reads_back, |store, _db| {
    let created = store.create_website(&new_site("https://example.com", true), T0).await.unwrap();
    assert_eq!(created.url.as_str(), "https://example.com/");
    assert_eq!(created.name.as_str(), "Example");
    assert!(created.enabled);
    assert_eq!(created.check_interval.secs(), 120);
    assert_eq!(created.created_at, T0);
    assert_eq!(created.updated_at, T0);
    assert_eq!(store.get_website(created.id).await.unwrap(), created);
});

on_both_backends!(lists_in_id_order, |store, _db| {
    for host in ["c", "a", "b"] {
        store
            .create_website(&new_site(&format!("https://{host}.example"), true), T0)
            .await
            .unwrap();
    }
    let listed = store.list_websites().await.unwrap();
    let hosts: Vec<_> = listed.iter().map(|w| w.url.as_str().to_owned()).collect();
    assert_eq!(hosts, ["https://c.example/", "https://a.example/", "https://b.example/"]);
    assert!(listed.windows(2).all(|pair| pair[0].id < pair[1].id));
});

on_both_backends!(rejects_a_duplicate_url, |store, _db| {
    store.create_website(&new_site("https://example.com", true), T0).await.unwrap();
    let error =
        store.create_website(&new_site("https://EXAMPLE.com/", false), T1).await.unwrap_err();
    assert!(
        matches!(error, CreateWebsiteError::DuplicateUrl(ref u) if u.as_str() == "https://example.com/")
    );
    assert_eq!(store.list_websites().await.unwrap().len(), 1);
});

on_both_backends!(updates_and_reports_before_and_after, |store, _db| {
    let created = store.create_website(&new_site("https://example.com", true), T0).await.unwrap();
    let patch = WebsitePatch {
        name: Some(WebsiteName::parse("Renamed").unwrap()),
        enabled: Some(false),
        check_interval: Some(CheckInterval::new(600, IntervalBounds::default()).unwrap()),
        ..WebsitePatch::default()
    };
    let updated = store.update_website(created.id, &patch, T1, FileGuard::Respect).await.unwrap();
    assert_eq!(updated.before, created);
    assert_eq!(updated.after.name.as_str(), "Renamed");
    assert!(!updated.after.enabled);
    assert_eq!(updated.after.check_interval.secs(), 600);
    assert_eq!(updated.after.created_at, T0);
    assert_eq!(updated.after.updated_at, T1);
    assert_eq!(store.get_website(created.id).await.unwrap(), updated.after);
});

on_both_backends!(an_empty_patch_changes_nothing, |store, _db| {
    let created = store.create_website(&new_site("https://example.com", true), T0).await.unwrap();
    let updated = store
        .update_website(created.id, &WebsitePatch::default(), T1, FileGuard::Respect)
        .await
        .unwrap();
    assert_eq!(updated.before, created);
    assert_eq!(updated.after, created);
});

on_both_backends!(an_update_to_a_taken_url_is_a_duplicate, |store, _db| {
    store.create_website(&new_site("https://a.example", true), T0).await.unwrap();
    let b = store.create_website(&new_site("https://b.example", true), T0).await.unwrap();
    let patch = WebsitePatch {
        url: Some(WebsiteUrl::parse("https://a.example").unwrap()),
        ..Default::default()
    };
    let error = store.update_website(b.id, &patch, T1, FileGuard::Respect).await.unwrap_err();
    assert!(matches!(error, UpdateWebsiteError::DuplicateUrl(_)), "{error:?}");
    assert_eq!(store.get_website(b.id).await.unwrap(), b, "the failed update left no trace");
});

on_both_backends!(unknown_ids_are_not_found, |store, _db| {
    let missing = WebsiteId::new(4242).unwrap();
    assert!(
        matches!(store.get_website(missing).await, Err(GetWebsiteError::NotFound(id)) if id == missing)
    );
    assert!(matches!(
        store.update_website(missing, &WebsitePatch::default(), T1, FileGuard::Respect).await,
        Err(UpdateWebsiteError::NotFound(_))
    ));
    assert!(matches!(
        store.delete_website(missing, FileGuard::Respect).await,
        Err(DeleteWebsiteError::NotFound(_))
    ));
});

on_both_backends!(deleting_removes_checks_and_windows, |store, db| {
    let site = store.create_website(&new_site("https://example.com", true), T0).await.unwrap();
    let other = store.create_website(&new_site("https://other.example", true), T0).await.unwrap();
    for id in [site.id, other.id] {
        execute(&db, &format!(
            "INSERT INTO monitor_checks (website_id, timestamp, status_code, response_time, is_available, error_message) \
             VALUES ({id}, '2026-11-28 12:00:00', 503, 0.2, false, NULL); \
             INSERT INTO downtime_windows (website_id, start_time, end_time, created_at) \
             VALUES ({id}, '2026-11-28 12:00:00', NULL, '2026-11-28 12:00:00');"
        ))
        .await
        .unwrap();
    }
    store.delete_website(site.id, FileGuard::Respect).await.unwrap();
    assert!(matches!(store.get_website(site.id).await, Err(GetWebsiteError::NotFound(_))));
    let sid = site.id;
    let oid = other.id;
    assert_eq!(
        count(&db, &format!("SELECT COUNT(*) AS n FROM monitor_checks WHERE website_id = {sid}"))
            .await,
        0
    );
    assert_eq!(
        count(&db, &format!("SELECT COUNT(*) AS n FROM downtime_windows WHERE website_id = {sid}"))
            .await,
        0
    );
    assert_eq!(
        count(&db, &format!("SELECT COUNT(*) AS n FROM monitor_checks WHERE website_id = {oid}"))
            .await,
        1
    );
    assert_eq!(
        count(&db, &format!("SELECT COUNT(*) AS n FROM downtime_windows WHERE website_id = {oid}"))
            .await,
        1
    );
    let orphan = execute(
        &db,
        &format!(
            "INSERT INTO monitor_checks (website_id, timestamp, response_time, is_available) \
         VALUES ({sid}, '2026-11-28 12:00:00', 0.1, true)"
        ),
    )
    .await;
    assert!(orphan.is_err(), "a check for a deleted site must be refused");
});

on_both_backends!(at_most_one_open_window_per_site, |store, db| {
    let site = store.create_website(&new_site("https://example.com", true), T0).await.unwrap();
    let open = |start: &str| {
        format!(
            "INSERT INTO downtime_windows (website_id, start_time, end_time, created_at) \
         VALUES ({}, '{start}', NULL, '{start}')",
            site.id
        )
    };
    execute(&db, &open("2026-11-28 12:00:00")).await.unwrap();
    assert!(execute(&db, &open("2026-11-28 12:01:00")).await.is_err(), "second open window");
    execute(
        &db,
        &format!(
            "UPDATE downtime_windows SET end_time = '2026-11-28 12:02:00' WHERE website_id = {}",
            site.id
        ),
    )
    .await
    .unwrap();
    execute(&db, &open("2026-11-28 12:03:00")).await.unwrap();
});

on_both_backends!(migrations_are_idempotent_and_data_survives_reopening, |store, db| {
    let created = store.create_website(&new_site("https://example.com", true), T0).await.unwrap();
    drop(store);
    let reopened = open(&db).await;
    assert_eq!(reopened.migrate().await.unwrap(), 0);
    assert_eq!(reopened.get_website(created.id).await.unwrap(), created);
});

on_both_backends!(answers_ping, |store, _db| {
    store.ping().await.unwrap();
});

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_database_is_unavailable_not_a_hang() {
    let url = DatabaseUrl::parse("postgres://nobody@127.0.0.1:1/none").unwrap();
    let options = StoreOptions { pool_size: 1, connect_timeout: Duration::from_millis(500) };
    let store = Store::open(&url, options).unwrap();
    assert!(store.ping().await.is_err());
    let error = store.list_websites().await.unwrap_err();
    assert!(
        matches!(error, lookout_domain::website::ListWebsitesError::Unavailable(_)),
        "{error:?}"
    );
}

on_both_backends!(lists_enabled_websites_page_by_page, |store, _db| {
    let mut enabled = Vec::new();
    for n in 0..7 {
        let site = store
            .create_website(&new_site(&format!("https://p{n}.example"), n % 3 != 0), T0)
            .await
            .unwrap();
        if site.enabled {
            enabled.push(site.id);
        }
    }
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = store.list_enabled_websites(after, 2).await.unwrap();
        assert!(page.len() <= 2);
        seen.extend(page.iter().map(|w| w.id));
        match page.last() {
            Some(last) => after = Some(last.id),
            None => break,
        }
    }
    assert_eq!(seen, enabled);
});

on_both_backends!(counts_sites_enabled_disabled_and_down, |store, db| {
    assert_eq!(store.site_counts().await.unwrap(), SiteCounts::default());
    let mut ids = Vec::new();
    for (host, enabled) in [("a", true), ("b", true), ("c", false)] {
        let url = format!("https://{host}.example");
        ids.push(store.create_website(&new_site(&url, enabled), T0).await.unwrap().id);
    }
    for (site, end) in [(ids[0], "NULL"), (ids[1], "'2026-11-28 12:02:00'")] {
        let window = format!(
            "INSERT INTO downtime_windows (website_id, start_time, end_time, created_at) \
             VALUES ({site}, '2026-11-28 12:00:00', {end}, '2026-11-28 12:00:00')"
        );
        execute(&db, &window).await.unwrap();
    }
    let counts = store.site_counts().await.unwrap();
    let expected =
        SiteCounts { enabled: 2, disabled: 1, down: 1, unknown: 1, ..SiteCounts::default() };
    assert_eq!(counts, expected, "one window still open, the other site never checked");
});

on_both_backends!(counts_sites_by_the_verdict_of_their_latest_check, |store, db| {
    use lookout_domain::CheckRecorder;
    use lookout_store::CheckWriterOptions;

    use crate::checks::check;
    let mut ids = Vec::new();
    for host in ["a", "b", "c", "d"] {
        let url = format!("https://{host}.example");
        ids.push(store.create_website(&new_site(&url, true), T0).await.unwrap().id);
    }
    let (recorder, writer) = store.spawn_check_writer(CheckWriterOptions::default());
    let degraded =
        |site, secs| lookout_domain::MonitorCheck { degraded: true, ..check(site, secs, true) };
    recorder.record_check(check(ids[0], 0, true)).await.unwrap();
    recorder.record_check(degraded(ids[1], 0)).await.unwrap();
    recorder.record_check(check(ids[2], 0, false)).await.unwrap();
    let counts = store.site_counts().await.unwrap();
    assert_eq!(
        counts,
        SiteCounts { enabled: 4, disabled: 0, down: 1, up: 1, degraded: 1, unknown: 1 }
    );

    // The degraded site recovers and the up site degrades; a second up check changes nothing.
    recorder.record_check(check(ids[1], 60, true)).await.unwrap();
    recorder.record_check(degraded(ids[0], 60)).await.unwrap();
    recorder.record_check(degraded(ids[0], 120)).await.unwrap();
    let counts = store.site_counts().await.unwrap();
    assert_eq!((counts.up, counts.degraded, counts.down), (1, 1, 1));
    drop(recorder);
    writer.await.unwrap();
    let verdicts = count(&db, "SELECT COUNT(*) AS n FROM websites WHERE verdict IS NOT NULL").await;
    assert_eq!(verdicts, 3, "the never-checked site has no verdict");
});

on_both_backends!(check_settings_are_kept_and_a_masked_secret_keeps_its_value, |store, _db| {
    use lookout_domain::checks::{
        AssertionDraft, CheckSpec, RequestDraft, SECRET_MASK, parse_assertions,
    };
    let request = |token: &str| {
        RequestDraft {
            method: Some("POST".into()),
            headers: Some(vec![
                ("Authorization".into(), token.into()),
                ("Accept".into(), "*/*".into()),
            ]),
            ..RequestDraft::default()
        }
        .parse()
        .unwrap()
    };
    let assertions = parse_assertions(vec![AssertionDraft {
        kind: Some("json_path".into()),
        path: Some("$.status".into()),
        op: Some("eq".into()),
        value: Some("up".into()),
        ..AssertionDraft::default()
    }])
    .unwrap();
    let check = CheckSpec {
        request: request("Bearer real"),
        assertions,
        degraded_above: Some(std::time::Duration::from_millis(800)),
    };
    let site = NewWebsite { check: check.clone(), ..new_site("https://example.com", true) };
    let created = store.create_website(&site, T0).await.unwrap();
    assert_eq!(created.check, check);
    assert_eq!(store.get_website(created.id).await.unwrap().check, check);

    let patch = WebsitePatch {
        request: Some(request(SECRET_MASK)),
        degraded_above: Some(None),
        ..WebsitePatch::default()
    };
    let updated = store.update_website(created.id, &patch, T1, FileGuard::Respect).await.unwrap();
    assert_eq!(
        updated.after.check.request,
        request("Bearer real"),
        "the masked value kept the secret"
    );
    assert_eq!(updated.after.check.degraded_above, None);
    assert_eq!(updated.after.check.assertions, check.assertions, "not sent: unchanged");
    let cleared = WebsitePatch { assertions: Some(Vec::new()), ..WebsitePatch::default() };
    let after =
        store.update_website(created.id, &cleared, T1, FileGuard::Respect).await.unwrap().after;
    assert!(after.check.assertions.is_empty());
});
