//! `SmtpReceiver`: a small SMTP server (RFC 5321: EHLO, STARTTLS, AUTH PLAIN/LOGIN, MAIL,
//! RCPT, DATA, RSET, NOOP, QUIT) that keeps every message it accepts for the test to read.
//! Plain, STARTTLS or implicit TLS with the farm's CA; replies to `DATA` can be scripted
//! (`451` transient, `550` permanent), and credentials can be required.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use rustls::ServerConfig;
use time::OffsetDateTime;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

/// How a client's connection is secured.
#[derive(Debug, Clone)]
pub enum SmtpSecurity {
    /// Plain text; no STARTTLS offered.
    Plain,
    /// Plain text first; STARTTLS offered and honoured.
    StartTls(Arc<ServerConfig>),
    /// TLS from the first byte (port 465 style).
    ImplicitTls(Arc<ServerConfig>),
}

/// One message as the server accepted it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMail {
    /// The envelope sender (`MAIL FROM`), without the angle brackets.
    pub mail_from: String,
    /// The envelope recipients (`RCPT TO`), without the angle brackets.
    pub rcpt_to: Vec<String>,
    /// The message: header section, empty line, body (CRLF line ends, dot-stuffing undone).
    pub data: String,
    /// Whether the message came over TLS (STARTTLS or implicit).
    pub over_tls: bool,
    /// The user name the client authenticated as, if it did.
    pub auth_user: Option<String>,
    pub received_at: OffsetDateTime,
}

impl ReceivedMail {
    /// The value of the first header `name` (any case), continuation lines unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or_default();
        let mut found: Option<String> = None;
        for line in head.split("\r\n") {
            if line.starts_with([' ', '\t']) {
                if let Some(value) = found.as_mut() {
                    value.push(' ');
                    value.push_str(line.trim());
                }
                continue;
            }
            if found.is_some() {
                break;
            }
            if let Some((field, value)) = line.split_once(':')
                && field.trim().eq_ignore_ascii_case(name)
            {
                found = Some(value.trim().to_owned());
            }
        }
        found
    }
}

#[derive(Debug, Default)]
struct State {
    mails: Mutex<Vec<ReceivedMail>>,
    /// Replies to the end of the next messages' `DATA`, in order; then `250`.
    data_replies: Mutex<VecDeque<(u16, String)>>,
    credentials: Mutex<Option<(String, String)>>,
}

/// An SMTP server on 127.0.0.1 and a free port. Stops on drop.
#[derive(Debug)]
pub struct SmtpReceiver {
    address: SocketAddr,
    state: Arc<State>,
    task: JoinHandle<()>,
}

