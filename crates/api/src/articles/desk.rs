//! The desk's work on an article that is not content: `PUT /v1/admin/articles/{id}/assignee`,
//! the internal notes at `/v1/admin/articles/{id}/notes`, and `GET /v1/me/assignments`, what
//! waits for the caller. None of it is ever in a public answer.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use newsdesk_domain::desk_note::MAX_NOTE_TEXT;
use newsdesk_domain::field_schema;
use newsdesk_newsroom::articles::{desk, write};
use newsdesk_persistence::articles::assignments::{self, AssignmentRow};
use newsdesk_persistence::articles::notes::{self, NoteRow};
use newsdesk_persistence::{DbConn, Page, StoreResult};
use serde::{Deserialize, Serialize};
use serde_with::rust::double_option;
use utoipa::ToSchema;

use super::admin::{full_shape, respond};
use super::dto::{ArticleOut, UserRef};
use super::view::{self, Shape};
use crate::auth::AdminCall;
use crate::error::{not_found_as, ApiError, ApiResult, Problem};
use crate::extract::{if_match, IfMatch, JsonBody, Paging, QueryParams};
use crate::respond::{private_json, ListResponse};
use crate::responses::{AdminCheckedWrite, AdminRead, JsonInput, LoggedIn, Paged};
use crate::time::utc;

/// Who the article goes to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"user_id": "01937c4e-1b2a-7c3d-9e4f-5a6b7c8d9e0f"}))]
pub struct AssigneeIn {
    /// The user's id, or null to unassign. Required.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, required = true)]
    pub user_id: Option<Option<String>>,
}

/// A note to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"text": "Legal wants to see the second quote before this goes out."}))]
pub struct NoteIn {
    /// 1 to 4,000 characters, plain text.
    #[schema(schema_with = field_schema::note::<MAX_NOTE_TEXT>)]
    pub text: String,
}

/// An internal note: never in a public answer, feed, export or public webhook.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoteOut {
    pub id: String,
    pub article_id: String,
    pub text: String,
    /// Who wrote it; null once that user is gone.
    pub author: Option<UserRef>,
    pub created_at: DateTime<Utc>,
}

/// One article waiting for the caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentOut {
    /// The article, as a list shows it.
    pub article: ArticleOut,
    /// Who assigned it; null once that user is gone.
    pub assigned_by: Option<UserRef>,
    pub assigned_at: DateTime<Utc>,
}

/// The names of `ids`, as [`UserRef`]s by id.
fn people(conn: &mut DbConn, ids: impl Iterator<Item = Option<String>>) -> StoreResult<HashMap<String, UserRef>> {
    let mut ids: Vec<String> = ids.flatten().collect();
    ids.sort();
    ids.dedup();
    let names = newsdesk_persistence::users::names(conn, &ids)?;
    Ok(names.into_iter().map(|(id, name)| (id.clone(), UserRef { id, name })).collect())
}

/// Assign an article to a user, or (`{"user_id": null}`) unassign it (editors and admins). The
/// article's `version` (its `ETag`) moves, as its admin answer shows the assignee; `updated_at`
/// does not, and no revision is made: it is not a change to the content.
#[utoipa::path(put, path = "/v1/admin/articles/{id}/assignee", operation_id = "assign_article", tag = "desk", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id"), IfMatch), request_body = AssigneeIn,
    responses(
        (status = 200, description = "The article with its `assignee`; `ETag` is its version", body = ArticleOut),
        JsonInput, AdminCheckedWrite,
        (status = 404, description = "No such article (or not yours to see), or `user_id` names no active user", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The article is in the trash", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn assign(
    AdminCall { req, state, user }: AdminCall,
    id: web::Path<String>,
    body: JsonBody<AssigneeIn>,
) -> ApiResult<HttpResponse> {
    let precondition = if_match(&req)?;
    let Some(user_id) = body.0.user_id else {
        return Err(ApiError::invalid("user_id", "is required: a user's id, or null to unassign"));
    };
    let id = id.into_inner();
    let article = state
        .write(move |tx| {
            let row = desk::assign(tx, &id, &precondition, user_id, &user)?;
            row.try_map(|row| {
                view::render_all(tx.conn(), vec![row], full_shape(&user))?
                    .pop()
                    .ok_or_else(|| ApiError::Internal("the assigned article did not render".into()))
            })
        })
        .await?;
    respond(&req, StatusCode::OK, &article)
}

/// The notes of one article, oldest first.
#[utoipa::path(get, path = "/v1/admin/articles/{id}/notes", operation_id = "list_article_notes", tag = "desk", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id"), Paging),
    responses(
        (status = 200, description = "A page of notes, oldest first", body = ListResponse<NoteOut>),
        Paged, AdminRead,
    ))]
