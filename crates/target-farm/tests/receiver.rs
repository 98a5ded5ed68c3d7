//! The webhook receiver: what it records and how it answers (queued answers, then the path's
//! cycle, then the receiver's default), plain and over HTTPS.

#![expect(clippy::unwrap_used, reason = "test helpers fail the test loudly")]

use std::time::Duration;

use lookout_target_farm::{Answer, TestCa, Tls, WebhookReceiver};

async fn post(client: &reqwest::Client, url: &str) -> Result<reqwest::Response, reqwest::Error> {
    client
        .post(url)
        .header("x-test", "yes")
        .header("content-type", "application/json")
        .body(r#"{"a":1}"#)
        .send()
        .await
}

async fn statuses(receiver: &WebhookReceiver, path: &str, n: usize) -> Vec<u16> {
    let client = reqwest::Client::new();
    let mut statuses = Vec::new();
    for _ in 0..n {
        statuses.push(post(&client, &receiver.url(path)).await.unwrap().status().as_u16());
    }
    statuses
}

#[tokio::test]
async fn every_request_is_recorded() {
    let receiver = WebhookReceiver::start().await;
    let client = reqwest::Client::new();
    let response = post(&client, &receiver.url("/hook?x=1")).await.unwrap();
    assert_eq!(response.status().as_u16(), 204);
    let [request] = receiver.wait_for("/hook", 1, Duration::from_secs(5)).await.try_into().unwrap();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/hook");
    assert_eq!(request.query.as_deref(), Some("x=1"));
    assert_eq!(request.header("X-Test"), Some("yes"));
    assert_eq!(request.json().unwrap()["a"], 1);
    assert_eq!(request.answer, Answer::NO_CONTENT);
    assert_eq!(receiver.count("/other"), 0);
    receiver.clear();
    assert!(receiver.all_requests().is_empty());
}

#[tokio::test]
async fn queued_answers_come_first_then_the_paths_cycle_then_the_default() {
    let receiver = WebhookReceiver::start().await;
    receiver.answer_next("/a", [Answer::Status(500), Answer::too_many_requests("7")]);
    receiver.answer_path("/a", [Answer::Status(503), Answer::OK]);
    assert_eq!(statuses(&receiver, "/a", 6).await, [500, 429, 503, 200, 503, 200]);
    assert_eq!(statuses(&receiver, "/b", 1).await, [204]);

    receiver.answer_all([Answer::Status(404)]);
    assert_eq!(statuses(&receiver, "/b", 2).await, [404, 404]);
    receiver.answer_path("/a", []);
    assert_eq!(statuses(&receiver, "/a", 1).await, [404]);
    receiver.answer_all([]);
    assert_eq!(statuses(&receiver, "/a", 1).await, [204]);

    let client = reqwest::Client::new();
    receiver.answer_next("/r", [Answer::too_many_requests("30")]);
    let response = post(&client, &receiver.url("/r")).await.unwrap();
    assert_eq!(response.headers()["retry-after"], "30");
}

#[tokio::test]
async fn a_hanging_answer_never_comes() {
    let receiver = WebhookReceiver::start().await;
    receiver.answer_next("/slow", [Answer::Hang]);
    let client = reqwest::Client::builder().timeout(Duration::from_millis(200)).build().unwrap();
    let error = post(&client, &receiver.url("/slow")).await.unwrap_err();
    assert!(error.is_timeout(), "{error}");
    assert_eq!(receiver.requests("/slow")[0].answer, Answer::Hang);
}

#[tokio::test]
async fn https_with_the_farms_ca() {
    let ca = TestCa::new();
    let tls = Tls::Https(ca.server_config(&["localhost"], false));
    let receiver = WebhookReceiver::start_with(tls, "127.0.0.1:0").await;
    assert!(receiver.url("/s").starts_with("https://localhost:"));
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_der(&ca.certificate()).unwrap())
        .build()
        .unwrap();
    let response = post(&client, &receiver.url("/s")).await.unwrap();
    assert_eq!(response.status().as_u16(), 204);
    assert_eq!(receiver.count("/s"), 1);
}
