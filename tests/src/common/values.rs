//! Reading the values tests compare out of JSON, and writing the ones they send.

use chrono::{DateTime, SecondsFormat, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::Value;

/// The `id` of a created resource.
pub fn id_of(resource: &Value) -> String {
    text(resource, "id")
}

/// The `slug` of an article or term.
pub fn slug_of(resource: &Value) -> String {
    text(resource, "slug")
}

/// A string field of `body`; fails the test, showing the body, when it is not one.
pub fn text(body: &Value, key: &str) -> String {
    body[key].as_str().unwrap_or_else(|| panic!("`{key}` is a string in {body}")).to_owned()
}

/// An RFC 3339 time in a JSON value.
pub fn time(value: &Value) -> DateTime<Utc> {
    value
        .as_str()
        .and_then(|text| DateTime::parse_from_rfc3339(text).ok())
        .map(|at| at.with_timezone(&Utc))
        .unwrap_or_else(|| panic!("{value} is an RFC 3339 time"))
}

/// `at` as RFC 3339 with milliseconds, the way a client sends it.
pub fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Signs claims as HS256 with `secret`, the way the server signs its tokens.
pub fn sign(claims: &Value, secret: &str) -> String {
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &EncodingKey::from_secret(secret.as_bytes()))
        .expect("claims sign")
}
