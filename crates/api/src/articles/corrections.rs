//! `/v1/admin/articles/{id}/corrections`: the correction, clarification and update notes a
//! published article carries. Each write is a new version of the article (`If-Match` names the
//! article's version) and answers with the article as it now stands.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use newsdesk_domain::correction::{CorrectionKind, MAX_CORRECTION_TEXT, MAX_REMOVAL_REASON};
use newsdesk_domain::field_schema;
use newsdesk_newsroom::articles::history::Saved;
use newsdesk_newsroom::articles::{corrections, write};
use newsdesk_newsroom::{Caller, NewsroomResult, Recorded, Tx};
use newsdesk_persistence::articles::corrections as store;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::admin::{respond, write_full};
use super::dto::{ArticleOut, CorrectionOut};
use super::view::correction_out;
use crate::auth::AdminCall;
use crate::error::{not_found_as, ApiResult, Problem};
use crate::extract::{if_match, IfMatch, IfMatchRequired, JsonBody, Precondition};
use crate::respond::private_json;
use crate::responses::{AdminCheckedWrite, AdminRead, AdminVersionedWrite, JsonInput};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "correction", "text": "An earlier version gave the vote as 6-3. It was 7-2."}))]
pub struct CorrectionCreate {
    #[schema(value_type = CorrectionKind)]
    pub kind: String,
    /// What changed, for readers: Markdown, 1 to 5,000 characters, rendered to sanitized HTML.
    #[schema(schema_with = field_schema::note::<MAX_CORRECTION_TEXT>)]
    pub text: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"text": "An earlier version gave the vote as 6-3. It was 7-2, with one abstention."}))]
pub struct CorrectionAmend {
    /// The new wording (Markdown, 1 to 5,000 characters). The earlier one stays in the revisions
    /// and the audit log.
    #[schema(schema_with = field_schema::note::<MAX_CORRECTION_TEXT>)]
    pub text: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Added to the wrong article."}))]
pub struct CorrectionRemoval {
    /// Why the note goes, 1 to 2,000 characters. Readers see that a note was removed and this
    /// reason, not its text.
    #[schema(schema_with = field_schema::note::<MAX_REMOVAL_REASON>)]
    pub reason: String,
}

/// Every note on an article, removed ones included.
#[derive(Debug, Serialize, ToSchema)]
pub struct CorrectionList {
    pub data: Vec<CorrectionOut>,
}

type NoteStep = fn(&mut Tx, &str, &Precondition, (String, String), &Caller) -> NewsroomResult<Recorded<Saved>>;

/// Runs `step` on note `cid` of article `id` with `value` from the body, and answers with the
/// article as it now stands.
async fn on_note(
    AdminCall { req, state, user }: AdminCall,
    (id, cid): (String, String),
    value: String,
    precondition: Precondition,
    step: NoteStep,
) -> ApiResult<HttpResponse> {
    let article = write_full(&state, user, move |tx, user| step(tx, &id, &precondition, (cid, value), user)).await?;
    respond(&req, StatusCode::OK, &article)
}

/// Append a correction, clarification or update to a published article (editors and admins).
/// The article's `updated_at` and version move, so feeds and caches show the change.
#[utoipa::path(post, path = "/v1/admin/articles/{id}/corrections", operation_id = "add_correction", tag = "corrections", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id"), IfMatch), request_body = CorrectionCreate,
    responses(
        (status = 201, description = "Added: the article with its notes; `ETag` is its version", body = ArticleOut),
        JsonInput, AdminCheckedWrite,
        (status = 409, description = "The article is not published", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`kind` or `text` missing or invalid", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add(
    AdminCall { req, state, user }: AdminCall,
    id: web::Path<String>,
    body: JsonBody<CorrectionCreate>,
) -> ApiResult<HttpResponse> {
    let precondition = if_match(&req)?;
    let (id, input) = (id.into_inner(), (body.0.kind, body.0.text));
    let article =
        write_full(&state, user, move |tx, user| corrections::add(tx, &id, &precondition, input, user)).await?;
    respond(&req, StatusCode::CREATED, &article)
}

/// List an article's notes, oldest first, removed ones included, with who added, amended and
/// removed each.
#[utoipa::path(get, path = "/v1/admin/articles/{id}/corrections", operation_id = "list_corrections", tag = "corrections", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id")),
    responses(
        (status = 200, description = "The notes", body = CorrectionList),
        AdminRead,
    ))]
pub async fn list(AdminCall { state, user, .. }: AdminCall, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let (article, mut notes) = state
        .read(move |conn| {
            let Some(article) = write::readable(conn, &id, &user)? else { return Ok(None) };
            let notes = store::for_articles(conn, std::slice::from_ref(&article.id))?;
            Ok(Some((article, notes)))
        })
        .await
        .map_err(|e| not_found_as(e, "article"))?
        .ok_or_else(|| crate::error::ApiError::not_found("article"))?;
    let data = notes.remove(&article.id).unwrap_or_default().into_iter().map(|n| correction_out(n, true)).collect();
    Ok(private_json(StatusCode::OK, &CorrectionList { data }))
}

/// Amend a note's text (editors and admins). Needs `If-Match` with the article's version.
#[utoipa::path(patch, path = "/v1/admin/articles/{id}/corrections/{cid}", operation_id = "amend_correction", tag = "corrections", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id"), ("cid" = String, Path, description = "Correction id"), IfMatchRequired),
    request_body = CorrectionAmend,
    responses(
        (status = 200, description = "Amended: the article with its notes", body = ArticleOut),
        JsonInput, AdminVersionedWrite,
        (status = 409, description = "The note was removed, or the article is in the trash", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`text` missing or invalid", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn amend(
    call: AdminCall,
    path: web::Path<(String, String)>,
    body: JsonBody<CorrectionAmend>,
) -> ApiResult<HttpResponse> {
    let precondition = if_match(&call.req)?.required(None)?;
    on_note(call, path.into_inner(), body.0.text, precondition, corrections::amend).await
}

/// Remove a note (editors and admins). It is never deleted: readers see that it was removed and
/// why; the desk also sees its text and who removed it.
#[utoipa::path(post, path = "/v1/admin/articles/{id}/corrections/{cid}/remove", operation_id = "remove_correction", tag = "corrections", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id"), ("cid" = String, Path, description = "Correction id"), IfMatch),
    request_body = CorrectionRemoval,
    responses(
        (status = 200, description = "Removed: the article with its notes", body = ArticleOut),
        JsonInput, AdminCheckedWrite,
        (status = 409, description = "Already removed, or the article is in the trash", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`reason` missing or invalid", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn remove(
    call: AdminCall,
    path: web::Path<(String, String)>,
    body: JsonBody<CorrectionRemoval>,
) -> ApiResult<HttpResponse> {
    let precondition = if_match(&call.req)?;
    on_note(call, path.into_inner(), body.0.reason, precondition, corrections::remove).await
}
