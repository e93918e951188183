//! The editorial article API. Every status is visible here, subject to the caller's role.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use newsdesk_domain::{Action, ArticleStatus};

use newsdesk_newsroom::articles::history::Saved;
use newsdesk_newsroom::articles::{lifecycle, write};
use newsdesk_newsroom::{Caller, NewsroomResult, Recorded, Tx};

use super::dto::{ArticleCreate, ArticleOut, ArticlePatch};
use super::embargo::EmbargoQuery;
use super::listing;
use super::query::{ArticleListQuery, StatusQuery};
use super::view::{self, Shape};
use crate::auth::{AdminCall, AuthUser};
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{IfMatch, IfMatchRequired, JsonBody, Paging, QueryParams};
use crate::respond::{private_json, versioned_json, ListResponse};
use crate::responses::{AdminRead, AdminVersionedWrite, JsonInput, LoggedIn, NotModified, Paged};
use crate::state::AppState;

/// Everything about one article, as `user` may see it: authors and contributors see related
/// links to others' unpublished articles left out, as in the public view.
pub(super) fn full_shape(user: &AuthUser) -> Shape {
    Shape { public: !user.sees_all_articles(), ..Shape::full_admin() }
}

/// Renders one article in full inside the same transaction that wrote it, from the relations
/// the write already read where it did.
fn full(tx: &mut Tx, saved: Recorded<Saved>, user: &AuthUser) -> Result<Recorded<ArticleOut>, ApiError> {
    saved.try_map(|saved| Ok(view::render_saved(tx.conn(), saved.row, saved.relations, full_shape(user))?))
}

pub(super) fn respond(req: &HttpRequest, status: StatusCode, article: &ArticleOut) -> ApiResult<HttpResponse> {
    versioned_json(req, status, article, article.version)
}

/// Runs one write of an article, as `user`, and renders the article as it then stands, in
/// the same transaction.
pub(super) async fn write_full<F>(state: &AppState, user: AuthUser, step: F) -> ApiResult<ArticleOut>
where
    F: FnOnce(&mut Tx, &Caller) -> NewsroomResult<Recorded<Saved>> + Send + 'static,
{
    state
        .write(move |tx| {
            let saved = step(tx, &user)?;
            full(tx, saved, &user)
        })
        .await
}

/// [`write_full`], answered with 200 and the article's version as the `ETag`.
pub(super) async fn write_and_respond<F>(
    req: &HttpRequest,
    state: &AppState,
    user: AuthUser,
    step: F,
) -> ApiResult<HttpResponse>
where
    F: FnOnce(&mut Tx, &Caller) -> NewsroomResult<Recorded<Saved>> + Send + 'static,
{
    let article = write_full(state, user, step).await?;
    respond(req, StatusCode::OK, &article)
}

/// List articles in every status. Contributors and authors see only their own and those assigned
/// to them.
#[utoipa::path(get, path = "/v1/admin/articles", operation_id = "admin_list_articles", tag = "admin-articles", security(("bearer" = [])),
    params(StatusQuery, EmbargoQuery, ArticleListQuery, Paging),
    responses(
        (status = 200, description = "A page of articles", body = ListResponse<ArticleOut>),
        Paged, LoggedIn,
    ))]
pub async fn list(
    AdminCall { req, state, user }: AdminCall,
    status: QueryParams<StatusQuery>,
    embargo: QueryParams<EmbargoQuery>,
    query: QueryParams<ArticleListQuery>,
    paging: QueryParams<Paging>,
) -> ApiResult<HttpResponse> {
    let mut filter = query.0.filter()?;
    if let Some(status) = status.0.status {
        filter.statuses = Some(vec![status]);
    }
    filter.assignee = status.0.assignee_filter(&user.id);
    filter.embargoed = embargo.0.embargoed;
    if !user.sees_all_articles() {
        filter.created_by = Some(user.id.clone());
        filter.or_assigned_to_creator = true;
    }
    let sort = query.0.sort();
    let shape = Shape { lock: true, assignee: true, embargo: true, ..query.0.shape(!user.sees_all_articles())? };
    let fields = super::fields::parse(query.0.fields.as_deref())?;
    let list =
        listing::page_of(&req, &state, listing::ListSpec { endpoint: "admin", filter, sort, shape }, paging.0).await?;
    match fields {
        Some(fields) => {
            let mut value = serde_json::to_value(&list.0).map_err(|e| ApiError::Internal(e.to_string()))?;
            super::fields::keep_in_list(&mut value, &fields);
            Ok(private_json(StatusCode::OK, &value))
        }
        None => Ok(private_json(StatusCode::OK, &list.0)),
    }
}

