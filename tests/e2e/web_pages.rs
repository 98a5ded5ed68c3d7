//! The web pages through the real binary, over plain HTTP (the browser tests drive the same
//! pages in Chromium): the overview down first, filtered and searched; a site's page with its
//! chart; the form with the domain's messages; forged and read-only writes refused; sign-in.

use std::time::Duration;

use lookout_target_farm::TargetServer;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestDatabase, eventually, with_both_databases};

const FAST: &[(&str, &str)] =
    &[("LOOKOUT__MONITOR__MIN_INTERVAL_SECS", "1"), ("LOOKOUT__PROBE__RETRIES", "0")];
const READ: &str = "e2e-web-read-token-0123456789";
const WRITE: &str = "e2e-web-write-token-0123456789";

/// A visitor with a cookie jar of one session cookie, never following redirects.
pub(crate) struct Visitor {
    client: reqwest::Client,
    base: String,
    cookie: Option<String>,
}

impl Visitor {
    pub(crate) fn new(app: &TestApp) -> Self {
        let client =
            reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Self { client, base: app.url(""), cookie: None }
    }

    fn keep_cookie(&mut self, response: &reqwest::Response) {
        if let Some(set) = response.headers().get(SET_COOKIE).and_then(|v| v.to_str().ok()) {
            self.cookie = set.split(';').next().map(str::to_owned);
        }
    }

    /// Status, `Location` and body.
    pub(crate) async fn get(&mut self, path: &str) -> (StatusCode, Option<String>, String) {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(cookie) = &self.cookie {
            request = request.header(COOKIE, cookie);
        }
        let response = request.send().await.unwrap();
        self.keep_cookie(&response);
        let location = response.headers().get(LOCATION).map(|v| v.to_str().unwrap().to_owned());
        (response.status(), location, response.text().await.unwrap())
    }

    pub(crate) async fn post(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
    ) -> (StatusCode, Option<String>, String) {
        let mut request = self.client.post(format!("{}{path}", self.base)).form(form);
        if let Some(cookie) = &self.cookie {
            request = request.header(COOKIE, cookie);
        }
        let response = request.send().await.unwrap();
        self.keep_cookie(&response);
        let location = response.headers().get(LOCATION).map(|v| v.to_str().unwrap().to_owned());
        (response.status(), location, response.text().await.unwrap())
    }

    /// The form token of the session, read from a page that has a form.
    pub(crate) async fn csrf(&mut self, path: &str) -> String {
        let (_, _, html) = self.get(path).await;
        let at = html.find("name=\"csrf\" value=\"").expect("a form with a csrf token");
        let rest = &html[at + "name=\"csrf\" value=\"".len()..];
        rest[..rest.find('"').unwrap()].to_owned()
    }
}

/// Where each site's name appears in `html` (to compare orders).
fn position(html: &str, text: &str) -> usize {
    html.find(text).unwrap_or_else(|| panic!("{text} in the page:\n{html}"))
}

async fn checked_sites(app: &TestApp, farm: &TargetServer) -> Vec<Value> {
    farm.set_status("/broken", 503);
    let mut sites = Vec::new();
    for (path, name) in
        [("/fine", "Fine shop"), ("/broken", "Broken API"), ("/other", "Other blog")]
    {
        let body = json!({"url": farm.url(path), "name": name, "check_interval": 1});
        let (status, site) = app.post_json("/api/websites", &body).await;
        assert_eq!(status, 201, "{site}");
        sites.push(site);
    }
    for site in &sites {
        let path = format!("/api/websites/{}/status", site["id"]);
        let checked = eventually(Duration::from_secs(30), async || {
            let (_, status) = app.get(&path).await;
            status["state"] == "up" || status["state"] == "down"
        })
        .await;
        assert!(checked, "{site} was checked");
    }
    sites
}

with_both_databases!(the_overview_lists_down_sites_first_and_filters_on_the_server, |db| {
    let farm = TargetServer::start().await;
    let app = TestApp::start(&db, FAST).await;
    checked_sites(&app, &farm).await;
    let mut visitor = Visitor::new(&app);

    let (status, _, html) = visitor.get("/").await;
    assert_eq!(status, 200);
    assert!(html.contains("<span class=\"n\">1</span>Down"), "{html}");
    assert!(position(&html, "Broken API") < position(&html, "Fine shop"), "down first");
    assert!(html.contains("class=\"spark\""), "sparklines");
    assert!(html.contains("data-refresh=\"/?fragment=1\""), "the live part refreshes");

    let (_, _, down) = visitor.get("/?state=down").await;
    assert!(down.contains("Broken API") && !down.contains("Fine shop"), "{down}");
    let (_, _, found) = visitor.get("/?q=BLOG").await;
    assert!(found.contains("Other blog") && !found.contains("Fine shop"), "{found}");
    let (_, _, by_name) = visitor.get("/?sort=name").await;
    assert!(position(&by_name, "Broken API") < position(&by_name, "Fine shop"));
    assert!(position(&by_name, "Fine shop") < position(&by_name, "Other blog"));

    let (status, _, fragment) = visitor.get("/?fragment=1").await;
    assert_eq!(status, 200);
    assert!(fragment.contains("<table") && !fragment.contains("<html"), "only the live part");
    let (status, _, refused) = visitor.get("/?state=sideways").await;
    assert_eq!(status, 422);
    assert!(refused.contains("state: state must be one of"), "{refused}");
    let (status, _, _) = visitor.get("/?page=0").await;
    assert_eq!(status, 422);
});

