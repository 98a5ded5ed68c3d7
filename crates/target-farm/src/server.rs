//! `TargetServer`: an HTTP(S) server whose answers the query string (or the test) decides.

use std::collections::{HashMap, HashSet};
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Bytes, Frame, Incoming};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::listener::{Answered, Body, Peer, Tls, accept_loop};

/// The path whose answer depends on the peer's address ([`TargetServer::fail_sources`]).
const BY_SOURCE: &str = "/by-source";

/// A request as the target saw it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeenRequest {
    pub method: String,
    /// Names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl SeenRequest {
    /// The first value of header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// A body and headers a path answers with (its status still from `set_status` or `?status=`).
#[derive(Debug, Clone, Default)]
struct Canned {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

#[derive(Debug, Default)]
struct State {
    canned: Mutex<HashMap<String, Canned>>,
    last_request: Mutex<Option<SeenRequest>>,
    statuses: Mutex<HashMap<String, u16>>,
    /// Delays set per path at run time.
    delays: Mutex<HashMap<String, Duration>>,
    hits: Mutex<HashMap<String, u64>>,
    /// Hits per path and peer IP address.
    hits_by_source: Mutex<HashMap<(String, IpAddr), u64>>,
    /// The peers `/by-source` fails for.
    failing_sources: Mutex<HashSet<IpAddr>>,
    total: AtomicU64,
    last_user_agent: Mutex<Option<String>>,
    last_version: Mutex<Option<http::Version>>,
}

/// A local HTTP(S) target on 127.0.0.1 and a free port. Stops on drop.
#[derive(Debug)]
pub struct TargetServer {
    address: SocketAddr,
    https: bool,
    state: Arc<State>,
    task: JoinHandle<()>,
}

impl TargetServer {
    /// A plain HTTP target.
    pub async fn start() -> Self {
        Self::start_with(Tls::Plain, "127.0.0.1:0").await
    }

