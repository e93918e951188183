//! Opaque, signed cursors for keyset pagination.
//!
//! A cursor names a position in one particular list (its filters and order), signed with
//! HMAC-SHA256 so a client cannot forge one, nor reuse one from another list: either gets 400.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use newsdesk_persistence::articles::{Keyset, SortKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// Where the next page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    Keyset(Keyset),
    /// Relevance order has no stable key, so its cursors carry an offset.
    Offset(i64),
}

#[derive(Serialize, Deserialize)]
struct Payload {
    /// A fingerprint of the list: which endpoint, filters and order.
    l: String,
    /// Microseconds since the epoch (time keys) or text (title keys).
    t: Option<i64>,
    x: Option<String>,
    i: Option<String>,
    o: Option<i64>,
    b: bool,
}

pub struct CursorCodec {
    key: Vec<u8>,
}

impl CursorCodec {
    /// Derives the signing key from the server secret, so cursors survive restarts and work
    /// across processes that share the secret.
    pub fn new(secret: &[u8]) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(b"newsdesk cursor key\0");
        hasher.update(secret);
        Self { key: hasher.finalize().to_vec() }
    }

    fn sign(&self, data: &[u8]) -> Vec<u8> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(data);
        mac.finalize().into_bytes()[..16].to_vec()
    }

    pub fn encode(&self, list: &str, position: &Position) -> String {
        let mut payload = Payload { l: list.to_owned(), t: None, x: None, i: None, o: None, b: false };
        match position {
            Position::Offset(offset) => payload.o = Some(*offset),
            Position::Keyset(keyset) => {
                match &keyset.key {
                    SortKey::Time(t) => payload.t = Some(t.and_utc().timestamp_micros()),
                    SortKey::Text(x) => payload.x = Some(x.clone()),
                }
                payload.i = Some(keyset.id.clone());
                payload.b = keyset.backwards;
            }
        }
        let json = serde_json::to_vec(&payload).unwrap_or_default();
        format!("{}.{}", URL_SAFE_NO_PAD.encode(&json), URL_SAFE_NO_PAD.encode(self.sign(&json)))
    }

    /// The position a cursor names, if it is genuine and belongs to `list`.
    pub fn decode(&self, list: &str, cursor: &str) -> Result<Position, ApiError> {
        let invalid =
            || ApiError::BadRequest("the cursor is invalid or belongs to another list; start again without it".into());
        let (data, signature) = cursor.split_once('.').ok_or_else(invalid)?;
        let json = URL_SAFE_NO_PAD.decode(data).map_err(|_| invalid())?;
        let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| invalid())?;
        // verify_truncated_left accepts any prefix length, so insist on the full 16 bytes.
        if signature.len() != 16 {
            return Err(invalid());
        }
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).map_err(|_| invalid())?;
        mac.update(&json);
        mac.verify_truncated_left(&signature).map_err(|_| invalid())?;
        let payload: Payload = serde_json::from_slice(&json).map_err(|_| invalid())?;
        if payload.l != list {
            return Err(invalid());
        }
        if let Some(offset) = payload.o {
            return Ok(Position::Offset(offset.max(0)));
        }
        let key = match (payload.t, payload.x) {
            (Some(t), None) => {
                SortKey::Time(chrono::DateTime::from_timestamp_micros(t).ok_or_else(invalid)?.naive_utc())
            }
            (None, Some(x)) => SortKey::Text(x),
            _ => return Err(invalid()),
        };
        Ok(Position::Keyset(Keyset { key, id: payload.i.ok_or_else(invalid)?, backwards: payload.b }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_tampering_and_other_lists() {
        let codec = CursorCodec::new(b"0123456789abcdef0123456789abcdef");
        let at = chrono::DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap().naive_utc();
        let position = Position::Keyset(Keyset { key: SortKey::Time(at), id: "a1".into(), backwards: false });
        let cursor = codec.encode("articles:x", &position);
        assert_eq!(codec.decode("articles:x", &cursor).unwrap(), position);
        assert!(codec.decode("articles:y", &cursor).is_err());
        let mut tampered = cursor.clone();
        tampered.insert(3, 'A');
        assert!(codec.decode("articles:x", &tampered).is_err());
        let (data, signature) = cursor.split_once('.').unwrap();
        let one_byte = URL_SAFE_NO_PAD.encode(&URL_SAFE_NO_PAD.decode(signature).unwrap()[..1]);
        assert!(codec.decode("articles:x", &format!("{data}.{one_byte}")).is_err(), "a short signature is refused");
        assert!(CursorCodec::new(b"another secret that is long enough!").decode("articles:x", &cursor).is_err());
    }
}
