//! The web pages in a real headless Chromium (Debian's `chromium` and `chromium-driver`, over
//! WebDriver): the overview with 300 sites, searched and filtered; a site's chart drawn; the
//! form adding a site and showing a validation error; sign-in, a read-only session and a forged
//! form refused; a status page without sign-in; badges parsed as SVG; an accessibility check
//! (axe-core) on every page; screenshots for the README.

mod webdriver;

use std::time::Duration;

use lookout_target_farm::TargetServer;
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::helpers::{TestApp, TestDatabase, eventually, insert_sites};
use webdriver::Browser;

const FAST: &[(&str, &str)] =
    &[("LOOKOUT__MONITOR__MIN_INTERVAL_SECS", "1"), ("LOOKOUT__PROBE__RETRIES", "0")];
const READ: &str = "e2e-browser-read-token-0123456789";
const WRITE: &str = "e2e-browser-write-token-0123456789";
const AXE: &str = include_str!("browser/axe.min.js");

/// The WCAG 2 A and AA rules axe-core finds broken on the current page (`id: nodes`).
async fn accessibility_violations(browser: &Browser) -> Vec<String> {
    browser.execute(&format!("{AXE}\n;return true;"), json!([])).await;
    let found = browser
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']})
                .then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
                .catch(e => done(['axe failed: ' + e]));",
        )
        .await;
    found.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect()
}

async fn assert_accessible(browser: &Browser, page: &str) {
    let violations = accessibility_violations(browser).await;
    assert!(violations.is_empty(), "{page}: {violations:#?}");
}

/// Saves a screenshot under the test target directory (the README's pictures come from here).
async fn screenshot(browser: &Browser, name: &str) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.png")), browser.screenshot().await).unwrap();
}

/// Hourly checks of site 1 over the last day, so its chart has a point an hour.
async fn insert_history(db: &TestDatabase) {
    let now = OffsetDateTime::now_utc();
    let rows: Vec<String> = (1..24)
        .map(|hours| {
            let at = now - time::Duration::hours(hours);
            let stamp = format!(
                "{}-{:02}-{:02} {:02}:{:02}:00",
                at.year(),
                u8::from(at.month()),
                at.day(),
                at.hour(),
                at.minute()
            );
            let seconds = 0.05 + (hours % 5) as f64 * 0.02;
            format!("(1, '{stamp}', 200, {seconds}, true, false, false)")
        })
        .collect();
    db.execute(&format!(
        "INSERT INTO monitor_checks (website_id, timestamp, status_code, response_time, is_available, in_maintenance, degraded) VALUES {}",
        rows.join(", ")
    ))
    .await
    .unwrap();
}

