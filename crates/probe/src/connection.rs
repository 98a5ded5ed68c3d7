//! One attempt: resolve, connect (both in `dial.rs`), TLS, HTTP handshake, one request as the
//! site's settings ask it, read the response (its headers, and its body when an assertion needs
//! it).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use http::header::{ACCEPT, CONNECTION, HOST, LOCATION, USER_AGENT};
use http::{HeaderName, HeaderValue, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::{TokioExecutor, TokioIo};
use lookout_domain::checks::{
    CertificateInfo, HttpMethod, HttpVersion, RequestHeader, ResponseBody,
};
use lookout_domain::monitoring::{HttpFailure, Phases, ProbeFailure, TlsFailure};
use lookout_domain::website::AddressPolicy;
use rustls::ClientConfig;
use rustls::pki_types::ServerName;
use tokio::time::Instant;
use tokio_rustls::TlsConnector;
use url::Url;

use crate::closed_by_drop::ClosedByDrop;
use crate::dial::{Dialer, Target};
use crate::{certificate, failure};

/// What one request sends and what it reads.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ask<'a> {
    pub(crate) method: HttpMethod,
    pub(crate) headers: &'a [RequestHeader],
    pub(crate) body: Option<&'a str>,
    pub(crate) version: HttpVersion,
    /// Keep the body (an assertion reads it); otherwise it is read and dropped.
    pub(crate) keep_body: bool,
    /// Keep the headers (an assertion reads them).
    pub(crate) keep_headers: bool,
}

/// What one request got back.
#[derive(Debug)]
pub(crate) struct Exchange {
    pub(crate) status: StatusCode,
    pub(crate) location: Option<String>,
    /// From the start of the name lookup to the end of the (possibly truncated) body.
    pub(crate) elapsed: Duration,
    /// The same time, phase by phase.
    pub(crate) phases: Phases,
    /// Names in lower case.
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<ResponseBody>,
    /// The leaf certificate of an HTTPS answer.
    pub(crate) certificate: Option<CertificateInfo>,
}

/// TLS connectors by the HTTP versions they offer (ALPN).
pub(crate) struct Connectors {
    /// `auto`: HTTP/2 when `probe.http2` allows it, else HTTP/1.1.
    pub(crate) auto: TlsConnector,
    pub(crate) http1: TlsConnector,
    pub(crate) http2: TlsConnector,
}

impl Connectors {
    fn of(&self, version: HttpVersion) -> &TlsConnector {
        match version {
            HttpVersion::Auto => &self.auto,
            HttpVersion::Http1 => &self.http1,
            HttpVersion::Http2 => &self.http2,
        }
    }
}

/// Everything an attempt needs that does not change between checks.
pub(crate) struct Client {
    pub(crate) tls: Connectors,
    pub(crate) addresses: AddressPolicy,
    pub(crate) dialer: Dialer,
    pub(crate) user_agent: HeaderValue,
    pub(crate) max_body_bytes: usize,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// `tls`: the configurations for `auto`, `http1` and `http2`.
    pub(crate) fn new(
        tls: [Arc<ClientConfig>; 3],
        addresses: AddressPolicy,
        dialer: Dialer,
        user_agent: HeaderValue,
        max_body_bytes: usize,
    ) -> Self {
        let [auto, http1, http2] = tls.map(TlsConnector::from);
        let tls = Connectors { auto, http1, http2 };
        Self { tls, addresses, dialer, user_agent, max_body_bytes }
    }

