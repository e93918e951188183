//! Draft previews: a signed, expiring link to one article as it now stands, for a frontend
//! with no editor credentials. Never cached, never listed.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use newsdesk_persistence::articles as store;
use serde::Serialize;
use utoipa::ToSchema;

use super::dto::ArticleOut;
use super::public::FormatsQuery;
use super::view::{self};
use crate::auth::AdminCall;
use crate::error::{ApiError, ApiResult};
use crate::extract::QueryParams;
use crate::respond::private_json;
use crate::responses::{AdminRead, BadQuery, NotFound};
use crate::state::AppState;
use newsdesk_newsroom::articles::write;
use newsdesk_newsroom::Change;

#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewLink {
    /// The signed token.
    pub token: String,
    /// Where a frontend fetches the preview (path on this server).
    #[schema(example = "/v1/preview/eyJ0eXAiOiJKV1Qi...")]
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// Mint a preview link for one article (default lifetime 24 h).
#[utoipa::path(post, path = "/v1/admin/articles/{id}/preview", operation_id = "admin_create_preview_link", tag = "previews", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id")),
    responses(
        (status = 201, description = "A preview link", body = PreviewLink),
        AdminRead,
    ))]
pub async fn create(AdminCall { state, user, .. }: AdminCall, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let ttl = state.preview_ttl_secs;
    let actor = user.actor();
    let article_id = state
        .write(move |tx| {
            let row = write::visible(tx.conn(), &id, &user)?;
            Ok(tx.record(&actor, Change::PreviewLinkCreated { article_id: row.id.clone() }, row.id)?)
        })
        .await?;
    let (token, expires) = state.tokens.issue_preview(&article_id, ttl)?;
    let expires_at = DateTime::from_timestamp(expires, 0).unwrap_or_else(Utc::now);
    let link = PreviewLink { url: format!("/v1/preview/{token}"), token, expires_at };
    Ok(private_json(StatusCode::CREATED, &link))
}

/// Fetch an article through a preview link, drafts included.
#[utoipa::path(get, path = "/v1/preview/{token}", operation_id = "get_preview", tag = "previews",
    params(("token" = String, Path, description = "The preview token"), FormatsQuery),
    responses(
        (status = 200, description = "The article as it now stands (`Cache-Control: no-store`); in ninjs (`pubstatus` \
            `withheld` until it is published) when `Accept` or `format` asks", content(
            (ArticleOut = "application/json"),
            (super::ninjs::Ninjs = "application/ninjs+json"),
        )),
        NotFound, BadQuery,
    ))]
pub async fn show(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    query: QueryParams<FormatsQuery>,
) -> ApiResult<HttpResponse> {
    let article_id = state.tokens.verify_preview(&token)?;
    let ninjs = query.0.ninjs(&req)?;
    let (mut shape, fields) = query.0.shape()?;
    if ninjs {
        (shape.html, shape.text, shape.embargo) = (true, true, true);
    }
    let article: Option<ArticleOut> = state
        .read(move |conn| {
            let row = match store::find(conn, &article_id) {
                // A retraction voids preview links handed out before it: its text is public no more.
                Ok(row) if row.trashed_at.is_none() && row.status != newsdesk_domain::ArticleStatus::Retracted => row,
                Ok(_) | Err(newsdesk_persistence::StoreError::NotFound) => return Ok(None),
                Err(e) => return Err(e),
            };
            Ok(view::render_all(conn, vec![row], shape)?.pop())
        })
        .await?;
    let article = article.ok_or_else(|| ApiError::NotFound("the previewed article no longer exists".into()))?;
    let mut response = if ninjs {
        let item = super::ninjs::item(&article, &state.public_url);
        HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .content_type(crate::negotiation::NINJS)
            .json(item)
    } else {
        let mut value = serde_json::to_value(&article).map_err(|e| ApiError::Internal(e.to_string()))?;
        if let Some(fields) = &fields {
            super::fields::keep(&mut value, fields);
        }
        private_json(StatusCode::OK, &value)
    };
    response.headers_mut().insert(header::VARY, header::HeaderValue::from_static("accept"));
    response
        .headers_mut()
        .insert(header::HeaderName::from_static("x-robots-tag"), header::HeaderValue::from_static("noindex"));
    Ok(response)
}
