//! The error responses handlers share, as `utoipa::IntoResponses` sets for `responses(...)`:
//! `responses((status = 200, …), AdminVersionedWrite, JsonInput)`. Every error is a
//! [`Problem`](crate::error::Problem); its `detail` says what exactly went wrong (which
//! resource was missing, which role was refused), so these descriptions stay general. Where
//! one operation says more, its own line after the sets replaces theirs for that status.

use std::collections::BTreeMap;

use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::{Content, Ref, RefOr};
use utoipa::IntoResponses;
use Status::*;

/// One documented status a set can contain.
#[derive(Debug, Clone, Copy)]
enum Status {
    Unchanged,
    Malformed,
    NotLoggedIn,
    Refused,
    Missing,
    Stale,
    TooLarge,
    NotJson,
    InvalidQuery,
    InvalidFields,
    NoIfMatch,
}

impl Status {
    fn documented(self) -> (&'static str, RefOr<Response>) {
        let (code, description) = match self {
            Self::Unchanged => {
                let response = ResponseBuilder::new().description("Unchanged since the given `If-None-Match`");
                return ("304", response.build().into());
            }
            Self::Malformed => ("400", "Malformed JSON, `If-Match` or cursor; `detail` says which"),
            Self::NotLoggedIn => ("401", "Not logged in"),
            Self::Refused => ("403", "Your role may not do this"),
            Self::Missing => ("404", "No such resource (or not yours to see); `detail` names it"),
            Self::Stale => ("412", "Changed since you read it"),
            Self::TooLarge => ("413", "Body too large"),
            Self::NotJson => ("415", "Not JSON"),
            Self::InvalidQuery => ("422", "Invalid parameter"),
            Self::InvalidFields => ("422", "Invalid fields"),
            Self::NoIfMatch => ("428", "No `If-Match` sent (nor a `version`, where the body takes one)"),
        };
        let problem = Content::new(Some(Ref::from_schema_name("Problem")));
        (
            code,
            ResponseBuilder::new().description(description).content("application/problem+json", problem).build().into(),
        )
    }
}

fn set(statuses: &[Status]) -> BTreeMap<String, RefOr<Response>> {
    statuses
        .iter()
        .map(|status| {
            let (code, response) = status.documented();
            (code.to_owned(), response)
        })
        .collect()
}

/// 304: a conditional GET whose `ETag` still matches.
pub struct NotModified;
/// 304, 404: a public resource by slug.
pub struct PublicRead;
/// 404: one resource, by slug, id or token.
pub struct NotFound;
/// 400, 422: a paged, filtered list (its cursor or parameters are wrong).
pub struct Paged;
/// 422: a query parameter is wrong.
pub struct BadQuery;
/// 400, 413, 415, 422: a JSON request body.
pub struct JsonInput;
/// 401: any logged-in caller may.
pub struct LoggedIn;
/// 401, 403: a role may be refused.
pub struct ByRole;
/// 401, 404: one resource any logged-in caller may read.
pub struct AdminRead;
/// 401, 403, 404: one resource a role may be refused.
pub struct AdminWrite;
/// [`AdminWrite`], 400 and 412: a POST action that checks `If-Match` when one is sent.
pub struct AdminCheckedWrite;
/// [`AdminWrite`], 400, 412 and 428: a PATCH or DELETE, which needs `If-Match` (or `version`).
pub struct AdminVersionedWrite;

impl IntoResponses for NotModified {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[Unchanged])
    }
}

impl IntoResponses for PublicRead {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[Unchanged, Missing])
    }
}

impl IntoResponses for NotFound {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[Missing])
    }
}

impl IntoResponses for Paged {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[Malformed, InvalidQuery])
    }
}

impl IntoResponses for BadQuery {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[InvalidQuery])
    }
}

impl IntoResponses for JsonInput {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[Malformed, TooLarge, NotJson, InvalidFields])
    }
}

impl IntoResponses for LoggedIn {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[NotLoggedIn])
    }
}

impl IntoResponses for ByRole {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[NotLoggedIn, Refused])
    }
}

impl IntoResponses for AdminRead {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[NotLoggedIn, Missing])
    }
}

impl IntoResponses for AdminWrite {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[NotLoggedIn, Refused, Missing])
    }
}

impl IntoResponses for AdminCheckedWrite {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[Malformed, NotLoggedIn, Refused, Missing, Stale])
    }
}

impl IntoResponses for AdminVersionedWrite {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[Malformed, NotLoggedIn, Refused, Missing, Stale, NoIfMatch])
    }
}
