//! Review, publishing, scheduling and the trash: `/v1/admin/articles/{id}/{submit,approve,return,
//! publish,unpublish,schedule,unschedule,restore}` and `/v1/admin/trash`.

use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use newsdesk_domain::article::MAX_REVIEW_NOTE;
use newsdesk_domain::field_schema;
use newsdesk_persistence::articles as store;
use newsdesk_persistence::Page;
use serde::Deserialize;
use utoipa::ToSchema;

use super::admin::{full_shape, write_and_respond};
use super::dto::ArticleOut;
use newsdesk_newsroom::articles::history::Saved;
use newsdesk_newsroom::articles::lifecycle;
use newsdesk_newsroom::{Caller, NewsroomResult, Recorded, Tx};

use super::view;
use crate::auth::AdminCall;
use crate::error::{ApiResult, Problem};
use crate::extract::{if_match, IfMatch, JsonBody, Paging, Precondition, QueryParams};
use crate::respond::ListResponse;
use crate::responses::{AdminCheckedWrite, AdminWrite, JsonInput, LoggedIn, Paged};

type Transition = fn(&mut Tx, &str, &Precondition, &Caller) -> NewsroomResult<Recorded<Saved>>;

/// Runs one state transition and answers with the article as it now stands.
async fn transition(
    AdminCall { req, state, user }: AdminCall,
    id: String,
    step: Transition,
) -> ApiResult<HttpResponse> {
    let precondition = if_match(&req)?;
    write_and_respond(&req, &state, user, move |tx, user| step(tx, &id, &precondition, user)).await
}

type TransitionWith<T> = fn(&mut Tx, &str, &Precondition, T, &Caller) -> NewsroomResult<Recorded<Saved>>;

/// [`transition`] for a step that takes a value from the request body.
pub(super) async fn transition_with<T: Send + 'static>(
    AdminCall { req, state, user }: AdminCall,
    id: String,
    value: T,
    step: TransitionWith<T>,
) -> ApiResult<HttpResponse> {
    let precondition = if_match(&req)?;
    write_and_respond(&req, &state, user, move |tx, user| step(tx, &id, &precondition, value, user)).await
}

