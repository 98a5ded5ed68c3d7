//! The client-side ceiling: a bare hyper client with no scheduling and no storage, `n`
//! connections' worth of tasks each looping connect → `GET` with `Connection: close` → read
//! the whole answer → close, on a runtime of its own with as many workers as cores (as
//! lookout's). What lookout reaches against this is lookout's own cost; what this reaches
//! against wrk is the machine's and the stack's (tokio, hyper).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Empty};
use hyper::Request;
use hyper::body::Bytes;
use hyper::header::{CONNECTION, HOST};
use hyper_util::rt::TokioIo;

/// Requests per second the bare client completed against `address` with `connections`
/// concurrent requests over `seconds`, or the error that stopped it (a failed request).
pub(crate) fn new_connection_rate(
    address: SocketAddr,
    connections: u32,
    seconds: u64,
) -> anyhow::Result<f64> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let done = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let started = Instant::now();
        let workers: Vec<_> = (0..connections)
            .map(|_| tokio::spawn(keep_requesting(address, Arc::clone(&done), Arc::clone(&stop))))
            .collect();
        tokio::time::sleep(Duration::from_secs(seconds)).await;
        stop.store(true, Ordering::Relaxed);
        for worker in workers {
            worker.await??;
        }
        Ok(done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64())
    })
}

/// One connection's loop: a new connection per request until `stop`.
async fn keep_requesting(
    address: SocketAddr,
    done: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
) -> anyhow::Result<()> {
    let host = address.to_string();
    while !stop.load(Ordering::Relaxed) {
        let stream = tokio::net::TcpStream::connect(address).await?;
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        let request = Request::get("/bare")
            .header(HOST, host.as_str())
            .header(CONNECTION, "close")
            .body(Empty::<Bytes>::new())?;
        // The connection is driven in this task beside the request, as lookout's probe does.
        let exchange = async {
            let response = sender.send_request(request).await?;
            response.into_body().collect().await?;
            anyhow::Ok(())
        };
        let (driven, exchanged) = tokio::join!(connection, exchange);
        driven?;
        exchanged?;
        done.fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}
