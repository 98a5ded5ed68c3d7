//! Sessions: a signed cookie (`lookout_session`, HttpOnly, SameSite=Strict, Secure over HTTPS)
//! holding a random id, what its holder may do and when it ends; the form token (CSRF) derived
//! from the id. Every page is wrapped in [`attach`], which reads the cookie (or starts a visitor
//! session), works out the [`Viewer`] and hands it to the page.
//!
//! A session's scope is fixed when its holder signs in with a token and lasts
//! [`SESSION_HOURS`]; signing out ends it.

use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};
use hmac::{Hmac, KeyInit, Mac};
use lookout_domain::auth::{Access, Scope};
use sha2::Sha256;
use time::OffsetDateTime;

use crate::state::WebState;

pub(crate) const COOKIE: &str = "lookout_session";
/// How long a sign-in lasts.
pub(crate) const SESSION_HOURS: i64 = 12;

/// The key that signs session cookies and form tokens (HMAC-SHA256).
#[derive(Clone)]
pub struct SessionKey(Arc<[u8]>);

impl std::fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionKey(***)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a session key must be at least 32 bytes, got {0}")]
pub struct SessionKeyError(pub usize);

impl SessionKey {
    pub fn new(bytes: &[u8]) -> Result<Self, SessionKeyError> {
        if bytes.len() < 32 {
            return Err(SessionKeyError(bytes.len()));
        }
        Ok(Self(bytes.into()))
    }

    /// Lower-case hex of HMAC-SHA256 over `text`.
    fn sign(&self, text: &str) -> String {
        <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0)
            .map(|mut mac| {
                mac.update(text.as_bytes());
                hex(&mac.finalize().into_bytes())
            })
            .unwrap_or_default()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What a session's holder signed in for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Grant {
    /// Not signed in.
    Visitor,
    Read,
    Write,
}

impl Grant {
    fn as_str(self) -> &'static str {
        match self {
            Self::Visitor => "visitor",
            Self::Read => "read",
            Self::Write => "write",
        }
    }

    fn parse(raw: &str) -> Option<Self> {
        [Self::Visitor, Self::Read, Self::Write].into_iter().find(|g| g.as_str() == raw)
    }

    pub(crate) fn of(scope: Scope) -> Self {
        match scope {
            Scope::Read => Self::Read,
            Scope::Write => Self::Write,
        }
    }
}

/// One session, as its cookie carries it: `v1.<id>.<grant>.<expires>.<mac>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Session {
    id: String,
    grant: Grant,
    /// Unix seconds.
    expires: i64,
}

impl Session {
    fn new(grant: Grant, now: OffsetDateTime) -> Self {
        let mut id = [0u8; 16];
        // Without randomness the id is still unique to this process; its secrecy does not
        // matter (the MAC is what cannot be forged).
        if getrandom::fill(&mut id).is_err() {
            id[..8].copy_from_slice(&now.unix_timestamp_nanos().to_le_bytes()[..8]);
        }
        let expires = (now + time::Duration::hours(SESSION_HOURS)).unix_timestamp();
        Self { id: hex(&id), grant, expires }
    }

    fn cookie_value(&self, key: &SessionKey) -> String {
        let body = format!("v1.{}.{}.{}", self.id, self.grant.as_str(), self.expires);
        let mac = key.sign(&body);
        format!("{body}.{mac}")
    }

