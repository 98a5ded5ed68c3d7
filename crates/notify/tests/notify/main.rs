//! lookout-notify against real local parts: the target farm's webhook receiver (plain and
//! HTTPS with the farm's CA) and its SMTP server (plain, STARTTLS, implicit TLS).

#![expect(clippy::unwrap_used, reason = "test helpers fail the test loudly")]

mod email;
mod guard;
mod helpers;
mod outcomes;
mod slack;
mod template;
mod webhook;
