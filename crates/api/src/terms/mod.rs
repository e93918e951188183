//! Authors, sources, sections and tags: named, slugged resources with the same life cycle.
//!
//! Each resource implements [`Term`] in its own module; the handlers here are written once,
//! generic over it, and [`routes`] routes and documents them for each.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use newsdesk_domain::{Action, FieldError};
use newsdesk_persistence::{DbConn, Page, PageRequest, StoreResult};
use serde::de::DeserializeOwned;
use serde::Serialize;

use newsdesk_newsroom::change::{TermChange, TermKind, TermOp};
use newsdesk_newsroom::Change;

use crate::auth::AuthUser;
use crate::error::not_found_as;
use crate::error::ApiResult;
use crate::extract::{JsonBody, Paging, QueryParams};
use crate::respond::{private_json, public_json_at, versioned_json};
use crate::state::AppState;

pub mod authors;
mod docs;
pub mod labels;
pub mod sections;
pub mod sources;
pub mod tags;

/// What the shared handlers need to know about one resource.
pub trait Term: 'static {
    /// Singular name used in messages ("author").
    const NAME: &'static str;
    /// Which kind of term its changes are about.
    const KIND: TermKind;
    /// Plural: its paths (`/v1/authors`), its tag and its operation ids.
    const PLURAL: &'static str;
    type Row: Clone + Send + 'static;
    type New: Send + 'static;
    type Changes: Send + 'static;
    type Create: DeserializeOwned + utoipa::ToSchema + Send + 'static;
    type Patch: DeserializeOwned + utoipa::ToSchema + Send + 'static;
    type Out: Serialize + utoipa::ToSchema;

    fn id(row: &Self::Row) -> &str;
    fn version(row: &Self::Row) -> i64;
    fn validate_create(input: Self::Create) -> Result<Self::New, Vec<FieldError>>;
    fn validate_patch(input: Self::Patch) -> Result<Self::Changes, Vec<FieldError>>;
    /// The admin view (private fields included, no count).
    fn admin_view(row: Self::Row) -> Self::Out;
    /// The public view, with its count of published articles.
    fn public_view(row: Self::Row, published: i64) -> Self::Out;

    fn list(conn: &mut DbConn, page: PageRequest) -> StoreResult<Page<Self::Row>>;
    fn find(conn: &mut DbConn, id: &str) -> StoreResult<Self::Row>;
    fn find_by_slug(conn: &mut DbConn, slug: &str) -> StoreResult<Self::Row>;
    fn insert(conn: &mut DbConn, row: &Self::New) -> StoreResult<Self::Row>;
    fn update(conn: &mut DbConn, id: &str, expected: Option<i64>, changes: &Self::Changes) -> StoreResult<Self::Row>;
    fn delete(conn: &mut DbConn, id: &str, expected: Option<i64>) -> StoreResult<()>;
    fn published_counts(conn: &mut DbConn, ids: &[String]) -> StoreResult<HashMap<String, i64>>;
}

/// Implements the storage half of [`Term`] by delegating to a persistence module.
macro_rules! delegate_store {
    ($store:ident) => {
        fn list(conn: &mut DbConn, page: PageRequest) -> StoreResult<Page<Self::Row>> {
            $store::list(conn, page)
        }
        fn find(conn: &mut DbConn, id: &str) -> StoreResult<Self::Row> {
            $store::find(conn, id)
        }
        fn find_by_slug(conn: &mut DbConn, slug: &str) -> StoreResult<Self::Row> {
            $store::find_by_slug(conn, slug)
        }
        fn insert(conn: &mut DbConn, row: &Self::New) -> StoreResult<Self::Row> {
            $store::insert(conn, row)
        }
        fn update(
            conn: &mut DbConn,
            id: &str,
            expected: Option<i64>,
            changes: &Self::Changes,
        ) -> StoreResult<Self::Row> {
            $store::update(conn, id, expected, changes)
        }
        fn delete(conn: &mut DbConn, id: &str, expected: Option<i64>) -> StoreResult<()> {
            $store::delete(conn, id, expected)
        }
        fn published_counts(conn: &mut DbConn, ids: &[String]) -> StoreResult<std::collections::HashMap<String, i64>> {
            $store::published_counts(conn, ids)
        }
        fn id(row: &Self::Row) -> &str {
            &row.id
        }
        fn version(row: &Self::Row) -> i64 {
            row.version
        }
    };
}
pub(crate) use delegate_store;
pub use docs::routes;

