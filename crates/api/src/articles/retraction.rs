//! Retraction: `POST /v1/admin/articles/{id}/retract`. The public side (410 at the article's
//! slug and old slugs) is `super::public::get`.

use actix_web::{web, HttpResponse};
use newsdesk_domain::article::MAX_RETRACTION_REASON;
use newsdesk_domain::field_schema;
use newsdesk_newsroom::articles::lifecycle::{self, Retraction};
use serde::Deserialize;
use utoipa::ToSchema;

use super::dto::ArticleOut;
use super::workflow::transition_with;
use crate::auth::AdminCall;
use crate::error::{ApiResult, Problem};
use crate::extract::{IfMatch, JsonBody};
use crate::responses::{AdminCheckedWrite, JsonInput};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "The report relied on a document later shown to be forged."}))]
pub struct RetractRequest {
    /// Why the article is retracted, for the public: 1 to 2,000 characters, line breaks allowed.
    /// Its URL and old URLs answer `410 Gone` with it; the revision, the audit entry and the
    /// `article.retracted` event carry it too.
    #[schema(schema_with = field_schema::note::<MAX_RETRACTION_REASON>)]
    pub reason: String,
}

/// Retract a published article for good, with a public reason (editors and admins). It leaves
/// every list, feed, sitemap, search, related and most-viewed answer; its slug and every old slug
/// answer `410 Gone` with the reason and stay taken. Nothing undoes a retraction: the article
/// can no longer be edited, published, trashed or purged.
#[utoipa::path(post, path = "/v1/admin/articles/{id}/retract", operation_id = "retract_article", tag = "admin-articles", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id"), IfMatch), request_body = RetractRequest,
    responses(
        (status = 200, description = "Retracted: `status` is `retracted`", body = ArticleOut),
        JsonInput, AdminCheckedWrite,
        (status = 409, description = "Not published (already retracted, a draft, scheduled, in the trash …)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`reason` missing, empty or too long", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn retract(
    call: AdminCall,
    id: web::Path<String>,
    body: JsonBody<RetractRequest>,
) -> ApiResult<HttpResponse> {
    let retraction = Retraction { reason: body.0.reason, public_url: call.state.public_url.clone() };
    transition_with(call, id.into_inner(), retraction, lifecycle::retract).await
}
