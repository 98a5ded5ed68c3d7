//! Local HTTP(S) targets that lookout's tests and benchmark start themselves.
//!
//! [`TargetServer`] answers every path according to its query string
//! (`?status=503&delay_ms=200&body_bytes=10&redirect=3&loop=1&endless=1&trickle=1&reset=1`), or to
//! a status set per path at run time ([`TargetServer::set_status`]), and counts hits per path.
//! [`RawTarget`] misbehaves below HTTP (never answers, sends garbage, huge headers).
//! [`TestCa`] is a private certificate authority for HTTPS targets.

mod ca;
mod raw;
mod server;

pub use ca::TestCa;
pub use raw::{RawBehaviour, RawTarget};
pub use server::{TargetServer, Tls};