pub async fn list_notes(
    AdminCall { req, state, user }: AdminCall,
    id: web::Path<String>,
    paging: QueryParams<Paging>,
) -> ApiResult<HttpResponse> {
    let state_ref = &state;
    let load = |page| async move {
        state_ref
            .read(move |conn| {
                if write::readable(conn, &id, &user)?.is_none() {
                    return Ok(None);
                }
                let found = notes::list(conn, &id, page)?;
                let authors = people(conn, found.items.iter().map(|n| n.author_id.clone()))?;
                let items = found.items.into_iter().map(|n| note_out(n, &authors)).collect();
                Ok(Some(Page { items, total: found.total }))
            })
            .await
            .map_err(|e| not_found_as(e, "article"))?
            .ok_or_else(|| ApiError::not_found("article"))
    };
    paging.0.private_page(&req, &state.cursors, load, std::convert::identity).await
}

fn note_out(note: NoteRow, authors: &HashMap<String, UserRef>) -> NoteOut {
    NoteOut {
        author: note.author_id.as_ref().and_then(|id| authors.get(id)).cloned(),
        id: note.id,
        article_id: note.article_id,
        text: note.text,
        created_at: utc(note.created_at),
    }
}

/// Add an internal note to an article: anyone who may read it (writers their own and those
/// assigned to them, editors and admins any). Append-only: a note is never edited or deleted.
/// The article's version and `updated_at` stay.
#[utoipa::path(post, path = "/v1/admin/articles/{id}/notes", operation_id = "add_article_note", tag = "desk", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id")), request_body = NoteIn,
    responses(
        (status = 201, description = "The note", body = NoteOut),
        JsonInput, AdminRead,
        (status = 422, description = "`text` missing, empty or over 4,000 characters", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_note(
    AdminCall { state, user, .. }: AdminCall,
    id: web::Path<String>,
    body: JsonBody<NoteIn>,
) -> ApiResult<HttpResponse> {
    let (id, text) = (id.into_inner(), body.0.text);
    let author = UserRef { id: user.id.clone(), name: user.name.clone() };
    let note = state.write(move |tx| Ok(desk::add_note(tx, &id, &text, &user)?)).await?;
    let authors = HashMap::from([(author.id.clone(), author)]);
    Ok(private_json(StatusCode::CREATED, &note_out(note, &authors)))
}

/// What waits for the caller: the articles assigned to them (out of the trash), newest
/// assignment first, each with who assigned it and when.
#[utoipa::path(get, path = "/v1/me/assignments", operation_id = "my_assignments", tag = "desk", security(("bearer" = [])),
    params(Paging),
    responses(
        (status = 200, description = "A page of assignments, newest first", body = ListResponse<AssignmentOut>),
        Paged, LoggedIn,
    ))]
pub async fn my_assignments(
    AdminCall { req, state, user }: AdminCall,
    paging: QueryParams<Paging>,
) -> ApiResult<HttpResponse> {
    let shape = Shape { public: !user.sees_all_articles(), ..Shape::default() };
    let load = |page| {
        state.read(move |conn| {
            let found = assignments::waiting_for(conn, &user.id, page)?;
            let (assigned, rows): (Vec<AssignmentRow>, Vec<_>) = found.items.into_iter().unzip();
            let by = people(conn, assigned.iter().map(|a| a.assigned_by.clone()))?;
            let articles = view::render_all(conn, rows, shape)?;
            let items = assigned
                .into_iter()
                .zip(articles)
                .map(|(a, article)| AssignmentOut {
                    article,
                    assigned_by: a.assigned_by.as_ref().and_then(|id| by.get(id)).cloned(),
                    assigned_at: utc(a.assigned_at),
                })
                .collect();
            Ok(Page { items, total: found.total })
        })
    };
    paging.0.private_page(&req, &state.cursors, load, std::convert::identity).await
}