with_both_databases!(a_site_page_draws_its_chart_bars_and_checks, |db| {
    let farm = TargetServer::start().await;
    let app = TestApp::start(&db, FAST).await;
    let sites = checked_sites(&app, &farm).await;
    let mut visitor = Visitor::new(&app);
    let (status, _, html) = visitor.get(&format!("/sites/{}", sites[0]["id"])).await;
    assert_eq!(status, 200);
    assert!(html.contains("class=\"p50\" d=\"M"), "a p50 line with points:\n{html}");
    assert!(html.contains("class=\"bars\""), "the 90-day bar");
    assert_eq!(
        html.matches("<span class=\"good\"").count() + html.matches("<span class=\"\"").count(),
        90
    );
    assert!(html.contains(">OK</span> 200"), "recent checks");
    let (_, _, broken) = visitor.get(&format!("/sites/{}", sites[1]["id"])).await;
    assert!(broken.contains("503") && broken.contains("ongoing"), "{broken}");
    let incident = eventually(Duration::from_secs(30), async || {
        let (_, _, page) = Visitor::new(&app).get(&format!("/sites/{}", sites[1]["id"])).await;
        page.contains("<h2>Incidents</h2>") && page.contains(">Open</span>")
    })
    .await;
    assert!(incident, "the broken site's open incident is listed");
    for missing in ["/sites/999999", "/sites/abc", "/sites/0"] {
        assert_eq!(visitor.get(missing).await.0, 404, "{missing}");
    }
    let (status, _, _) = visitor.get(&format!("/sites/{}?chart=1y", sites[0]["id"])).await;
    assert_eq!(status, 422);
});

with_both_databases!(the_form_adds_edits_pauses_and_deletes_and_refuses_forgeries, |db| {
    let farm = TargetServer::start().await;
    let app = TestApp::start(&db, FAST).await;
    let mut visitor = Visitor::new(&app);
    let csrf = visitor.csrf("/sites/new").await;

    let bad = [
        ("csrf", csrf.as_str()),
        ("url", "ftp://x.example"),
        ("name", " "),
        ("check_interval", "abc"),
    ];
    let (status, _, html) = visitor.post("/sites/new", &bad).await;
    assert_eq!(status, 422);
    for field in ["url-error", "name-error", "check_interval-error"] {
        assert!(html.contains(&format!("id=\"{field}\"")), "{field} shown:\n{html}");
    }
    assert!(html.contains("value=\"ftp://x.example\""), "what was typed is kept");

    let url = farm.url("/added");
    let good = [
        ("csrf", csrf.as_str()),
        ("url", url.as_str()),
        ("name", "Added"),
        ("check_interval", "60"),
        ("enabled", "on"),
    ];
    let (status, location, _) = visitor.post("/sites/new", &good).await;
    assert_eq!(status, 303);
    let page = location.unwrap();
    let id = page.trim_start_matches("/sites/").to_owned();
    let (_, site) = app.get(&format!("/api/websites/{id}")).await;
    assert_eq!((site["name"].as_str(), site["url"].as_str()), (Some("Added"), Some(url.as_str())));
    let (_, _, listed) = visitor.get("/").await;
    assert!(listed.contains("Added"));

    let (status, _, dup) = visitor.post("/sites/new", &good).await;
    assert_eq!(status, 422);
    assert!(dup.contains("already exists"), "{dup}");

    let edit = [
        ("csrf", csrf.as_str()),
        ("url", url.as_str()),
        ("name", "Renamed"),
        ("check_interval", "120"),
    ];
    let (status, _, _) = visitor.post(&format!("/sites/{id}/edit"), &edit).await;
    assert_eq!(status, 303);
    let (_, site) = app.get(&format!("/api/websites/{id}")).await;
    assert_eq!(
        (&site["name"], &site["enabled"], &site["check_interval"]),
        (&json!("Renamed"), &json!(false), &json!(120))
    );
    assert_eq!(visitor.post(&format!("/sites/{id}/resume"), &[("csrf", &csrf)]).await.0, 303);
    assert_eq!(app.get(&format!("/api/websites/{id}")).await.1["enabled"], true);

    // A forged post: no token, another session's token, or no session at all.
    assert_eq!(visitor.post(&format!("/sites/{id}/pause"), &[]).await.0, 403);
    let mut other = Visitor::new(&app);
    let other_csrf = other.csrf("/sites/new").await;
    assert_eq!(visitor.post(&format!("/sites/{id}/pause"), &[("csrf", &other_csrf)]).await.0, 403);
    let mut stranger = Visitor::new(&app);
    assert_eq!(stranger.post(&format!("/sites/{id}/delete"), &[("csrf", &csrf)]).await.0, 403);
    assert_eq!(app.get(&format!("/api/websites/{id}")).await.1["enabled"], true, "nothing changed");

    assert_eq!(visitor.post(&format!("/sites/{id}/delete"), &[("csrf", &csrf)]).await.0, 303);
    assert_eq!(app.get(&format!("/api/websites/{id}")).await.0, 404);
});

