//! Servers that misbehave below HTTP.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// How a [`RawTarget`] treats each connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawBehaviour {
    /// Accepts and never answers.
    Silent,
    /// Answers with bytes that are not HTTP, then closes.
    Garbage,
    /// Closes the connection as soon as the request arrives.
    Close,
    /// Sends a status line and a 100 KB header.
    HugeHeader,
    /// Sends the head of a response with a long body, part of it, then resets the connection.
    ResetMidBody,
    /// Sends the status line one byte per second.
    Slowloris,
}

/// A TCP server with one [`RawBehaviour`]. Stops on drop.
#[derive(Debug)]
pub struct RawTarget {
    address: SocketAddr,
    task: JoinHandle<()>,
}

impl RawTarget {
    pub async fn start(behaviour: RawBehaviour) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("{e}"));
        let address = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, behaviour));
            }
        });
        Self { address, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.address)
    }
}

impl Drop for RawTarget {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(mut stream: TcpStream, behaviour: RawBehaviour) {
    let mut request = [0u8; 4096];
    let _ = stream.read(&mut request).await;
    match behaviour {
        RawBehaviour::Silent => tokio::time::sleep(Duration::from_secs(3600)).await,
        RawBehaviour::Garbage => {
            let _ = stream.write_all(b"SSH-2.0-OpenSSH_9.6 definitely not http\r\n\r\n").await;
        }
        RawBehaviour::Close => {}
        RawBehaviour::HugeHeader => {
            let mut head = b"HTTP/1.1 200 OK\r\nX-Huge: ".to_vec();
            head.extend(std::iter::repeat_n(b'a', 100 * 1024));
            head.extend_from_slice(b"\r\nContent-Length: 0\r\n\r\n");
            let _ = stream.write_all(&head).await;
        }
        RawBehaviour::ResetMidBody => {
            let head = b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n";
            let _ = stream.write_all(head).await;
            let _ = stream.write_all(&[b'x'; 1000]).await;
            let _ = stream.flush().await;
            tokio::time::sleep(Duration::from_millis(20)).await;
            // Linger 0: closing sends RST instead of FIN.
            let _ = stream.set_zero_linger();
        }
        RawBehaviour::Slowloris => {
            for byte in b"HTTP/1.1 200 OK\r\n".iter() {
                if stream.write_all(&[*byte]).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}