    /// A target with the given TLS set-up, bound to `bind` (port 0 for a free one).
    pub async fn start_with(tls: Tls, bind: &str) -> Self {
        let listener = TcpListener::bind(bind).await.unwrap_or_else(|e| panic!("bind {bind}: {e}"));
        let address = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
        let state = Arc::new(State::default());
        let https = matches!(tls, Tls::Https(_));
        let handler_state = Arc::clone(&state);
        let task = tokio::spawn(accept_loop(listener, tls, move |request| {
            respond(request, Arc::clone(&handler_state))
        }));
        Self { address, https, state, task }
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The URL of `path_and_query` on this target (`127.0.0.1`, or `localhost` for HTTPS so
    /// that the certificate's name matches).
    pub fn url(&self, path_and_query: &str) -> String {
        if self.https {
            format!("https://localhost:{}{path_and_query}", self.address.port())
        } else {
            format!("http://{}{path_and_query}", self.address)
        }
    }

    /// Makes `path` answer `status` from now on (overrides its query string).
    pub fn set_status(&self, path: &str, status: u16) {
        lock(&self.state.statuses).insert(path.to_owned(), status);
    }

    /// Makes requests for `path` that arrive from now on wait `delay` before they are answered
    /// (overrides its `delay_ms`; a request is counted as it arrives, before it waits). A long
    /// delay makes a target that takes requests and never answers them.
    pub fn set_delay(&self, path: &str, delay: Duration) {
        lock(&self.state.delays).insert(path.to_owned(), delay);
    }

    /// Makes `path` answer with `headers` and `body` from now on.
    pub fn set_answer(&self, path: &str, headers: &[(&str, &str)], body: &str) {
        let headers = headers.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect();
        let canned = Canned { headers, body: body.as_bytes().to_vec() };
        lock(&self.state.canned).insert(path.to_owned(), canned);
    }

    /// The latest request, with its body.
    pub fn last_request(&self) -> Option<SeenRequest> {
        lock(&self.state.last_request).clone()
    }

    /// Requests seen for `path`.
    pub fn hits(&self, path: &str) -> u64 {
        lock(&self.state.hits).get(path).copied().unwrap_or(0)
    }

    /// Requests seen for `path` from a connection whose peer address is `source`.
    pub fn hits_from(&self, path: &str, source: IpAddr) -> u64 {
        lock(&self.state.hits_by_source).get(&(path.to_owned(), source)).copied().unwrap_or(0)
    }

    /// Makes `/by-source` fail (503) for requests from these peer addresses, and answer 200 to
    /// every other; replaces the set given before (an empty slice: nobody fails).
    pub fn fail_sources(&self, sources: &[IpAddr]) {
        *lock(&self.state.failing_sources) = sources.iter().copied().collect();
    }

    /// The `User-Agent` of the latest request.
    pub fn last_user_agent(&self) -> Option<String> {
        lock(&self.state.last_user_agent).clone()
    }

    /// The HTTP version of the latest request.
    pub fn last_version(&self) -> Option<http::Version> {
        *lock(&self.state.last_version)
    }

    /// Requests seen in all.
    pub fn total_hits(&self) -> u64 {
        self.state.total.load(Ordering::Relaxed)
    }
}

impl Drop for TargetServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn query_params(request: &Request<Incoming>) -> HashMap<String, String> {
    request
        .uri()
        .query()
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

async fn respond(request: Request<Incoming>, state: Arc<State>) -> Answered {
    let path = request.uri().path().to_owned();
    let peer = request.extensions().get::<Peer>().map(|Peer(address)| address.ip());
    state.total.fetch_add(1, Ordering::Relaxed);
    *lock(&state.hits).entry(path.clone()).or_default() += 1;
    if let Some(peer) = peer {
        *lock(&state.hits_by_source).entry((path.clone(), peer)).or_default() += 1;
    }
    *lock(&state.last_version) = Some(request.version());
    *lock(&state.last_user_agent) = request
        .headers()
        .get(http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let params = query_params(&request);
    let number = |key: &str| params.get(key).and_then(|v| v.parse::<u64>().ok());
    let (parts, body) = request.into_parts();
    let body = body.collect().await.map(|b| b.to_bytes().to_vec()).unwrap_or_default();
    let headers = parts
        .headers
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    *lock(&state.last_request) =
        Some(SeenRequest { method: parts.method.to_string(), headers, body });

    let delay = lock(&state.delays)
        .get(&path)
        .copied()
        .or_else(|| number("delay_ms").map(Duration::from_millis));
    // No timer at all for a zero delay: tokio rounds every sleep up to its 1 ms tick.
    if let Some(delay) = delay.filter(|delay| !delay.is_zero()) {
        tokio::time::sleep(delay).await;
    }
    if path == BY_SOURCE {
        return Ok(by_source(&state, peer));
    }
    let status = lock(&state.statuses)
        .get(&path)
        .copied()
        .or_else(|| number("status").and_then(|s| u16::try_from(s).ok()))
        .unwrap_or(200);
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);

    let mut response = Response::builder().status(status);
    if params.contains_key("loop") {
        response = response.status(StatusCode::FOUND).header("location", format!("{path}?loop=1"));
    } else if let Some(hops) = number("redirect").filter(|hops| *hops > 0) {
        response = response
            .status(StatusCode::FOUND)
            .header("location", format!("{path}?redirect={}", hops - 1));
    }
    let canned = lock(&state.canned).get(&path).cloned();
    if let Some(canned) = &canned {
        for (name, value) in &canned.headers {
            response = response.header(name.as_str(), value.as_str());
        }
    }
    let body = if let Some(canned) = canned {
        full(canned.body)
    } else if let Some(ms) = number("body_delay_ms") {
        split_body(Duration::from_millis(ms))
    } else if params.contains_key("endless") {
        endless_body()
    } else if params.contains_key("trickle") {
        trickle_body()
    } else {
        let bytes = number("body_bytes").unwrap_or(2);
        let bytes = usize::try_from(bytes).unwrap_or(2);
        let mut body = vec![b'o'; bytes];
        if let Some(end) = params.get("body_end") {
            body.extend_from_slice(end.as_bytes());
        }
        full(body)
    };
    Ok(response.body(body).unwrap_or_else(|_| Response::new(full(Bytes::new()))))
}

/// `/by-source`: 503 `failing for <peer>` when the peer is in the failing set, else 200 `ok`.
fn by_source(state: &State, peer: Option<IpAddr>) -> Response<Body> {
    let failing = peer.filter(|peer| lock(&state.failing_sources).contains(peer));
    let (status, body) = match failing {
        Some(peer) => (StatusCode::SERVICE_UNAVAILABLE, format!("failing for {peer}")),
        None => (StatusCode::OK, "ok".to_owned()),
    };
    let mut response = Response::new(full(body));
    *response.status_mut() = status;
    response
}

/// A body sent in one piece.
fn full(body: impl Into<Bytes>) -> Body {
    Full::new(body.into()).map_err(|never| match never {}).boxed()
}

/// `{"half":` at once, the rest after `pause`: a delay inside the body (a check's transfer).
fn split_body(pause: Duration) -> Body {
    let stream = futures::stream::unfold(0u8, move |part| async move {
        match part {
            0 => Some((Ok::<_, io::Error>(Frame::data(Bytes::from_static(b"{\"half\":"))), 1)),
            1 => {
                tokio::time::sleep(pause).await;
                Some((Ok(Frame::data(Bytes::from_static(b" true}"))), 2))
            }
            _ => None,
        }
    });
    BodyExt::boxed(StreamBody::new(stream))
}

/// 64 KiB chunks for ever.
fn endless_body() -> Body {
    let chunk = Bytes::from(vec![b'x'; 64 * 1024]);
    let stream = futures::stream::repeat(chunk).map(|c| Ok::<_, io::Error>(Frame::data(c)));
    BodyExt::boxed(StreamBody::new(stream))
}

/// One byte a second for ever.
fn trickle_body() -> Body {
    let stream = futures::stream::unfold((), |()| async {
        tokio::time::sleep(Duration::from_secs(1)).await;
        Some((Ok::<_, io::Error>(Frame::data(Bytes::from_static(b"."))), ()))
    });
    BodyExt::boxed(StreamBody::new(stream))
}
