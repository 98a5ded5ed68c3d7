//! `WebhookReceiver`: an HTTP(S) endpoint that alert tests send to. It records every request
//! (method, path, headers, body, time) and answers as the test tells it: per path a queue of
//! scripted answers, then the path's own answers, then the receiver's default (204), each
//! of the last two a cycle (`[500, 204]` fails every other request).

use std::collections::{HashMap, VecDeque};
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use time::OffsetDateTime;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::listener::{Body, Tls, accept_loop};

/// How the receiver answers one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// This status and an empty body (204, 200, 404, 500, ...).
    Status(u16),
    /// This status (429, 503, ...) with a `Retry-After` header: seconds (`"30"`) or an HTTP
    /// date.
    RetryAfter { status: u16, retry_after: String },
    /// No answer at all: the request waits until the client gives up or the receiver stops.
    Hang,
}

impl Answer {
    /// 204 No Content, the default.
    pub const NO_CONTENT: Self = Self::Status(204);
    /// 200 OK.
    pub const OK: Self = Self::Status(200);

    /// 429 Too Many Requests with `Retry-After: <retry_after>`.
    pub fn too_many_requests(retry_after: impl Into<String>) -> Self {
        Self::RetryAfter { status: 429, retry_after: retry_after.into() }
    }
}

/// One request as the receiver saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedRequest {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// Every header in arrival order, names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub received_at: OffsetDateTime,
    /// What the receiver answered (or, for [`Answer::Hang`], did not).
    pub answer: Answer,
}

impl ReceivedRequest {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

/// Answers given in turn, for ever.
#[derive(Debug, Clone)]
struct Cycle {
    answers: Vec<Answer>,
    next: usize,
}

impl Cycle {
    fn new(answers: Vec<Answer>) -> Option<Self> {
        (!answers.is_empty()).then_some(Self { answers, next: 0 })
    }

    fn take(&mut self) -> Answer {
        let answer = self.answers[self.next % self.answers.len()].clone();
        self.next = self.next.wrapping_add(1);
        answer
    }
}

#[derive(Debug, Default)]
struct PathAnswers {
    queued: VecDeque<Answer>,
    cycle: Option<Cycle>,
}

#[derive(Debug)]
struct State {
    requests: Mutex<Vec<ReceivedRequest>>,
    paths: Mutex<HashMap<String, PathAnswers>>,
    default: Mutex<Cycle>,
}

impl State {
    /// The answer for the next request to `path`.
    fn answer(&self, path: &str) -> Answer {
        let mut paths = lock(&self.paths);
        if let Some(answers) = paths.get_mut(path) {
            if let Some(answer) = answers.queued.pop_front() {
                return answer;
            }
            if let Some(cycle) = answers.cycle.as_mut() {
                return cycle.take();
            }
        }
        drop(paths);
        lock(&self.default).take()
    }
}

/// A webhook endpoint on 127.0.0.1 and a free port. Stops on drop (hanging requests end then).
#[derive(Debug)]
pub struct WebhookReceiver {
    address: SocketAddr,
    https: bool,
    state: Arc<State>,
    task: JoinHandle<()>,
    /// Dropped with the receiver: hanging requests see it and close their connections.
    _stop: watch::Sender<()>,
}

impl WebhookReceiver {
    /// A plain HTTP receiver.
    pub async fn start() -> Self {
        Self::start_with(Tls::Plain, "127.0.0.1:0").await
    }

