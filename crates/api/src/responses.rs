//! The error responses handlers share, as `utoipa::IntoResponses` sets for `responses(...)`:
//! `responses((status = 200, …), JsonInput, AdminVersionedWrite)`. Every error is a
//! [`Problem`](crate::error::Problem); its `detail` says what exactly went wrong (which
//! resource was missing, which role was refused), so these descriptions stay general. Where
//! one operation says more, its own line after the sets replaces theirs for that status.

use std::collections::BTreeMap;

use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::{Content, Ref, RefOr};
use utoipa::IntoResponses;

/// 304: a conditional GET whose `ETag` still matches.
pub type NotModified = Errors<UNCHANGED>;
/// 304, 404: a public resource by slug.
pub type PublicRead = Errors<{ UNCHANGED | MISSING }>;
/// 404: one resource, by slug, id or token.
pub type NotFound = Errors<MISSING>;
/// 400, 422: a paged, filtered list (its cursor or parameters are wrong).
pub type Paged = Errors<{ MALFORMED | INVALID_QUERY }>;
/// 422: a query parameter is wrong.
pub type BadQuery = Errors<INVALID_QUERY>;
/// 400, 413, 415, 422: a JSON request body.
pub type JsonInput = Errors<{ MALFORMED | TOO_LARGE | NOT_JSON | INVALID_FIELDS }>;
/// 401: any logged-in caller may.
pub type LoggedIn = Errors<NOT_LOGGED_IN>;
/// 401, 403: a role may be refused.
pub type ByRole = Errors<{ NOT_LOGGED_IN | REFUSED }>;
/// 401, 404: one resource any logged-in caller may read.
pub type AdminRead = Errors<{ NOT_LOGGED_IN | MISSING }>;
/// 401, 403, 404: one resource a role may be refused.
pub type AdminWrite = Errors<{ NOT_LOGGED_IN | REFUSED | MISSING }>;
/// [`AdminWrite`], 400 and 412: a POST action that checks `If-Match` when one is sent.
pub type AdminCheckedWrite = Errors<{ NOT_LOGGED_IN | REFUSED | MISSING | MALFORMED | STALE }>;
/// [`AdminWrite`], 400, 412 and 428: a PATCH or DELETE, which needs `If-Match` (or `version`).
pub type AdminVersionedWrite = Errors<{ NOT_LOGGED_IN | REFUSED | MISSING | MALFORMED | STALE | NO_IF_MATCH }>;

/// The documented statuses whose bits are set in `SET`.
pub struct Errors<const SET: u16>;

const UNCHANGED: u16 = 1;
const MALFORMED: u16 = 1 << 1;
const NOT_LOGGED_IN: u16 = 1 << 2;
const REFUSED: u16 = 1 << 3;
const MISSING: u16 = 1 << 4;
const STALE: u16 = 1 << 5;
const TOO_LARGE: u16 = 1 << 6;
const NOT_JSON: u16 = 1 << 7;
const INVALID_QUERY: u16 = 1 << 8;
const INVALID_FIELDS: u16 = 1 << 9;
const NO_IF_MATCH: u16 = 1 << 10;

/// Each status a set can hold; every one but 304 is a problem.
const STATUSES: [(u16, &str, &str); 11] = [
    (UNCHANGED, "304", "Unchanged since the given `If-None-Match`"),
    (MALFORMED, "400", "Malformed JSON, `If-Match` or cursor; `detail` says which"),
    (NOT_LOGGED_IN, "401", "Not logged in"),
    (REFUSED, "403", "Your role may not do this"),
    (MISSING, "404", "No such resource (or not yours to see); `detail` names it"),
    (STALE, "412", "Changed since you read it"),
    (TOO_LARGE, "413", "Body too large"),
    (NOT_JSON, "415", "Not JSON"),
    (INVALID_QUERY, "422", "Invalid parameter"),
    (INVALID_FIELDS, "422", "Invalid fields"),
    (NO_IF_MATCH, "428", "No `If-Match` sent (nor a `version`, where the body takes one)"),
];

impl<const SET: u16> IntoResponses for Errors<SET> {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        STATUSES
            .iter()
            .filter(|(bit, ..)| SET & bit != 0)
            .map(|&(bit, code, description)| {
                let response = ResponseBuilder::new().description(description);
                let response = match bit {
                    UNCHANGED => response,
                    _ => response
                        .content("application/problem+json", Content::new(Some(Ref::from_schema_name("Problem")))),
                };
                (code.to_owned(), response.build().into())
            })
            .collect()
    }
}