    /// Makes one request to `url` over a new connection.
    pub(crate) async fn exchange(&self, url: &Url, ask: Ask<'_>) -> Result<Exchange, ProbeFailure> {
        let target = Target::of(url)?;
        let started = Instant::now();
        let mut addresses = target.resolve().await?;
        // Checked after resolution, so that a name that resolves (or re-binds) to a private
        // address is caught too.
        addresses.retain(|address| self.addresses.permits(address.ip()));
        if addresses.is_empty() {
            return Err(ProbeFailure::BlockedAddress);
        }
        let resolved = Instant::now();
        let tcp = self.dialer.connect_any(&addresses).await?;
        let connected = Instant::now();
        let mut certificate = None;
        let mut secured = None;
        let (mut sender, connection) = if target.https {
            let name = ServerName::try_from(target.host.clone()).map_err(|_| {
                ProbeFailure::Tls(TlsFailure::InvalidServerName(target.host.clone()))
            })?;
            // The handshake writes more than once: no write may wait for the previous one's ACK.
            let _ = tcp.set_nodelay(true);
            let tls = self
                .tls
                .of(ask.version)
                .connect(name, ClosedByDrop(tcp))
                .await
                .map_err(|e| failure::tls(&e))?;
            secured = Some(Instant::now());
            let session = tls.get_ref().1;
            certificate = session
                .peer_certificates()
                .and_then(|chain| chain.first())
                .and_then(|leaf| certificate::read(leaf.as_ref()));
            let h2 = session.alpn_protocol() == Some(b"h2");
            if ask.version == HttpVersion::Http2 && !h2 {
                return Err(ProbeFailure::Http(HttpFailure::Other(
                    "the server does not offer HTTP/2 (ALPN)".to_owned(),
                )));
            }
            Sender::handshake(TokioIo::new(tls), h2).await?
        } else {
            // HTTP/2 over plain TCP only when asked for (prior knowledge). HTTP/2 writes frames
            // one after another; HTTP/1.1 writes its request in one go, which Nagle's algorithm
            // never holds back.
            let h2 = ask.version == HttpVersion::Http2;
            if h2 {
                let _ = tcp.set_nodelay(true);
            }
            Sender::handshake(TokioIo::new(ClosedByDrop(tcp)), h2).await?
        };
        let request = self.request(url, &target, sender.is_h2(), &ask)?;
        // The connection is driven in this task, beside the request: no task to spawn, no
        // hand-over between tasks on the hot path, and nothing outlives the attempt.
        let (status, location, headers, body, answered) = drive(connection, async {
            let response = sender.send(request).await.map_err(|e| failure::request(&e))?;
            let answered = Instant::now();
            let status = response.status();
            let location = response
                .headers()
                .get(LOCATION)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned);
            let headers: Vec<(String, String)> = if ask.keep_headers {
                response
                    .headers()
                    .iter()
                    .map(|(name, value)| {
                        (
                            name.as_str().to_owned(),
                            String::from_utf8_lossy(value.as_bytes()).into_owned(),
                        )
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let body = read_body(response.into_body(), self.max_body_bytes, ask.keep_body).await?;
            Ok((status, location, headers, body, answered))
        })
        .await?;
        let done = Instant::now();
        let handshaken = secured.unwrap_or(connected);
        let phases = Phases {
            // An address literal is not looked up.
            dns: (!target.literal).then(|| resolved - started),
            connect: Some(connected - resolved),
            tls: secured.map(|secured| secured - connected),
            ttfb: Some(answered - handshaken),
            transfer: Some(done - answered),
        };
        Ok(Exchange {
            status,
            location,
            elapsed: done - started,
            phases,
            headers,
            body,
            certificate,
        })
    }

    fn request(
        &self,
        url: &Url,
        target: &Target,
        h2: bool,
        ask: &Ask<'_>,
    ) -> Result<Request<Full<Bytes>>, ProbeFailure> {
        let cannot = |e: String| ProbeFailure::Http(HttpFailure::CannotBuildRequest(e));
        let path = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        };
        // HTTP/2 carries scheme and authority as pseudo-headers, taken from an absolute URI.
        let uri = if h2 { format!("{}://{}{path}", url.scheme(), target.authority) } else { path };
        let method = Method::from_bytes(ask.method.as_str().as_bytes())
            .map_err(|e| cannot(e.to_string()))?;
        let mut builder = Request::builder()
            .method(method)
            .uri(uri)
            .header(USER_AGENT, self.user_agent.clone())
            .header(ACCEPT, "*/*");
        if !h2 {
            builder = builder.header(HOST, &target.authority).header(CONNECTION, "close");
        }
        let body = ask.body.map_or_else(Bytes::new, |body| Bytes::from(body.to_owned()));
        let mut request = builder.body(Full::new(body)).map_err(|e| cannot(e.to_string()))?;
        // The site's own headers win over lookout's defaults (a `Host` of its own included).
        for header in ask.headers {
            let name = HeaderName::from_bytes(header.name.as_bytes())
                .map_err(|_| cannot(format!("invalid header name {:?}", header.name)))?;
            if h2 && name == HOST {
                continue; // HTTP/2 names the host in :authority
            }
            let value = HeaderValue::from_str(&header.value)
                .map_err(|_| cannot(format!("invalid value for header {}", header.name)))?;
            request.headers_mut().insert(name, value);
        }
        Ok(request)
    }
}

/// Reads the body up to `max` bytes: kept when `keep`, else counted and dropped.
async fn read_body(
    mut body: hyper::body::Incoming,
    max: usize,
    keep: bool,
) -> Result<Option<ResponseBody>, ProbeFailure> {
    let mut kept: Vec<u8> = Vec::new();
    let mut read = 0usize;
    let mut truncated = false;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| failure::body(&e))?;
        let Some(data) = frame.data_ref().filter(|data| !data.is_empty()) else { continue };
        let room = max - read;
        if keep {
            kept.extend_from_slice(&data[..data.len().min(room)]);
        }
        if data.len() >= room {
            // At the limit: whatever follows is not read (one more frame tells whether any does).
            truncated = data.len() > room;
            read = max;
            break;
        }
        read += data.len();
    }
    if read == max && !truncated {
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| failure::body(&e))?;
            if frame.data_ref().is_some_and(|data| !data.is_empty()) {
                truncated = true;
                break;
            }
        }
    }
    Ok(keep.then_some(ResponseBody { bytes: kept, truncated }))
}