    fn parse(raw: &str, key: &SessionKey, now: OffsetDateTime) -> Option<Self> {
        let (body, mac) = raw.rsplit_once('.')?;
        if !constant_time_eq(key.sign(body).as_bytes(), mac.as_bytes()) {
            return None;
        }
        let mut parts = body.split('.');
        let (Some("v1"), Some(id), Some(grant), Some(expires), None) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let expires: i64 = expires.parse().ok()?;
        if expires <= now.unix_timestamp() {
            return None;
        }
        Some(Self { id: id.to_owned(), grant: Grant::parse(grant)?, expires })
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Who is looking at a page, and what they may do.
#[derive(Debug, Clone)]
pub(crate) struct Viewer {
    /// No token exists: the pages are open to everyone on this (loopback) address.
    pub(crate) open: bool,
    pub(crate) grant: Grant,
    /// The token every form carries.
    pub(crate) csrf: String,
}

impl Viewer {
    pub(crate) fn can_read(&self) -> bool {
        self.open || self.grant != Grant::Visitor
    }

    pub(crate) fn can_write(&self) -> bool {
        self.open || self.grant == Grant::Write
    }

    pub(crate) fn signed_in(&self) -> bool {
        self.grant != Grant::Visitor
    }

    /// Whether `presented` is this session's form token.
    pub(crate) fn csrf_matches(&self, presented: &str) -> bool {
        constant_time_eq(self.csrf.as_bytes(), presented.as_bytes())
    }
}

/// A session to set on the way out (sign-in, sign-out, or a first visit).
#[derive(Debug, Clone)]
pub(crate) struct NewSession(pub(crate) Grant);

/// Reads the session cookie (or starts a visitor session), puts the [`Viewer`] in the
/// request's extensions, and sets the cookie on the response when the session is new or a page
/// replaced it ([`NewSession`] in the response's extensions).
pub(crate) async fn attach<W: Send + Sync + 'static>(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let Some(state) = request.app_data::<web::Data<WebState<W>>>().cloned() else {
        return next.call(request).await;
    };
    let now = OffsetDateTime::now_utc();
    let key = &state.session_key;
    let existing =
        request.cookie(COOKIE).and_then(|cookie| Session::parse(cookie.value(), key, now));
    let started = existing.is_none();
    let session = existing.unwrap_or_else(|| Session::new(Grant::Visitor, now));
    let open = matches!(state.access.authorize(None, Scope::Write).await, Ok(Access::Anonymous));
    let viewer =
        Viewer { open, grant: session.grant, csrf: key.sign(&format!("csrf.{}", session.id)) };
    let secure = request.connection_info().scheme() == "https";
    request.extensions_mut().insert(viewer);
    let mut response = next.call(request).await?;
    let replaced = response.response().extensions().get::<NewSession>().cloned();
    let set = match replaced {
        Some(NewSession(grant)) => Some(Session::new(grant, now)),
        None if started => Some(session),
        None => None,
    };
    if let Some(session) = set {
        let cookie = Cookie::build(COOKIE, session.cookie_value(key))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Strict)
            .secure(secure)
            .max_age(CookieDuration::hours(SESSION_HOURS))
            .finish();
        response.response_mut().add_cookie(&cookie)?;
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const NOW: OffsetDateTime = datetime!(2026-12-06 12:00 UTC);

    fn key(byte: u8) -> SessionKey {
        SessionKey::new(&[byte; 32]).unwrap()
    }

    #[test]
    fn a_session_reads_back_only_with_its_key_and_before_it_ends() {
        let session = Session::new(Grant::Read, NOW);
        let value = session.cookie_value(&key(1));
        assert_eq!(Session::parse(&value, &key(1), NOW), Some(session.clone()));
        assert_eq!(Session::parse(&value, &key(2), NOW), None, "another key");
        let later = NOW + time::Duration::hours(SESSION_HOURS);
        assert_eq!(Session::parse(&value, &key(1), later), None, "ended");
        let forged = value.replace(".read.", ".write.");
        assert_eq!(Session::parse(&forged, &key(1), NOW), None, "a changed grant");
        assert_eq!(Session::parse("v1.x.write.99999999999.00", &key(1), NOW), None);
    }

    #[test]
    fn short_keys_are_refused_and_never_printed() {
        assert_eq!(SessionKey::new(&[0; 31]).unwrap_err(), SessionKeyError(31));
        assert_eq!(format!("{:?}", key(7)), "SessionKey(***)");
    }

    #[test]
    fn the_open_ui_lets_everyone_write_and_a_read_session_only_read() {
        let viewer = |open, grant| Viewer { open, grant, csrf: "c".into() };
        assert!(viewer(true, Grant::Visitor).can_write());
        assert!(!viewer(false, Grant::Visitor).can_read());
        let reader = viewer(false, Grant::Read);
        assert!(reader.can_read() && !reader.can_write());
        assert!(viewer(false, Grant::Write).can_write());
        assert!(reader.csrf_matches("c") && !reader.csrf_matches("d"));
    }
}
