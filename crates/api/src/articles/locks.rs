//! Edit locks: `POST /v1/admin/articles/{id}/lock` (take or renew), `DELETE …/lock` (release)
//! and `POST …/lock/takeover`. The rules are `newsdesk_newsroom::articles::locks`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use newsdesk_newsroom::articles::locks::{self, EditLock};

use crate::auth::AdminCall;
use crate::error::{ApiResult, Problem};
use crate::respond::private_json;
use crate::responses::AdminWrite;

/// Take the article's edit lock, or renew it when you hold it already (the heartbeat: send it
/// every minute or so). The lease lasts `NEWSDESK_EDIT_LOCK_TTL` seconds (300 by default) from
/// now and ends by itself if not renewed. While you hold it, anyone else's PATCH, trash,
/// revision restore and bulk tag change answer `423 Locked`. Anyone who may edit the article
/// may lock it; the lock changes neither its version nor its `updated_at`.
#[utoipa::path(post, path = "/v1/admin/articles/{id}/lock", operation_id = "lock_article", tag = "admin-articles", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id")),
    responses(
        (status = 200, description = "You hold the lock until `expires_at`", body = EditLock),
        AdminWrite,
        (status = 409, description = "In the trash, or retracted: there is nothing to edit", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "Someone else holds a live lease: `lock` names who, and until when", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn lock(AdminCall { state, user, .. }: AdminCall, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let ttl = state.edit_lock_ttl_secs;
    let lock = state.write(move |tx| Ok(locks::lock(tx, &id, &user, ttl)?)).await?;
    Ok(private_json(StatusCode::OK, &lock))
}

/// Release your edit lock when you are done (an expired lease of yours too).
#[utoipa::path(delete, path = "/v1/admin/articles/{id}/lock", operation_id = "unlock_article", tag = "admin-articles", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id")),
    responses(
        (status = 204, description = "Released: anyone may lock the article now"),
        AdminWrite,
        (status = 409, description = "You hold no lock on this article (someone else's is theirs to release)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn release(AdminCall { state, user, .. }: AdminCall, id: web::Path<String>) -> ApiResult<HttpResponse> {
    state.write(move |tx| Ok(locks::release(tx, &id, &user)?)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Take the edit lock from whoever holds it (editors and admins). The takeover is audited
/// (`article.lock_takeover`) and sent to webhooks as `article.lock_taken_over`, naming the
/// previous holder and the new one, so the previous holder can be told. When nobody else holds
/// a live lease it simply locks the article (no audit entry, no event).
#[utoipa::path(post, path = "/v1/admin/articles/{id}/lock/takeover", operation_id = "take_over_article_lock", tag = "admin-articles", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id")),
    responses(
        (status = 200, description = "You hold the lock until `expires_at`", body = EditLock),
        AdminWrite,
        (status = 409, description = "In the trash, or retracted", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn take_over(AdminCall { state, user, .. }: AdminCall, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let ttl = state.edit_lock_ttl_secs;
    let lock = state.write(move |tx| Ok(locks::take_over(tx, &id, &user, ttl)?)).await?;
    Ok(private_json(StatusCode::OK, &lock))
}