/// The request half of an HTTP/1.1 or HTTP/2 connection.
enum Sender {
    Http1(hyper::client::conn::http1::SendRequest<Full<Bytes>>),
    Http2(hyper::client::conn::http2::SendRequest<Full<Bytes>>),
}

impl Sender {
    async fn handshake<IO>(io: IO, h2: bool) -> Result<(Self, Connection), ProbeFailure>
    where
        IO: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
    {
        if h2 {
            let (sender, connection) =
                hyper::client::conn::http2::handshake(TokioExecutor::new(), io)
                    .await
                    .map_err(|e| failure::request(&e))?;
            Ok((
                Self::Http2(sender),
                Box::pin(async move {
                    let _ = connection.await;
                }),
            ))
        } else {
            let (sender, connection) = hyper::client::conn::http1::Builder::new()
                .max_buf_size(64 * 1024)
                .max_header_size(64 * 1024)
                .handshake(io)
                .await
                .map_err(|e| failure::request(&e))?;
            Ok((
                Self::Http1(sender),
                Box::pin(async move {
                    let _ = connection.await;
                }),
            ))
        }
    }

    fn is_h2(&self) -> bool {
        matches!(self, Self::Http2(_))
    }

    async fn send(
        &mut self,
        request: Request<Full<Bytes>>,
    ) -> Result<http::Response<hyper::body::Incoming>, hyper::Error> {
        match self {
            Self::Http1(sender) => sender.send_request(request).await,
            Self::Http2(sender) => sender.send_request(request).await,
        }
    }
}

/// The future that drives one connection's I/O.
type Connection = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Runs `work` while polling `connection` in the same task. When the connection ends first
/// (the server closed it), `work` goes on alone and sees the error.
async fn drive<T>(connection: Connection, work: impl Future<Output = T>) -> T {
    tokio::pin!(work);
    let mut connection = Some(connection);
    loop {
        match connection.as_mut() {
            Some(running) => tokio::select! {
                biased;
                out = &mut work => return out,
                () = running => connection = None,
            },
            None => return work.await,
        }
    }
}
