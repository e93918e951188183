//! Authors, sources, sections and tags: named, slugged resources with the same life cycle.
//!
//! Each kind's rules and storage are a `newsdesk_newsroom::terms::Term`; its views here are a
//! [`TermView`]. The handlers are written once, generic over it, and [`routes`] routes and
//! documents them for each.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use newsdesk_domain::Action;
pub use newsdesk_newsroom::terms::Term;
use newsdesk_newsroom::terms::{self as rules};
use serde::Serialize;

use crate::auth::AdminCall;
use crate::error::not_found_as;
use crate::error::ApiResult;
use crate::extract::{JsonBody, Paging, QueryParams};
use crate::respond::{public_json_at, versioned_json};
use crate::state::AppState;

pub mod authors;
mod docs;
pub mod labels;
pub mod sources;

/// A [`Term`] as the API shows it: its paths and its views.
pub trait TermView: Term {
    /// Plural: its paths (`/v1/authors`), its tag and its operation ids.
    const PLURAL: &'static str;
    type Out: Serialize + utoipa::ToSchema;

    /// The public view when given its count of published articles; without one, the admin
    /// view (private fields included, no count).
    fn view(row: Self::Row, published: Option<i64>) -> Self::Out;

    fn admin_view(row: Self::Row) -> Self::Out {
        Self::view(row, None)
    }

    fn public_view(row: Self::Row, published: i64) -> Self::Out {
        Self::view(row, Some(published))
    }
}

pub use docs::routes;

pub async fn admin_list<T: TermView>(
    AdminCall { req, state, .. }: AdminCall,
    paging: QueryParams<Paging>,
) -> ApiResult<HttpResponse> {
    let load = |page| state.read(move |conn| T::list(conn, page));
    paging.0.private_page(&req, &state.cursors, load, T::admin_view).await
}

/// Answers with one term's admin view, its version as the `ETag`.
fn respond<T: TermView>(req: &HttpRequest, status: StatusCode, row: T::Row) -> ApiResult<HttpResponse> {
    let version = T::version(&row);
    versioned_json(req, status, &T::admin_view(row), version)
}

/// A term as webhooks carry it: its admin view.
fn payload<T: TermView>(row: &T::Row) -> Option<serde_json::Value> {
    serde_json::to_value(T::admin_view(row.clone())).ok()
}

pub async fn admin_create<T: TermView>(
    AdminCall { req, state, user }: AdminCall,
    body: JsonBody<T::Create>,
) -> ApiResult<HttpResponse> {
    user.require(Action::ManageTaxonomy)?;
    let new = T::validate_create(body.0)?;
    let actor = user.actor();
    let row = state.write(move |tx| Ok(rules::create::<T>(tx, &actor, &new, payload::<T>)?)).await?;
    let location = format!("{}/{}", req.path().trim_end_matches('/'), T::id(&row));
    let mut response = respond::<T>(&req, StatusCode::CREATED, row)?;
    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&location) {
        response.headers_mut().insert(actix_web::http::header::LOCATION, value);
    }
    Ok(response)
}

pub async fn admin_get<T: TermView>(
    AdminCall { req, state, .. }: AdminCall,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let row = state.read(move |conn| T::find(conn, &id)).await.map_err(|e| not_found_as(e, T::NAME))?;
    respond::<T>(&req, StatusCode::OK, row)
}

pub async fn admin_update<T: TermView>(
    AdminCall { req, state, user }: AdminCall,
    id: web::Path<String>,
    body: JsonBody<T::Patch>,
) -> ApiResult<HttpResponse> {
    user.require(Action::ManageTaxonomy)?;
    let precondition = crate::extract::if_match(&req)?;
    let changes = T::validate_patch(body.0)?;
    let actor = user.actor();
    let row = state
        .write(move |tx| Ok(rules::update::<T>(tx, &actor, &id, precondition, &changes, payload::<T>)?))
        .await
        .map_err(|e| not_found_as(e, T::NAME))?;
    respond::<T>(&req, StatusCode::OK, row)
}

pub async fn admin_delete<T: TermView>(
    AdminCall { req, state, user }: AdminCall,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    user.require(Action::ManageTaxonomy)?;
    let precondition = crate::extract::if_match(&req)?;
    let actor = user.actor();
    state
        .write(move |tx| Ok(rules::delete::<T>(tx, &actor, &id, precondition)?))
        .await
        .map_err(|e| not_found_as(e, T::NAME))?;
    Ok(HttpResponse::NoContent().finish())
}

pub async fn public_list<T: TermView>(
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

pub async fn public_get<T: TermView>(
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