impl SmtpReceiver {
    pub async fn start(security: SmtpSecurity) -> Self {
        let listener =
            TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("bind: {e}"));
        let address = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
        let state = Arc::new(State::default());
        let served = Arc::clone(&state);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, security.clone(), Arc::clone(&served)));
            }
        });
        Self { address, state, task }
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// The next messages' `DATA` get these replies (e.g. `(451, "try later")`), in order.
    pub fn reply_next(&self, replies: impl IntoIterator<Item = (u16, &'static str)>) {
        lock(&self.state.data_replies)
            .extend(replies.into_iter().map(|(code, text)| (code, text.to_owned())));
    }

    /// From now on only a client that authenticates with these credentials may send (others
    /// get `530`; wrong credentials `535`).
    pub fn require_auth(&self, user: &str, password: &str) {
        *lock(&self.state.credentials) = Some((user.to_owned(), password.to_owned()));
    }

    /// Messages accepted so far, in order.
    pub fn mails(&self) -> Vec<ReceivedMail> {
        lock(&self.state.mails).clone()
    }

    /// Waits until at least `count` messages arrived and returns them; panics after `within`.
    pub async fn wait_for(&self, count: usize, within: Duration) -> Vec<ReceivedMail> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let mails = self.mails();
            if mails.len() >= count {
                return mails;
            }
            if tokio::time::Instant::now() >= deadline {
                panic!("got {} of {count} mails within {within:?}", mails.len());
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

impl Drop for SmtpReceiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// One client's session state.
#[derive(Debug, Default)]
struct Session {
    over_tls: bool,
    auth_user: Option<String>,
    mail_from: Option<String>,
    rcpt_to: Vec<String>,
}

async fn serve(stream: TcpStream, security: SmtpSecurity, state: Arc<State>) {
    let _ = stream.set_nodelay(true);
    let mut session = Session::default();
    let mut stream: Box<dyn Io> = match &security {
        SmtpSecurity::ImplicitTls(config) => {
            match TlsAcceptor::from(Arc::clone(config)).accept(stream).await {
                Ok(tls) => {
                    session.over_tls = true;
                    Box::new(tls)
                }
                Err(_) => return,
            }
        }
        _ => Box::new(stream),
    };
    if stream.write_all(b"220 farm.test ESMTP lookout target farm\r\n").await.is_err() {
        return;
    }
    loop {
        match converse(stream, &mut session, &security, &state).await {
            Next::Close => return,
            Next::StartTls(plain) => {
                let SmtpSecurity::StartTls(config) = &security else { return };
                match TlsAcceptor::from(Arc::clone(config)).accept(plain).await {
                    Ok(tls) => {
                        // RFC 3207: the client starts over with EHLO.
                        session = Session { over_tls: true, ..Session::default() };
                        stream = Box::new(tls);
                    }
                    Err(_) => return,
                }
            }
        }
    }
}

enum Next {
    Close,
    /// The client asked for STARTTLS: here is the plain stream to upgrade.
    StartTls(Box<dyn Io>),
}

/// Reads commands until the client quits or asks for STARTTLS.
async fn converse(
    stream: Box<dyn Io>,
    session: &mut Session,
    security: &SmtpSecurity,
    state: &State,
) -> Next {
    let mut stream = BufReader::new(stream);
    loop {
        let Some(line) = read_line(&mut stream).await else { return Next::Close };
        let upper = line.to_ascii_uppercase();
        let reply: String = if upper.starts_with("EHLO") {
            let mut lines = vec!["250-farm.test", "250-8BITMIME", "250-SMTPUTF8"];
            if matches!(security, SmtpSecurity::StartTls(_)) && !session.over_tls {
                lines.push("250-STARTTLS");
            }
            lines.push("250-AUTH PLAIN LOGIN");
            lines.push("250 SIZE 10485760");
            lines.join("\r\n")
        } else if upper.starts_with("HELO") {
            "250 farm.test".into()
        } else if upper == "STARTTLS" {
            if !matches!(security, SmtpSecurity::StartTls(_)) || session.over_tls {
                "502 STARTTLS not offered".into()
            } else {
                if write(&mut stream, "220 ready to start TLS").await.is_err() {
                    return Next::Close;
                }
                return Next::StartTls(stream.into_inner());
            }
        } else if upper.starts_with("AUTH ") {
            match authenticate(&mut stream, &line, state).await {
                Some(Ok(user)) => {
                    session.auth_user = Some(user);
                    "235 2.7.0 authenticated".into()
                }
                Some(Err(())) => "535 5.7.8 authentication credentials invalid".into(),
                None => return Next::Close,
            }
        } else if upper.starts_with("MAIL FROM:") {
            if lock(&state.credentials).is_some() && session.auth_user.is_none() {
                "530 5.7.0 authentication required".into()
            } else {
                session.mail_from = Some(address(&line["MAIL FROM:".len()..]));
                session.rcpt_to.clear();
                "250 2.1.0 ok".into()
            }
        } else if upper.starts_with("RCPT TO:") {
            if session.mail_from.is_none() {
                "503 5.5.1 MAIL first".into()
            } else {
                session.rcpt_to.push(address(&line["RCPT TO:".len()..]));
                "250 2.1.5 ok".into()
            }
        } else if upper == "DATA" {
            if session.rcpt_to.is_empty() {
                "503 5.5.1 RCPT first".into()
            } else {
                if write(&mut stream, "354 end data with <CR><LF>.<CR><LF>").await.is_err() {
                    return Next::Close;
                }
                let Some(data) = read_data(&mut stream).await else { return Next::Close };
                let reply = lock(&state.data_replies).pop_front();
                let mail_from = session.mail_from.take().unwrap_or_default();
                let rcpt_to = std::mem::take(&mut session.rcpt_to);
                match reply {
                    Some((code, text)) => format!("{code} {text}"),
                    None => {
                        lock(&state.mails).push(ReceivedMail {
                            mail_from,
                            rcpt_to,
                            data,
                            over_tls: session.over_tls,
                            auth_user: session.auth_user.clone(),
                            received_at: OffsetDateTime::now_utc(),
                        });
                        "250 2.0.0 queued".into()
                    }
                }
            }
        } else if upper == "RSET" {
            session.mail_from = None;
            session.rcpt_to.clear();
            "250 2.0.0 ok".into()
        } else if upper == "NOOP" {
            "250 2.0.0 ok".into()
        } else if upper == "QUIT" {
            let _ = write(&mut stream, "221 2.0.0 bye").await;
            return Next::Close;
        } else {
            "502 5.5.2 command not recognised".into()
        };
        if write(&mut stream, &reply).await.is_err() {
            return Next::Close;
        }
    }
}

/// `AUTH PLAIN [initial]` or `AUTH LOGIN`: `Some(Ok(user))` when the credentials are right (or
/// none are required), `Some(Err(()))` when wrong, `None` when the client went away.
async fn authenticate(
    stream: &mut BufReader<Box<dyn Io>>,
    line: &str,
    state: &State,
) -> Option<Result<String, ()>> {
    let mut words = line.split_whitespace().skip(1);
    let mechanism = words.next().unwrap_or_default().to_ascii_uppercase();
    let initial = words.next().map(str::to_owned);
    let (user, password) = match mechanism.as_str() {
        "PLAIN" => {
            let encoded = match initial {
                Some(encoded) => encoded,
                None => {
                    write(stream, "334 ").await.ok()?;
                    read_line(stream).await?
                }
            };
            let decoded = decode(&encoded).unwrap_or_default();
            let mut fields = decoded.split('\0').skip(1);
            (
                fields.next().unwrap_or_default().to_owned(),
                fields.next().unwrap_or_default().to_owned(),
            )
        }
        "LOGIN" => {
            write(stream, "334 VXNlcm5hbWU6").await.ok()?;
            let user = decode(&read_line(stream).await?).unwrap_or_default();
            write(stream, "334 UGFzc3dvcmQ6").await.ok()?;
            let password = decode(&read_line(stream).await?).unwrap_or_default();
            (user, password)
        }
        _ => return Some(Err(())),
    };
    let accepted = match &*lock(&state.credentials) {
        Some((want_user, want_password)) => *want_user == user && *want_password == password,
        None => true,
    };
    Some(if accepted { Ok(user) } else { Err(()) })
}

fn decode(encoded: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    String::from_utf8(bytes).ok()
}

/// The address inside `<...>` of a `MAIL FROM:` or `RCPT TO:` argument.
fn address(argument: &str) -> String {
    let argument = argument.trim();
    match (argument.find('<'), argument.find('>')) {
        (Some(open), Some(close)) if open < close => argument[open + 1..close].to_owned(),
        _ => argument.split_whitespace().next().unwrap_or_default().to_owned(),
    }
}

async fn read_line(stream: &mut BufReader<Box<dyn Io>>) -> Option<String> {
    let mut line = Vec::new();
    match stream.read_until(b'\n', &mut line).await {
        Ok(0) | Err(_) => None,
        Ok(_) => {
            let text = String::from_utf8_lossy(&line);
            Some(text.trim_end_matches(['\r', '\n']).to_owned())
        }
    }
}

/// The message after `DATA`, up to the line holding a single dot.
async fn read_data(stream: &mut BufReader<Box<dyn Io>>) -> Option<String> {
    let mut data = String::new();
    loop {
        let line = read_line(stream).await?;
        if line == "." {
            return Some(data);
        }
        let line = line.strip_prefix('.').unwrap_or(&line);
        data.push_str(line);
        data.push_str("\r\n");
    }
}

async fn write(stream: &mut BufReader<Box<dyn Io>>, reply: &str) -> std::io::Result<()> {
    let stream = stream.get_mut();
    stream.write_all(reply.as_bytes()).await?;
    stream.write_all(b"\r\n").await?;
    stream.flush().await
}