#[tokio::test(flavor = "multi_thread")]
async fn with_tokens_the_pages_ask_for_one_and_a_read_token_only_reads() {
    let db = TestDatabase::sqlite();
    let env = [
        ("LOOKOUT__AUTH__READ_TOKENS", READ),
        ("LOOKOUT__AUTH__WRITE_TOKENS", WRITE),
        ("SCHEDULER_ENABLED", "false"),
    ];
    let app = TestApp::start(&db, &env).await;
    let mut visitor = Visitor::new(&app);
    let (status, location, _) = visitor.get("/sites/new").await;
    assert_eq!((status.as_u16(), location.as_deref()), (303, Some("/sign-in?next=/sites/new")));
    let csrf = visitor.csrf("/sign-in").await;
    let (status, _, refused) = visitor
        .post("/sign-in", &[("csrf", &csrf), ("token", "not-a-token-at-all"), ("next", "/")])
        .await;
    assert_eq!(status, 401);
    assert!(refused.contains("That token is not valid."));

    let (status, location, _) = visitor
        .post("/sign-in", &[("csrf", &csrf), ("token", READ), ("next", "https://evil.example")])
        .await;
    assert_eq!((status.as_u16(), location.as_deref()), (303, Some("/")), "never off-site");
    let (status, _, html) = visitor.get("/").await;
    assert_eq!(status, 200);
    assert!(html.contains("read only") && !html.contains("Add a site"), "{html}");
    let csrf = visitor.csrf("/").await;
    let form = [
        ("csrf", csrf.as_str()),
        ("url", "https://x.example"),
        ("name", "X"),
        ("check_interval", "300"),
    ];
    assert_eq!(visitor.post("/sites/new", &form).await.0, 403, "a read session cannot write");
    let (status, _) = app.get("/api/websites").await;
    assert_eq!(status, 401, "a session is not an API token");

    assert_eq!(visitor.post("/sign-out", &[("csrf", &csrf)]).await.0, 303);
    assert_eq!(visitor.get("/").await.0, 303, "signed out");
    let csrf = visitor.csrf("/sign-in").await;
    visitor.post("/sign-in", &[("csrf", &csrf), ("token", WRITE), ("next", "/sites/new")]).await;
    let csrf = visitor.csrf("/sites/new").await;
    let form = [
        ("csrf", csrf.as_str()),
        ("url", "https://x.example"),
        ("name", "X"),
        ("check_interval", "300"),
    ];
    assert_eq!(visitor.post("/sites/new", &form).await.0, 303, "a write session can");

    // Docs and assets need no sign-in.
    let mut anyone = Visitor::new(&app);
    let (status, _, docs) = anyone.get("/docs").await;
    assert_eq!(status, 200);
    assert!(docs.contains("swagger-ui-bundle.js"));
    let (status, _, document) = anyone.get("/docs/openapi.json").await;
    assert_eq!(status, 200);
    assert!(document.contains("\"operationId\":\"create_website\""));
}

#[tokio::test(flavor = "multi_thread")]
async fn assets_are_embedded_cached_and_revalidated() {
    let db = TestDatabase::sqlite();
    let app = TestApp::start(&db, &[("SCHEDULER_ENABLED", "false")]).await;
    let mut visitor = Visitor::new(&app);
    let (_, _, html) = visitor.get("/").await;
    let at = html.find("/assets/style.css?v=").unwrap();
    let url = &html[at..at + html[at..].find('"').unwrap()];
    let response = app.client.get(app.url(url)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    let etag = response.headers()["etag"].clone();
    assert!(response.text().await.unwrap().contains("prefers-color-scheme"));
    let again = app.client.get(app.url(url)).header("if-none-match", etag).send().await.unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(app.client.get(app.url("/assets/nope.js")).send().await.unwrap().status(), 404);
}