/// Create a draft with its byline, tags, section, source and related links.
#[utoipa::path(post, path = "/v1/admin/articles", operation_id = "admin_create_article", tag = "admin-articles", security(("bearer" = [])), request_body = ArticleCreate,
    responses(
        (status = 201, description = "Created as a draft; `ETag` is its version", body = ArticleOut),
        JsonInput, LoggedIn,
        (status = 409, description = "Slug already taken (editors and admins; authors and contributors get a free variant instead)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or unknown slugs", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    AdminCall { req, state, user }: AdminCall,
    body: JsonBody<ArticleCreate>,
) -> ApiResult<HttpResponse> {
    user.require(Action::CreateArticle)?;
    let input = body.0;
    let article = write_full(&state, user, |tx, user| {
        write::create(tx, input, Some(user), ArticleStatus::Draft, None, &user.actor())
    })
    .await?;
    let mut response = respond(&req, StatusCode::CREATED, &article)?;
    if let Ok(location) = header::HeaderValue::from_str(&format!("/v1/admin/articles/{}", article.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// Get any article by id, in every status, with its body in all formats.
#[utoipa::path(get, path = "/v1/admin/articles/{id}", operation_id = "admin_get_article", tag = "admin-articles", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id")),
    responses(
        (status = 200, description = "The article; `ETag` is its version", body = ArticleOut),
        NotModified, AdminRead,
    ))]
pub async fn get(AdminCall { req, state, user }: AdminCall, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let article = state
        .read(move |conn| {
            let Some(row) = write::readable(conn, &id, &user)? else { return Ok(None) };
            Ok(view::render_all(conn, vec![row], full_shape(&user))?.pop())
        })
        .await
        .map_err(|e| crate::error::not_found_as(e, "article"))?
        .ok_or_else(|| ApiError::not_found("article"))?;
    respond(&req, StatusCode::OK, &article)
}

/// Change an article. Send `If-Match` (or `version`) to be sure you don't overwrite someone else.
#[utoipa::path(patch, path = "/v1/admin/articles/{id}", operation_id = "admin_update_article", tag = "admin-articles", security(("bearer" = [])), request_body = ArticlePatch,
    params(("id" = String, Path, description = "Article id"), IfMatch),
    responses(
        (status = 200, description = "Updated", body = ArticleOut),
        JsonInput, AdminVersionedWrite,
        (status = 409, description = "Slug taken (or still redirecting), the article is in the trash, or `embargo_until` is after the scheduled publication (or still to come on a published article)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or unknown slugs", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "Someone else holds the article's edit lock: `lock` names who, and until when", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    AdminCall { req, state, user }: AdminCall,
    id: web::Path<String>,
    body: JsonBody<ArticlePatch>,
) -> ApiResult<HttpResponse> {
    let patch = body.0;
    let precondition = crate::extract::if_match(&req)?;
    write_and_respond(&req, &state, user, move |tx, user| write::update(tx, &id, precondition, patch, user)).await
}

/// Move an article to the trash. It leaves every public endpoint at once; editors can
/// restore it, admins can purge it.
#[utoipa::path(delete, path = "/v1/admin/articles/{id}", operation_id = "admin_trash_article", tag = "admin-articles", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id"), IfMatchRequired),
    responses(
        (status = 204, description = "In the trash"),
        AdminVersionedWrite,
        (status = 409, description = "Already in the trash, or retracted (a retraction is kept, never trashed)", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "Someone else holds the article's edit lock: `lock` names who, and until when", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete(AdminCall { req, state, user }: AdminCall, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let precondition = crate::extract::if_match(&req)?;
    state
        .write(move |tx| {
            write::editable(tx.conn(), &id, &user)?;
            Ok(lifecycle::trash(tx, &id, &precondition.required(None)?, &user)?.map(|_| ()))
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
