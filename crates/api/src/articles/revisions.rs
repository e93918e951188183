//! `/v1/admin/articles/{id}/revisions`: every change, and restoring an earlier one.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use newsdesk_persistence::articles::revisions::{self as store, RevisionRow};
use serde::Serialize;
use utoipa::ToSchema;

use super::admin::write_and_respond;
use super::dto::ArticleOut;
use crate::auth::AdminCall;
use crate::error::not_found_as;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{if_match, IfMatch, Paging, QueryParams};
use crate::respond::{private_json, ListResponse};
use crate::responses::{AdminCheckedWrite, AdminRead, Paged};
use crate::time::utc;
use newsdesk_newsroom::articles::history::Snapshot;
use newsdesk_newsroom::articles::{lifecycle, write};

/// One change to an article.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionOut {
    pub id: String,
    pub article_id: String,
    /// The article's version after this change.
    pub version: i64,
    /// `create`, `update`, `submit`, `approve`, `return`, `publish`, `schedule`, `publish_scheduled`, `trash`, `restore_revision:<id>`, …
    pub action: String,
    /// The note that came with the change: why an editor returned the article.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Which fields this change touched.
    pub changed_fields: Vec<String>,
    pub actor_id: Option<String>,
    pub actor_name: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The article as it stood after the change (single revisions only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Snapshot)]
    pub snapshot: Option<Snapshot>,
}

fn view(row: RevisionRow, with_snapshot: bool) -> RevisionOut {
    RevisionOut {
        snapshot: if with_snapshot { serde_json::from_str(&row.snapshot).ok() } else { None },
        changed_fields: serde_json::from_str(&row.changed_fields).unwrap_or_default(),
        id: row.id,
        article_id: row.article_id,
        version: row.version,
        action: row.action,
        note: row.note,
        actor_id: row.actor_id,
        actor_name: row.actor_name,
        created_at: utc(row.created_at),
    }
}

/// List an article's revisions, newest first.
#[utoipa::path(get, path = "/v1/admin/articles/{id}/revisions", operation_id = "admin_list_revisions", tag = "revisions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id"), Paging),
    responses(
        (status = 200, description = "A page of revisions", body = ListResponse<RevisionOut>),
        Paged, AdminRead,
    ))]
pub async fn list(
    AdminCall { req, state, user }: AdminCall,
    id: web::Path<String>,
    paging: QueryParams<Paging>,
) -> ApiResult<HttpResponse> {
    let (state, user) = (&state, &user);
    let load = |page| async move {
        let caller = user.clone();
        state
            .read(move |conn| match write::readable(conn, &id, &caller)? {
                Some(_) => Ok(Some(store::list(conn, &id, page)?)),
                None => Ok(None),
            })
            .await
            .map_err(|e| not_found_as(e, "article"))?
            .ok_or_else(|| ApiError::not_found("article"))
    };
    paging.0.private_page(&req, &state.cursors, load, |row| view(row, false)).await
}

/// One revision, with the full snapshot.
#[utoipa::path(get, path = "/v1/admin/articles/{id}/revisions/{rev}", operation_id = "admin_get_revision", tag = "revisions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id"), ("rev" = String, Path, description = "Revision id")),
    responses(
        (status = 200, description = "The revision", body = RevisionOut),
        AdminRead,
    ))]
pub async fn get(
    AdminCall { state, user, .. }: AdminCall,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, rev) = path.into_inner();
    let row = state
        .read(move |conn| match write::readable(conn, &id, &user)? {
            Some(_) => Ok(Some(store::find(conn, &id, &rev).ok())),
            None => Ok(None),
        })
        .await
        .map_err(|e| not_found_as(e, "article"))?
        .ok_or_else(|| ApiError::not_found("article"))?;
    let row = row.ok_or_else(|| ApiError::not_found("revision"))?;
    Ok(private_json(StatusCode::OK, &view(row, true)))
}

/// Restore an earlier revision's content and metadata; recorded as a new revision. Status and
/// publication date stay as they are.
#[utoipa::path(post, path = "/v1/admin/articles/{id}/revisions/{rev}/restore", operation_id = "admin_restore_revision", tag = "revisions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id"), ("rev" = String, Path, description = "Revision id"), IfMatch),
    responses(
        (status = 200, description = "Restored", body = ArticleOut),
        AdminCheckedWrite,
        (status = 409, description = "Its slug is now taken, or the article is in the trash", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "Someone else holds the article's edit lock: `lock` names who, and until when", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn restore(
    AdminCall { req, state, user }: AdminCall,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, rev) = path.into_inner();
    let precondition = if_match(&req)?;
    write_and_respond(&req, &state, user, move |tx, user| {
        lifecycle::restore_revision(tx, &id, &rev, &precondition, user)
    })
    .await
}