/// Submit a draft for review. Contributors and authors submit their own; editors and admins any.
#[utoipa::path(post, path = "/v1/admin/articles/{id}/submit", operation_id = "submit_article", tag = "admin-articles", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id"), IfMatch),
    responses(
        (status = 200, description = "In review: `status` is `in_review`", body = ArticleOut),
        AdminCheckedWrite,
        (status = 409, description = "Not a draft, or in the trash", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn submit(call: AdminCall, id: web::Path<String>) -> ApiResult<HttpResponse> {
    transition(call, id.into_inner(), lifecycle::submit).await
}

/// Approve an article in review: it is ready to publish or schedule (editors and admins).
#[utoipa::path(post, path = "/v1/admin/articles/{id}/approve", operation_id = "approve_article", tag = "admin-articles", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id"), IfMatch),
    responses(
        (status = 200, description = "Approved: `status` is `approved`", body = ArticleOut),
        AdminCheckedWrite,
        (status = 409, description = "Not in review, or in the trash", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn approve(call: AdminCall, id: web::Path<String>) -> ApiResult<HttpResponse> {
    transition(call, id.into_inner(), lifecycle::approve).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "The second quote needs a source. Please check it and resubmit."}))]
pub struct ReturnRequest {
    /// What the writer should change: 1 to 2,000 characters, line breaks allowed. It is kept on
    /// the revision, in the audit log and in the `article.returned` event.
    #[schema(schema_with = field_schema::note::<MAX_REVIEW_NOTE>)]
    pub note: String,
}

/// Send an article in review (or approved) back to draft with a note (editors and admins).
#[utoipa::path(post, path = "/v1/admin/articles/{id}/return", operation_id = "return_article", tag = "admin-articles", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id"), IfMatch), request_body = ReturnRequest,
    responses(
        (status = 200, description = "Back to draft", body = ArticleOut),
        JsonInput, AdminCheckedWrite,
        (status = 409, description = "Neither in review nor approved, or in the trash", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`note` missing, empty or too long", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn return_to_draft(
    call: AdminCall,
    id: web::Path<String>,
    body: JsonBody<ReturnRequest>,
) -> ApiResult<HttpResponse> {
    transition_with(call, id.into_inner(), body.0.note, lifecycle::return_to_draft).await
}

/// Publish an article now. Editors publish anything; authors their own drafts and approved
/// articles, not while they wait in review; contributors may not publish.
#[utoipa::path(post, path = "/v1/admin/articles/{id}/publish", operation_id = "publish_article", tag = "admin-articles", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id"), IfMatch),
    responses(
        (status = 200, description = "Published", body = ArticleOut),
        AdminCheckedWrite,
        (status = 409, description = "Already published, in the trash, or embargoed: `detail` says \"embargoed until …\" and `embargo_until` when it ends", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn publish(call: AdminCall, id: web::Path<String>) -> ApiResult<HttpResponse> {
    transition(call, id.into_inner(), lifecycle::publish).await
}

/// Take an article down: it goes back to being a draft.
#[utoipa::path(post, path = "/v1/admin/articles/{id}/unpublish", operation_id = "unpublish_article", tag = "admin-articles", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id"), IfMatch),
    responses(
        (status = 200, description = "Back to draft", body = ArticleOut),
        AdminCheckedWrite,
        (status = 409, description = "Not published", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn unpublish(call: AdminCall, id: web::Path<String>) -> ApiResult<HttpResponse> {
    transition(call, id.into_inner(), lifecycle::unpublish).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"publish_at": "2026-12-01T06:00:00Z"}))]
pub struct ScheduleRequest {
    /// When to publish, in the future (RFC 3339).
    pub publish_at: DateTime<Utc>,
}

/// Schedule publication. The server publishes it within a second of `publish_at`, with no cron,
/// and catches up on anything due while it was down.
#[utoipa::path(post, path = "/v1/admin/articles/{id}/schedule", operation_id = "schedule_article", tag = "admin-articles", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id"), IfMatch), request_body = ScheduleRequest,
    responses(
        (status = 200, description = "Scheduled; `published_at` is the planned time", body = ArticleOut),
        JsonInput, AdminCheckedWrite,
        (status = 409, description = "Already published, in the trash, or `publish_at` is before the article's embargo ends (`embargo_until` says when)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`publish_at` missing or not in the future", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn schedule(
    call: AdminCall,
    id: web::Path<String>,
    body: JsonBody<ScheduleRequest>,
) -> ApiResult<HttpResponse> {
    transition_with(call, id.into_inner(), body.0.publish_at, lifecycle::schedule).await
}

/// Cancel a schedule: back to draft.
#[utoipa::path(post, path = "/v1/admin/articles/{id}/unschedule", operation_id = "unschedule_article", tag = "admin-articles", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id"), IfMatch),
    responses(
        (status = 200, description = "Back to draft", body = ArticleOut),
        AdminCheckedWrite,
        (status = 409, description = "Not scheduled", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn unschedule(call: AdminCall, id: web::Path<String>) -> ApiResult<HttpResponse> {
    transition(call, id.into_inner(), lifecycle::unschedule).await
}

/// Take an article out of the trash, as a draft.
#[utoipa::path(post, path = "/v1/admin/articles/{id}/restore", operation_id = "restore_article", tag = "trash", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id"), IfMatch),
    responses(
        (status = 200, description = "Restored as a draft", body = ArticleOut),
        AdminCheckedWrite,
        (status = 409, description = "Not in the trash", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn restore(call: AdminCall, id: web::Path<String>) -> ApiResult<HttpResponse> {
    transition(call, id.into_inner(), lifecycle::restore).await
}

/// List the trash, most recently changed first. Authors and contributors see their own.
#[utoipa::path(get, path = "/v1/admin/trash", operation_id = "admin_list_trash", tag = "trash", security(("bearer" = [])),
    params(Paging),
    responses(
        (status = 200, description = "A page of trashed articles", body = ListResponse<ArticleOut>),
        Paged, LoggedIn,
    ))]
pub async fn trash_list(
    AdminCall { req, state, user }: AdminCall,
    paging: QueryParams<Paging>,
) -> ApiResult<HttpResponse> {
    let mut filter = store::ArticleFilter { trashed: true, ..Default::default() };
    if !user.sees_all_articles() {
        filter.created_by = Some(user.id.clone());
    }
    let shape = full_shape(&user);
    let shape = view::Shape { html: false, markdown: false, text: false, related: false, ..shape };
    let load = |page| {
        state.read(move |conn| {
            let found = store::list(conn, &filter, store::ArticleSort::RecentlyUpdated, page)?;
            Ok(Page { items: view::render_all(conn, found.items, shape)?, total: found.total })
        })
    };
    paging.0.private_page(&req, &state.cursors, load, std::convert::identity).await
}

/// Delete a trashed article for good (admins only).
#[utoipa::path(delete, path = "/v1/admin/trash/{id}", operation_id = "admin_purge_article", tag = "trash", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id")),
    responses(
        (status = 204, description = "Gone for good"),
        AdminWrite,
        (status = 409, description = "Not in the trash", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn purge(AdminCall { state, user, .. }: AdminCall, id: web::Path<String>) -> ApiResult<HttpResponse> {
    state.write(move |tx| Ok(lifecycle::purge(tx, &id, &user)?)).await?;
    Ok(HttpResponse::NoContent().finish())
}
