//! Local HTTP(S) targets that lookout's tests and benchmark start themselves.
//!
//! [`TargetServer`] answers every path according to its query string
//! (`?status=503&delay_ms=200&body_bytes=10&body_end=ok&body_delay_ms=300&redirect=3&loop=1&endless=1&trickle=1&reset=1`), or to
//! a status or a delay set per path at run time ([`TargetServer::set_status`],
//! [`TargetServer::set_delay`]), answers a path with the
//! headers and body a test sets ([`TargetServer::set_answer`]), counts hits per path (and per
//! path and peer IP address, [`TargetServer::hits_from`]) and keeps the latest request
//! ([`TargetServer::last_request`]). Its `/by-source` path fails (503 `failing for <peer ip>`)
//! only for the peer addresses a test chooses at run time ([`TargetServer::fail_sources`]), else
//! answers 200 `ok`: a site that is down from one region and up from another.
//! [`RawTarget`] misbehaves below HTTP (never answers, sends garbage, huge headers).
//! [`WebhookReceiver`] records alert deliveries and answers as a test scripts it (204, 500,
//! 429 with `Retry-After`, no answer at all). [`SmtpReceiver`] is a small SMTP server that keeps
//! the mail it accepts (plain, STARTTLS or TLS).
//! [`TestCa`] is a private certificate authority for HTTPS targets.

mod ca;
mod listener;
mod raw;
mod receiver;
mod server;
mod smtp;

pub use ca::TestCa;
pub use listener::Tls;
pub use raw::{RawBehaviour, RawTarget};
pub use receiver::{Answer, ReceivedRequest, WebhookReceiver};
pub use server::{SeenRequest, TargetServer};
pub use smtp::{ReceivedMail, SmtpReceiver, SmtpSecurity};
