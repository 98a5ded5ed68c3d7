//! Webhook channels: the event JSON (version 1) POSTed with `Idempotency-Key` and, with a
//! secret, `X-Lookout-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
//! Several events go out as one `group` body listing each event as sent.

use hmac::{Hmac, KeyInit, Mac};
use lookout_domain::alerting::{AlertEvent, Header, Secret, SentEvent};
use reqwest::Method;
use reqwest::header::HeaderValue;
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::http_send::{self, Outgoing};

/// The body of a grouped message.
#[derive(Debug, Serialize)]
struct GroupBody<'a> {
    version: u8,
    event: &'static str,
    dedup_key: String,
    #[serde(with = "time::serde::rfc3339")]
    sent_at: OffsetDateTime,
    events: Vec<SentEvent<'a>>,
}

/// The body and its dedup key: the event as sent, or a group of them.
pub(crate) fn body(
    events: &[AlertEvent],
    now: OffsetDateTime,
) -> Result<(String, Vec<u8>), String> {
    let json = match events {
        [event] => {
            serde_json::to_vec(&event.sent_at(now)).map(|body| (event.dedup_key.clone(), body))
        }
        _ => {
            let dedup_key = group_key(events);
            let body = GroupBody {
                version: AlertEvent::VERSION,
                event: "group",
                dedup_key: dedup_key.clone(),
                sent_at: now,
                events: events.iter().map(|event| event.sent_at(now)).collect(),
            };
            serde_json::to_vec(&body).map(|body| (dedup_key, body))
        }
    };
    json.map_err(|e| format!("the event cannot be written as JSON: {e}"))
}

/// `group-<16 hex digits>`: a hash of the events' dedup keys, the same for the same events in
/// any order (so a retried group keeps its key).
pub(crate) fn group_key(events: &[AlertEvent]) -> String {
    let mut keys: Vec<&str> = events.iter().map(|event| event.dedup_key.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    let mut hash = Sha256::new();
    for key in keys {
        hash.update(key.as_bytes());
        hash.update(b"\n");
    }
    format!("group-{}", hex(&hash.finalize()[..8]))
}

/// `t=<timestamp>,v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`.
pub(crate) fn signature(secret: &Secret, timestamp: i64, body: &[u8]) -> String {
    let prefix = format!("{timestamp}.");
    let mac = hmac_hex(secret.expose().as_bytes(), &[prefix.as_bytes(), body]);
    format!("t={timestamp},v1={mac}")
}

/// Lower-case hex of HMAC-SHA256(`key`, the concatenated `parts`).
fn hmac_hex(key: &[u8], parts: &[&[u8]]) -> String {
    // HMAC takes a key of any length: this cannot fail.
    <Hmac<Sha256> as KeyInit>::new_from_slice(key)
        .map(|mut mac| {
            for part in parts {
                mac.update(part);
            }
            hex(&mac.finalize().into_bytes())
        })
        .unwrap_or_default()
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut out, byte| {
        let _ = write!(out, "{byte:02x}");
        out
    })
}

/// The request of a webhook channel.
pub(crate) fn request<'a>(
    url: &'a str,
    secret: Option<&'a Secret>,
    extra: &'a [Header],
    events: &[AlertEvent],
    now: OffsetDateTime,
) -> Result<Outgoing<'a>, String> {
    let (dedup_key, body) = body(events, now)?;
    let mut headers = http_send::headers("application/json", Some(&dedup_key), extra)?;
    if let Some(secret) = secret {
        let signature = signature(secret, now.unix_timestamp(), &body);
        let value = HeaderValue::from_str(&signature).map_err(|_| "invalid signature header")?;
        headers.insert("x-lookout-signature", value);
    }
    let mut secrets: Vec<&str> = extra.iter().map(|h| h.value.expose()).collect();
    secrets.extend(secret.map(Secret::expose));
    Ok(Outgoing { method: Method::POST, url, headers, body, secrets })
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const NOW: OffsetDateTime = datetime!(2026-11-30 03:00:00 UTC);

    #[test]
    fn the_signature_is_the_documented_hmac() {
        // The well-known HMAC-SHA256 example value.
        assert_eq!(
            hmac_hex(b"key", &[b"The quick brown fox ", b"jumps over the lazy dog"]),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
        let signed = signature(&Secret::new("key"), 1_700_000_000, b"{}");
        assert_eq!(signed, format!("t=1700000000,v1={}", hmac_hex(b"key", &[b"1700000000.{}"])));
    }

    #[test]
    fn group_keys_do_not_depend_on_order() {
        let a = AlertEvent::sample(NOW);
        let mut b = AlertEvent::sample(NOW);
        b.dedup_key = "incident-2-firing".into();
        let one = group_key(&[a.clone(), b.clone()]);
        assert_eq!(one, group_key(&[b.clone(), a.clone()]));
        assert!(one.starts_with("group-") && one.len() == "group-".len() + 16);
        assert_ne!(one, group_key(&[a]));
    }

    #[test]
    fn one_event_is_sent_as_itself_and_several_as_a_group() {
        let event = AlertEvent::sample(NOW);
        let (key, one) = body(std::slice::from_ref(&event), NOW).unwrap();
        assert_eq!(key, "incident-1-firing");
        let one: serde_json::Value = serde_json::from_slice(&one).unwrap();
        assert_eq!(one["event"], "firing");
        assert_eq!(one["sent_at"], "2026-11-30T03:00:00Z");
        let (key, group) = body(&[event.clone(), event], NOW).unwrap();
        let group: serde_json::Value = serde_json::from_slice(&group).unwrap();
        assert_eq!(group["event"], "group");
        assert_eq!(group["dedup_key"], key);
        assert_eq!(group["events"].as_array().unwrap().len(), 2);
    }
}
