//! The accept loop shared by the farm's HTTP servers: plain or TLS, HTTP/1.1 and HTTP/2, each
//! connection in a task of its own, every request handed to one handler.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use http::{Request, Response};
use http_body_util::combinators::BoxBody;
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use rustls::ServerConfig;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// The body of the farm's responses.
pub(crate) type Body = BoxBody<Bytes, io::Error>;

/// TLS set-up of a target.
#[derive(Debug, Clone)]
pub enum Tls {
    Plain,
    Https(Arc<ServerConfig>),
}

/// The address a request's connection came from, in the request's extensions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Peer(pub(crate) SocketAddr);

/// Accepts connections for ever and serves every request with `handler` (its connection's
/// [`Peer`] in the request's extensions). A handler that returns an error closes its connection
/// without an answer.
pub(crate) async fn accept_loop<H, F, E>(listener: TcpListener, tls: Tls, handler: H)
where
    H: Fn(Request<Incoming>) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Result<Response<Body>, E>> + Send + 'static,
    E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
{
    let acceptor = match &tls {
        Tls::Https(config) => Some(TlsAcceptor::from(Arc::clone(config))),
        Tls::Plain => None,
    };
    loop {
        let Ok((stream, peer)) = listener.accept().await else { continue };
        let _ = stream.set_nodelay(true);
        let handler = handler.clone();
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            let service = service_fn(move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(Peer(peer));
                handler(request)
            });
            let builder = auto::Builder::new(TokioExecutor::new());
            match acceptor {
                Some(acceptor) => {
                    if let Ok(tls) = acceptor.accept(stream).await {
                        let _ = builder.serve_connection(TokioIo::new(tls), service).await;
                    }
                }
                None => {
                    let _ = builder.serve_connection(TokioIo::new(stream), service).await;
                }
            }
        });
    }
}

/// Never fails: the handlers of targets that always answer.
pub(crate) type Answered = Result<Response<Body>, Infallible>;