pub async fn admin_list<T: Term>(
    req: HttpRequest,
    state: web::Data<AppState>,
    _user: AuthUser,
    paging: QueryParams<Paging>,
) -> ApiResult<HttpResponse> {
    let window = paging.0.window(&state.cursors, &req)?;
    let request = window.request();
    let found = state.read(move |conn| T::list(conn, request)).await?;
    let data: Vec<T::Out> = found.items.into_iter().map(T::admin_view).collect();
    Ok(private_json(StatusCode::OK, &window.respond(&req, &state.cursors, data, found.total)))
}

/// The change a write made to a term, with its admin view as the webhook payload.
fn term_change<T: Term>(row: &T::Row, op: TermOp, version: Option<i64>) -> Change {
    let view = serde_json::to_value(T::admin_view(row.clone())).ok();
    Change::Term(TermChange { kind: T::KIND, id: T::id(row).to_owned(), op, view, version })
}

pub async fn admin_create<T: Term>(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    body: JsonBody<T::Create>,
) -> ApiResult<HttpResponse> {
    user.require(Action::ManageTaxonomy)?;
    let new = T::validate_create(body.0)?;
    let actor = user.actor();
    let row = state
        .write(move |tx| {
            let row = T::insert(tx.conn(), &new)?;
            let change = term_change::<T>(&row, TermOp::Created, None);
            Ok(tx.record(&actor, change, row)?)
        })
        .await?;
    let version = T::version(&row);
    let location = format!("{}/{}", req.path().trim_end_matches('/'), T::id(&row));
    let mut response = versioned_json(&req, StatusCode::CREATED, &T::admin_view(row), version)?;
    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&location) {
        response.headers_mut().insert(actix_web::http::header::LOCATION, value);
    }
    Ok(response)
}

pub async fn admin_get<T: Term>(
    req: HttpRequest,
    state: web::Data<AppState>,
    _user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let row = state.read(move |conn| T::find(conn, &id)).await.map_err(|e| not_found_as(e, T::NAME))?;
    let version = T::version(&row);
    versioned_json(&req, StatusCode::OK, &T::admin_view(row), version)
}

pub async fn admin_update<T: Term>(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: JsonBody<T::Patch>,
) -> ApiResult<HttpResponse> {
    user.require(Action::ManageTaxonomy)?;
    let precondition = crate::extract::if_match(&req)?;
    let changes = T::validate_patch(body.0)?;
    let actor = user.actor();
    let row = state
        .write(move |tx| {
            T::find(tx.conn(), &id)?;
            let expected = precondition.required(None)?;
            let row = T::update(tx.conn(), &id, expected, &changes)?;
            let change = term_change::<T>(&row, TermOp::Updated, Some(T::version(&row)));
            Ok(tx.record(&actor, change, row)?)
        })
        .await
        .map_err(|e| not_found_as(e, T::NAME))?;
    let version = T::version(&row);
    versioned_json(&req, StatusCode::OK, &T::admin_view(row), version)
}