async fn rows(browser: &Browser) -> Value {
    browser
        .execute("return document.querySelectorAll('table.sites tbody tr').length;", json!([]))
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_overview_searches_filters_and_draws_charts_in_chromium() {
    let db = TestDatabase::sqlite();
    let farm = TargetServer::start().await;
    drop(TestApp::start(&db, &[("SCHEDULER_ENABLED", "false")]).await); // migrations
    insert_sites(&db, &farm, 300, 5, 50).await;
    insert_history(&db).await;
    let app = TestApp::start(&db, FAST).await;
    let checked = eventually(Duration::from_secs(60), async || {
        let (_, page) = app.get("/api/stats?window=24h&limit=1000").await;
        page["items"].as_array().is_some_and(|items| {
            items.iter().filter(|i| i["stats"]["check_count"].as_u64() > Some(0)).count() >= 300
        })
    })
    .await;
    assert!(checked, "every site checked once");
    let browser = Browser::start().await;

    browser.goto(&app.url("/")).await;
    browser
        .wait_until(
            "return document.querySelectorAll('table.sites tbody tr').length === 100",
            "a page of 100",
        )
        .await;
    let all = browser.text(&browser.find("a.count.all .n").await).await;
    assert_eq!(all, "300");
    let first_state = browser.text(&browser.find("table.sites tbody tr .state").await).await;
    assert_eq!(first_state, "Down", "down first");
    assert_eq!(browser.find_all("a[rel=next]").await.len(), 1, "three pages");
    assert_accessible(&browser, "overview").await;
    screenshot(&browser, "overview").await;

    // The live part refreshes in place (every 15 s): a site paused through the API shows up in
    // the counts without the page being loaded again.
    browser.execute("window.loadedOnce = true; return true;", json!([])).await;
    let (status, _) = app.patch_json("/api/websites/2", &json!({"enabled": false})).await;
    assert_eq!(status, 200);
    browser
        .wait_until_within(
            "return window.loadedOnce === true && document.querySelector('a.count.paused .n').textContent === '1';",
            "the counts refreshed in place",
            Duration::from_secs(60),
        )
        .await;

    // Search: typed and submitted, answered by the server.
    let search = browser.find("input[name=q]").await;
    browser.type_into(&search, "site 17").await;
    browser.click(&browser.find("form.filters button[type=submit]").await).await;
    browser.wait_until("return location.search.includes('q=site')", "the search submitted").await;
    assert_eq!(rows(&browser).await, json!(11), "site 17 and 170–179");

    // Filter: choosing a state submits at once.
    browser.goto(&app.url("/")).await;
    browser
        .execute(
            "const s = document.querySelector('select[name=state]'); s.value = 'down'; s.dispatchEvent(new Event('change'));",
            json!([]),
        )
        .await;
    browser.wait_until("return location.search.includes('state=down')", "the filter applied").await;
    assert_eq!(rows(&browser).await, json!(6), "every 50th of 300 fails");
    let states: Value = browser
        .execute("return [...document.querySelectorAll('table.sites tbody .state')].map(e => e.textContent);", json!([]))
        .await;
    assert!(states.as_array().unwrap().iter().all(|s| s == "Down"), "{states}");

    // A site's page: the chart is drawn, with a point an hour.
    browser.goto(&app.url("/sites/1")).await;
    browser.find("svg.chart path.p50").await;
    let drawn: Value = browser
        .execute(
            "const p = document.querySelector('svg.chart path.p50');
             return [p.getAttribute('d').split('L').length, p.getTotalLength()];",
            json!([]),
        )
        .await;
    assert!(drawn[0].as_u64().unwrap() >= 20 && drawn[1].as_f64().unwrap() > 100.0, "{drawn}");
    assert_eq!(
        browser.find_all("svg.chart rect.hit").await.len() as u64,
        drawn[0].as_u64().unwrap()
    );
    assert_accessible(&browser, "site page").await;
    screenshot(&browser, "site").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_forms_read_only_and_forgery_in_chromium() {
    let db = TestDatabase::sqlite();
    let farm = TargetServer::start().await;
    let env = [("LOOKOUT__AUTH__READ_TOKENS", READ), ("LOOKOUT__AUTH__WRITE_TOKENS", WRITE)];
    let app = TestApp::start(&db, &env).await;
    let browser = Browser::start().await;

    // Signing in with a read token: a UI without write buttons; writes refused.
    browser.goto(&app.url("/")).await;
    browser.wait_until("return location.pathname === '/sign-in'", "sent to sign in").await;
    assert_accessible(&browser, "sign-in").await;
    browser.type_into(&browser.find("#token").await, READ).await;
    browser.click(&browser.find("form.site-form button").await).await;
    browser.wait_until("return location.pathname === '/'", "back on the overview").await;
    assert!(browser.find_all("a[href='/sites/new']").await.is_empty(), "no write links");
    browser.goto(&app.url("/sites/new")).await;
    let refused = browser.text(&browser.find("h1").await).await;
    assert_eq!(refused, "Read only");
    browser.goto(&app.url("/")).await;
    browser.click(&browser.find("header form button").await).await;
    browser.wait_until("return location.pathname === '/sign-in'", "signed out").await;

    // Signing in with a write token, then a validation error, then a site added.
    browser.type_into(&browser.find("#token").await, WRITE).await;
    browser.click(&browser.find("form.site-form button").await).await;
    browser.wait_until("return location.pathname === '/'", "signed in").await;
    browser.click(&browser.find("a[href='/sites/new']").await).await;
    browser.find("#url").await;
    assert_accessible(&browser, "form").await;
    browser.type_into(&browser.find("#url").await, "ftp://nope.example").await;
    browser.type_into(&browser.find("#name").await, "Shop").await;
    browser.click(&browser.find("form.site-form button[type=submit]").await).await;
    let error = browser.text(&browser.find("#url-error").await).await;
    assert!(error.contains("http"), "the domain's message next to the field: {error}");
    assert_accessible(&browser, "form with an error").await;
    browser.type_into(&browser.find("#url").await, &farm.url("/shop")).await;
    browser.click(&browser.find("form.site-form button[type=submit]").await).await;
    browser
        .wait_until("return /^\\/sites\\/\\d+$/.test(location.pathname)", "the new site's page")
        .await;
    let site_path = browser.execute("return location.pathname;", json!([])).await;
    browser.goto(&app.url("/")).await;
    let listed = browser.text(&browser.find("table.sites tbody tr .site-name").await).await;
    assert_eq!(listed, "Shop");

    // A form on another page posting to lookout without this session's token is refused.
    let target = app.url(&format!("{}/delete", site_path.as_str().unwrap()));
    let forged = format!(
        "<!doctype html><title>Win a prize</title><form id=f method=post action=\"{target}\"><input name=csrf value=guess></form><script>document.getElementById('f').submit()</script>"
    );
    farm.set_answer("/forge", &[("content-type", "text/html")], &forged);
    browser.goto(&farm.url("/forge")).await;
    browser
        .wait_until("return document.title.startsWith('Form expired')", "the forgery refused")
        .await;
    let (status, _) = app
        .get(&format!("/api{}", site_path.as_str().unwrap().replace("/sites/", "/websites/")))
        .await;
    assert_eq!(status, 401, "the site is still there (the API asks for a token)");
    let still = app
        .client
        .get(app.url("/api/websites"))
        .bearer_auth(READ)
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(still.as_array().unwrap().len(), 1, "nothing deleted");

    // A public status page, seen by a browser that never signed in.
    let id = site_path.as_str().unwrap().trim_start_matches("/sites/").parse::<i64>().unwrap();
    let page = json!({"slug": "shop", "title": "Shop status", "description": "The shop and its API", "websites": [id]});
    let created = app
        .client
        .post(app.url("/api/status-pages"))
        .bearer_auth(WRITE)
        .json(&page)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let stranger = Browser::start().await;
    stranger.goto(&app.url("/status/shop")).await;
    assert_eq!(stranger.text(&stranger.find("h1").await).await, "Shop status");
    stranger.find("p.overall .state").await;
    assert_eq!(stranger.find_all("section.public-site").await.len(), 1);
    assert_eq!(stranger.current_url().await, app.url("/status/shop"), "no sign-in asked");
    assert_accessible(&stranger, "status page").await;
    screenshot(&stranger, "status").await;

    // The site's badges are public now (it is on a status page): the browser parses them as SVG.
    for badge in ["status.svg", "uptime.svg?window=7d", "response-time.svg"] {
        stranger.goto(&app.url(&format!("/badge/{id}/{badge}"))).await;
        let parsed = stranger
            .execute(
                "const root = document.documentElement;
                 return [root.namespaceURI, root.tagName, root.querySelector('title').textContent];",
                json!([]),
            )
            .await;
        assert_eq!(parsed[0], "http://www.w3.org/2000/svg", "{badge}: {parsed}");
        assert_eq!(parsed[1], "svg", "{badge}");
        assert!(parsed[2].as_str().unwrap().contains(": "), "{badge}: {parsed}");
    }
}
