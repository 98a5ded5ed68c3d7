//! One attempt: resolve, connect, TLS, HTTP handshake, one `GET`, read the body.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use http::header::{ACCEPT, CONNECTION, HOST, LOCATION, USER_AGENT};
use http::{HeaderValue, Request, StatusCode};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::rt::{TokioExecutor, TokioIo};
use lookout_domain::monitoring::{
    ConnectFailure, DnsFailure, HttpFailure, ProbeFailure, TlsFailure,
};
use lookout_domain::website::AddressPolicy;
use rustls::ClientConfig;
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;
use tokio::time::Instant;
use tokio_rustls::TlsConnector;
use url::Url;

use crate::failure;

/// What one request got back.
#[derive(Debug)]
pub(crate) struct Exchange {
    pub(crate) status: StatusCode,
    pub(crate) location: Option<String>,
    /// From the start of the TCP connect to the end of the (possibly truncated) body.
    pub(crate) elapsed: Duration,
}

/// Everything an attempt needs that does not change between checks.
pub(crate) struct Client {
    pub(crate) tls: TlsConnector,
    pub(crate) addresses: AddressPolicy,
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
    pub(crate) fn new(
        tls: Arc<ClientConfig>,
        addresses: AddressPolicy,
        user_agent: HeaderValue,
        max_body_bytes: usize,
    ) -> Self {
        Self { tls: TlsConnector::from(tls), addresses, user_agent, max_body_bytes }
    }

    /// Makes one request to `url` over a new connection.
    pub(crate) async fn exchange(&self, url: &Url) -> Result<Exchange, ProbeFailure> {
        let target = Target::of(url)?;
        let mut addresses = target.resolve().await?;
        // Checked after resolution, so that a name that resolves (or re-binds) to a private
        // address is caught too.
        addresses.retain(|address| self.addresses.permits(address.ip()));
        if addresses.is_empty() {
            return Err(ProbeFailure::BlockedAddress);
        }
        let started = Instant::now();
        let tcp = connect_any(&addresses).await?;
        let (mut sender, connection) = if target.https {
            let name = ServerName::try_from(target.host.clone()).map_err(|_| {
                ProbeFailure::Tls(TlsFailure::InvalidServerName(target.host.clone()))
            })?;
            let tls = self.tls.connect(name, tcp).await.map_err(|e| failure::tls(&e))?;
            let h2 = tls.get_ref().1.alpn_protocol() == Some(b"h2");
            Sender::handshake(TokioIo::new(tls), h2).await?
        } else {
            Sender::handshake(TokioIo::new(tcp), false).await?
        };
        let request = self.request(url, &target, sender.is_h2())?;
        // The connection is driven in this task, beside the request: no task to spawn, no
        // hand-over between tasks on the hot path, and nothing outlives the attempt.
        let (status, location) = drive(connection, async {
            let response = sender.send(request).await.map_err(|e| failure::request(&e))?;
            let status = response.status();
            let location = response
                .headers()
                .get(LOCATION)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned);
            let mut body = response.into_body();
            let mut read = 0usize;
            while read < self.max_body_bytes {
                match body.frame().await {
                    None => break,
                    Some(Ok(frame)) => read += frame.data_ref().map_or(0, Bytes::len),
                    Some(Err(e)) => return Err(failure::body(&e)),
                }
            }
            Ok((status, location))
        })
        .await?;
        Ok(Exchange { status, location, elapsed: started.elapsed() })
    }

    fn request(
        &self,
        url: &Url,
        target: &Target,
        h2: bool,
    ) -> Result<Request<Empty<Bytes>>, ProbeFailure> {
        let path = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        };
        // HTTP/2 carries scheme and authority as pseudo-headers, taken from an absolute URI.
        let uri = if h2 { format!("{}://{}{path}", url.scheme(), target.authority) } else { path };
        let mut builder =
            Request::get(uri).header(USER_AGENT, self.user_agent.clone()).header(ACCEPT, "*/*");
        if !h2 {
            builder = builder.header(HOST, &target.authority).header(CONNECTION, "close");
        }
        builder
            .body(Empty::new())
            .map_err(|e| ProbeFailure::Http(HttpFailure::CannotBuildRequest(e.to_string())))
    }
}

/// Host, port and scheme of a URL.
struct Target {
    host: String,
    port: u16,
    https: bool,
    /// `host[:port]` as the `Host` header wants it (port only when not the default).
    authority: String,
}

impl Target {
    fn of(url: &Url) -> Result<Self, ProbeFailure> {
        let https = url.scheme() == "https";
        let host = match url.host() {
            Some(url::Host::Domain(domain)) => domain.to_owned(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            None => return Err(ProbeFailure::UrlWithoutHost),
        };
        let port = url.port_or_known_default().unwrap_or(if https { 443 } else { 80 });
        let host_in_authority = url.host_str().unwrap_or(&host).to_owned();
        let authority = match url.port() {
            Some(port) => format!("{host_in_authority}:{port}"),
            None => host_in_authority,
        };
        Ok(Self { host, port, https, authority })
    }

    async fn resolve(&self) -> Result<Vec<SocketAddr>, ProbeFailure> {
        if let Ok(ip) = self.host.parse::<IpAddr>() {
            return Ok(vec![SocketAddr::new(ip, self.port)]);
        }
        let addresses: Vec<SocketAddr> = tokio::net::lookup_host((self.host.as_str(), self.port))
            .await
            .map_err(|e| failure::dns(&e))?
            .collect();
        if addresses.is_empty() {
            return Err(ProbeFailure::Dns(DnsFailure::NoSuchHost));
        }
        Ok(addresses)
    }
}

/// Tries each address in turn; the last error counts.
async fn connect_any(addresses: &[SocketAddr]) -> Result<TcpStream, ProbeFailure> {
    let mut last = ProbeFailure::Connect(ConnectFailure::NoAddress);
    for address in addresses {
        match TcpStream::connect(address).await {
            Ok(stream) => {
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Err(e) => last = failure::connect(&e),
        }
    }
    Err(last)
}

/// The request half of an HTTP/1.1 or HTTP/2 connection.
enum Sender {
    Http1(hyper::client::conn::http1::SendRequest<Empty<Bytes>>),
    Http2(hyper::client::conn::http2::SendRequest<Empty<Bytes>>),
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
        request: Request<Empty<Bytes>>,
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