    /// A receiver with the given TLS set-up (e.g. `Tls::Https(ca.server_config(&["localhost"],
    /// false))`), bound to `bind` (port 0 for a free one).
    pub async fn start_with(tls: Tls, bind: &str) -> Self {
        let listener = TcpListener::bind(bind).await.unwrap_or_else(|e| panic!("bind {bind}: {e}"));
        let address = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
        let state = Arc::new(State {
            requests: Mutex::new(Vec::new()),
            paths: Mutex::new(HashMap::new()),
            default: Mutex::new(Cycle { answers: vec![Answer::NO_CONTENT], next: 0 }),
        });
        let https = matches!(tls, Tls::Https(_));
        let (stop, stopped) = watch::channel(());
        let handler_state = Arc::clone(&state);
        let task = tokio::spawn(accept_loop(listener, tls, move |request| {
            receive(request, Arc::clone(&handler_state), stopped.clone())
        }));
        Self { address, https, state, task, _stop: stop }
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The URL of `path` (`127.0.0.1`, or `localhost` for HTTPS so that the certificate's name
    /// matches).
    pub fn url(&self, path: &str) -> String {
        if self.https {
            format!("https://localhost:{}{path}", self.address.port())
        } else {
            format!("http://{}{path}", self.address)
        }
    }

    /// The next requests to `path` get these answers, in order (after any still queued).
    pub fn answer_next(&self, path: &str, answers: impl IntoIterator<Item = Answer>) {
        lock(&self.state.paths).entry(path.to_owned()).or_default().queued.extend(answers);
    }

    /// Once its queue is used up, `path` gives these answers in turn, for ever (an empty list
    /// goes back to the receiver's default).
    pub fn answer_path(&self, path: &str, answers: impl IntoIterator<Item = Answer>) {
        let cycle = Cycle::new(answers.into_iter().collect());
        lock(&self.state.paths).entry(path.to_owned()).or_default().cycle = cycle;
    }

    /// Paths with no answers of their own give these in turn (204 until told otherwise; an
    /// empty list goes back to 204).
    pub fn answer_all(&self, answers: impl IntoIterator<Item = Answer>) {
        let cycle = Cycle::new(answers.into_iter().collect())
            .unwrap_or(Cycle { answers: vec![Answer::NO_CONTENT], next: 0 });
        *lock(&self.state.default) = cycle;
    }

    /// Requests to `path` so far, in arrival order.
    pub fn requests(&self, path: &str) -> Vec<ReceivedRequest> {
        lock(&self.state.requests).iter().filter(|r| r.path == path).cloned().collect()
    }

    /// Every request so far, in arrival order.
    pub fn all_requests(&self) -> Vec<ReceivedRequest> {
        lock(&self.state.requests).clone()
    }

    /// How many requests `path` got.
    pub fn count(&self, path: &str) -> usize {
        lock(&self.state.requests).iter().filter(|r| r.path == path).count()
    }

    /// Waits until `path` got at least `count` requests and returns them; panics after
    /// `within`, naming what arrived.
    pub async fn wait_for(
        &self,
        path: &str,
        count: usize,
        within: Duration,
    ) -> Vec<ReceivedRequest> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let requests = self.requests(path);
            if requests.len() >= count {
                return requests;
            }
            if tokio::time::Instant::now() >= deadline {
                panic!("{path} got {} of {count} requests within {within:?}", requests.len());
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Forgets the requests seen so far (answers stay as set).
    pub fn clear(&self) {
        lock(&self.state.requests).clear();
    }
}

impl Drop for WebhookReceiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

async fn receive(
    request: Request<Incoming>,
    state: Arc<State>,
    mut stopped: watch::Receiver<()>,
) -> Result<Response<Body>, io::Error> {
    let (parts, body) = request.into_parts();
    let body = body.collect().await.map_err(io::Error::other)?.to_bytes();
    let path = parts.uri.path().to_owned();
    let answer = state.answer(&path);
    let headers = parts
        .headers
        .iter()
        .map(|(name, value)| {
            (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned())
        })
        .collect();
    lock(&state.requests).push(ReceivedRequest {
        method: parts.method.as_str().to_owned(),
        path,
        query: parts.uri.query().map(str::to_owned),
        headers,
        body: body.to_vec(),
        received_at: OffsetDateTime::now_utc(),
        answer: answer.clone(),
    });
    let (status, retry_after) = match answer {
        Answer::Status(status) => (status, None),
        Answer::RetryAfter { status, retry_after } => (status, Some(retry_after)),
        Answer::Hang => {
            // Ends when the receiver is dropped (the sender goes away).
            while stopped.changed().await.is_ok() {}
            return Err(io::Error::other("the receiver stopped"));
        }
    };
    let mut response = Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
    if let Some(retry_after) = retry_after {
        response = response.header(http::header::RETRY_AFTER, retry_after);
    }
    let body = Full::new(Bytes::new()).map_err(|never| match never {}).boxed();
    response.body(body).map_err(io::Error::other)
}