pub async fn admin_delete<T: Term>(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    user.require(Action::ManageTaxonomy)?;
    let precondition = crate::extract::if_match(&req)?;
    let actor = user.actor();
    state
        .write(move |tx| {
            T::find(tx.conn(), &id)?;
            T::delete(tx.conn(), &id, precondition.required(None)?)?;
            let change =
                TermChange { kind: T::KIND, id: id.into_inner(), op: TermOp::Deleted, view: None, version: None };
            Ok(tx.record(&actor, Change::Term(change), ())?)
        })
        .await
        .map_err(|e| not_found_as(e, T::NAME))?;
    Ok(HttpResponse::NoContent().finish())
}

pub async fn public_list<T: Term>(
    req: HttpRequest,
    state: web::Data<AppState>,
    paging: QueryParams<Paging>,
) -> ApiResult<HttpResponse> {
    let window = paging.0.window(&state.cursors, &req)?;
    let request = window.request();
    let (found, counts, changed) = state
        .read(move |conn| {
            let changed = newsdesk_persistence::audit::last_change(conn)?;
            let found = T::list(conn, request)?;
            let ids: Vec<String> = found.items.iter().map(|r| T::id(r).to_owned()).collect();
            let counts = T::published_counts(conn, &ids)?;
            Ok((found, counts, changed))
        })
        .await?;
    let data: Vec<T::Out> = found
        .items
        .into_iter()
        .map(|row| {
            let count = counts.get(T::id(&row)).copied().unwrap_or(0);
            T::public_view(row, count)
        })
        .collect();
    crate::cache::tag(&req, vec![crate::cache::Tag::Lists]);
    public_json_at(&req, &window.respond(&req, &state.cursors, data, found.total), changed)
}

pub async fn public_get<T: Term>(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (row, count, changed) = state
        .read(move |conn| {
            let changed = newsdesk_persistence::audit::last_change(conn)?;
            let row = T::find_by_slug(conn, &slug)?;
            let count = T::published_counts(conn, &[T::id(&row).to_owned()])?;
            Ok((row, count.into_values().next().unwrap_or(0), changed))
        })
        .await
        .map_err(|e| not_found_as(e, T::NAME))?;
    crate::cache::tag(&req, vec![crate::cache::Tag::Lists]);
    public_json_at(&req, &T::public_view(row, count), changed)
}

/// Validates an optional slug, or derives one from the name.
pub fn slug_or_from(v: &mut newsdesk_domain::Violations, slug: Option<&str>, name: &str) -> Option<String> {
    use newsdesk_domain::Slug;
    match slug {
        Some(slug) => v.check("slug", Slug::parse(slug)),
        None if name.trim().is_empty() => None,
        None => v.check("slug", Slug::from_title(name)),
    }
    .map(Slug::into_inner)
}

/// Validates an optional, nullable text field of a PATCH.
pub fn optional_text(
    v: &mut newsdesk_domain::Violations,
    field: &str,
    value: Option<Option<String>>,
    max: usize,
) -> Option<Option<String>> {
    use newsdesk_domain::validation::bounded_text;
    match value {
        None => None,
        Some(None) => Some(None),
        Some(Some(text)) => v.check(field, bounded_text(&text, max)).map(|t| Some(t).filter(|t| !t.is_empty())),
    }
}

/// Validates an optional, nullable URL field of a PATCH.
pub fn optional_url(
    v: &mut newsdesk_domain::Violations,
    field: &str,
    value: Option<Option<String>>,
) -> Option<Option<String>> {
    match value {
        None => None,
        Some(None) => Some(None),
        Some(Some(url)) => v.check(field, newsdesk_domain::validation::http_url(&url)).map(Some),
    }
}

/// Validates a required name.
pub fn name(v: &mut newsdesk_domain::Violations, value: &str) -> Option<String> {
    v.check("name", newsdesk_domain::validation::required_text(value, 200))
}

/// 422 when a write changes nothing a client can see: better than a silent no-op.
pub fn require_any<T>(present: bool, value: T) -> Result<T, Vec<FieldError>> {
    if present {
        Ok(value)
    } else {
        Err(vec![FieldError { field: "body".into(), message: "send at least one field to change".into() }])
    }
}
