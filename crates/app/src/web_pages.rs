//! The web pages' wiring: the session key (configured, or generated once and kept in the
//! database) and the routes mounted beside the API's.

use std::sync::Arc;

use actix_web::web;
use anyhow::Context;
use lookout_domain::IntervalBounds;
use lookout_domain::auth::AccessControl;
use lookout_store::Store;
use lookout_web::{SessionKey, WebState, WebUseCases};

use crate::settings::WebSettings;

/// The name of the generated key in the database.
const KEY_NAME: &str = "web.session_key";

fn hex_bytes(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The key from `web.session_key`, or the one kept in the database (made now if none is).
pub(crate) async fn session_key(
    settings: &WebSettings,
    store: &Store,
) -> anyhow::Result<SessionKey> {
    let text = if settings.session_key.is_empty() {
        let mut fresh = [0u8; 32];
        getrandom::fill(&mut fresh).context("cannot generate a web session key")?;
        store
            .shared_secret(KEY_NAME, &hex(&fresh))
            .await
            .context("cannot read the web session key")?
    } else {
        settings.session_key.clone()
    };
    let bytes = hex_bytes(text.trim()).context("web.session_key must be hex digits")?;
    SessionKey::new(&bytes).context("web.session_key")
}

/// The routes to mount: the pages when `web.enabled`, nothing otherwise.
pub(crate) fn routes<W: WebUseCases>(
    enabled: bool,
    websites: W,
    access: Arc<dyn AccessControl>,
    session_key: SessionKey,
    interval_bounds: IntervalBounds,
) -> impl Fn(&mut web::ServiceConfig) + Clone + Send + 'static {
    let pages = enabled.then(|| {
        let api_document = lookout_http::openapi_document(interval_bounds).into();
        let state = WebState { websites, access, session_key, interval_bounds, api_document };
        lookout_web::configure(web::Data::new(state))
    });
    move |cfg: &mut web::ServiceConfig| {
        if let Some(pages) = &pages {
            pages(cfg);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_keys_read_back() {
        assert_eq!(hex_bytes(&hex(&[0, 15, 255])), Some(vec![0, 15, 255]));
        assert_eq!(hex_bytes("abc"), None);
        assert_eq!(hex_bytes("zz"), None);
    }
}
