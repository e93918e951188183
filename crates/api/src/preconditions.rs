//! `If-Match` as RFC 9110 §13.1.1 defines it: `*`, or a comma-separated list of entity tags
//! compared strongly with the resource's `ETag` (`"<version>"`), so a weak `W/"3"` never
//! matches. Anything else is a 400 that names the header.

use actix_web::http::header;
use actix_web::HttpRequest;
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::openapi::Required;
use utoipa::IntoParams;

use crate::error::ApiError;
pub use newsdesk_newsroom::Precondition;

/// What a write's `If-Match` says: nothing, `*`, or the versions its strong tags name. Read it
/// first (a malformed header is a 400), and require it only once the resource is known to exist
/// and be the caller's to change, so a missing resource answers 404 rather than 428.
pub fn if_match(req: &HttpRequest) -> Result<Precondition, ApiError> {
    let mut lines = req.headers().get_all(header::IF_MATCH).peekable();
    if lines.peek().is_none() {
        return Ok(Precondition::Missing);
    }
    // Several header lines are one list (RFC 9110 §5.3).
    let joined: Vec<u8> = lines.map(|v| v.as_bytes()).collect::<Vec<_>>().join(&b","[..]);
    parse(&joined).ok_or_else(|| {
        ApiError::BadRequest(
            "`If-Match` must be `*` or a comma-separated list of entity tags such as `\"3\"` (RFC 9110)".into(),
        )
    })
}

/// Parses a field value; `None` when it is neither `*` nor a list of entity tags. Empty list
/// elements are allowed, as RFC 9110 §5.6.1.2 asks of a recipient.
fn parse(value: &[u8]) -> Option<Precondition> {
    let value = value.trim_ascii();
    if value == b"*" {
        return Some(Precondition::Any);
    }
    let mut versions = Vec::new();
    let mut rest = value;
    loop {
        rest = trim_ows(rest);
        match rest.first() {
            None => break,
            Some(b',') => {
                rest = &rest[1..];
                continue;
            }
            Some(_) => {}
        }
        let (weak, tagged) = match rest.strip_prefix(b"W/") {
            Some(after) => (true, after),
            None => (false, rest),
        };
        let opaque = tagged.strip_prefix(b"\"")?;
        let end = opaque.iter().position(|&b| b == b'"')?;
        let tag = &opaque[..end];
        if !tag.iter().all(|&b| is_etagc(b)) {
            return None;
        }
        // Strong comparison: a weak tag, or one that is not a version of ours, matches nothing.
        if let (false, Some(version)) = (weak, version_of(tag)) {
            versions.push(version);
        }
        rest = trim_ows(&opaque[end + 1..]);
        if !rest.is_empty() && rest[0] != b',' {
            return None;
        }
    }
    Some(Precondition::OneOf(versions))
}

fn trim_ows(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != b' ' && b != b'\t').unwrap_or(bytes.len());
    &bytes[start..]
}

/// `etagc = %x21 / %x23-7E / obs-text`: a visible character other than `"`, or any byte from 0x80.
fn is_etagc(b: u8) -> bool {
    b == 0x21 || (0x23..=0x7e).contains(&b) || b >= 0x80
}

/// The version an opaque tag names, when it is exactly how we write one: decimal digits with no
/// leading zero (strong comparison is octet by octet, so `"03"` is not `"3"`).
fn version_of(tag: &[u8]) -> Option<i64> {
    let canonical = match tag {
        [b'0'] => true,
        [first, rest @ ..] => (b'1'..=b'9').contains(first) && rest.iter().all(u8::is_ascii_digit),
        [] => false,
    };
    canonical.then(|| std::str::from_utf8(tag).ok()?.parse().ok()).flatten()
}

/// The `If-Match` header a write may carry, documented once for every write. The pattern is the
/// grammar [`parse`] accepts: `*`, or entity tags (optionally weak) separated by commas, with
/// optional spaces and empty elements.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IfMatch {
    /// The `ETag` you read (e.g. `"3"`), a comma-separated list of them, or `*` (RFC 9110).
    /// Compared strongly, so a weak `W/"3"` never matches: 412 when no listed tag is the
    /// current `ETag`, 400 when the value is not `*` or a list of entity tags.
    #[param(
        rename = "If-Match",
        value_type = String,
        required = false,
        pattern = r#"^[ \t]*(\*|((W/)?"[!#-~\u0080-\u00ff]*")?([ \t]*,[ \t]*((W/)?"[!#-~\u0080-\u00ff]*")?)*)[ \t]*$"#,
        example = "\"1\""
    )]
    pub if_match: Option<String>,
}

/// [`IfMatch`] on a write that answers 428 without it.
pub struct IfMatchRequired;

impl IntoParams for IfMatchRequired {
    fn into_params(parameter_in_provider: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let mut params = IfMatch::into_params(parameter_in_provider);
        for param in &mut params {
            param.required = Required::True;
        }
        params
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn versions(value: &str) -> Option<Vec<i64>> {
        match parse(value.as_bytes())? {
            Precondition::OneOf(v) => Some(v),
            other => panic!("{value}: {other:?}"),
        }
    }

    #[test]
    fn lists_of_strong_tags_name_versions() {
        assert_eq!(versions("\"3\""), Some(vec![3]));
        assert_eq!(versions(" \"3\" , \"7\"\t"), Some(vec![3, 7]));
        assert_eq!(versions("\"3\",,\"4\","), Some(vec![3, 4]), "empty elements are ignored");
        assert_eq!(parse(b"*"), Some(Precondition::Any));
    }

    #[test]
    fn weak_and_foreign_tags_are_valid_but_match_nothing() {
        for value in ["W/\"3\"", "\"03\"", "\"abc\"", "\"\"", "\"99999999999999999999\"", "\"a,b\"", ""] {
            assert_eq!(versions(value), Some(vec![]), "{value}");
        }
        assert_eq!(versions("W/\"3\", \"4\""), Some(vec![4]));
        assert_eq!(versions("\"\u{e9}\"").map(|v| v.len()), Some(0), "obs-text is allowed");
    }

    #[test]
    fn anything_else_is_malformed() {
        for value in ["3", "0", "null", "\"3", "3\"", "w/\"3\"", "\"3\" \"4\"", "*, \"3\"", "\"a\"b\"", "\"\u{1}\""] {
            assert_eq!(parse(value.as_bytes()), None, "{value}");
        }
    }
}
