//! A TCP stream whose write side is not shut down on its own: every check's connection is closed
//! by dropping it, and `close` sends the FIN that `shutdown(SHUT_WR)` would have sent a moment
//! earlier. hyper shuts its side of a `Connection: close` exchange down once the response is
//! read, and tokio-rustls does so after its `close_notify`; with this wrapper neither costs a
//! system call per check.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// A connection closed when dropped, never half-closed before.
#[derive(Debug)]
pub(crate) struct ClosedByDrop(pub(crate) TcpStream);

impl AsyncRead for ClosedByDrop {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for ClosedByDrop {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    /// Nothing to do: the drop closes the socket.
    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::*;

    #[tokio::test]
    async fn shutdown_leaves_the_socket_open_and_the_drop_closes_it() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let client = tokio::spawn(async move {
            let mut stream = ClosedByDrop(TcpStream::connect(address).await.unwrap());
            stream.write_all(b"ping").await.unwrap();
            stream.shutdown().await.unwrap();
            // Still open for writing after the shutdown.
            stream.write_all(b"pong").await.unwrap();
        });
        let (mut server, _) = listener.accept().await.unwrap();
        client.await.unwrap();
        let mut got = Vec::new();
        server.read_to_end(&mut got).await.unwrap();
        assert_eq!(got, b"pingpong");
    }
}
