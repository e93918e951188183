//! `/v1/admin/webhooks`: the endpoints events are sent to. Admins manage them; editors may
//! read them (never their secrets).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use newsdesk_domain::Action;
use newsdesk_newsroom::webhooks::endpoints as rules;
pub use newsdesk_newsroom::webhooks::endpoints::{EventName, WebhookCreate, WebhookPatch};
use newsdesk_persistence::webhooks::endpoints::{self as store, WebhookRow};
use serde::Serialize;
use utoipa::ToSchema;

use crate::admin_list;
use crate::auth::extractor::AdminCall;
use crate::error::not_found_as;
use crate::error::{ApiResult, Problem};
use crate::extract::{IfMatchRequired, JsonBody, Paging, QueryParams};
use crate::respond::{versioned_json, ListResponse};
use crate::responses::{AdminVersionedWrite, AdminWrite, ByRole, JsonInput, NotModified, Paged};
use crate::time::utc;

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookOut {
    pub id: String,
    #[schema(example = "https://hooks.example.org/newsdesk")]
    pub url: String,
    pub description: Option<String>,
    #[schema(value_type = Vec<EventName>)]
    pub events: Vec<String>,
    /// Paused endpoints keep their queued deliveries until resumed.
    pub active: bool,
    /// The signing secret: only in the answer to a create or a `rotate_secret`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    pub secret: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl WebhookOut {
    fn from_row(row: WebhookRow, show_secret: bool) -> Self {
        Self {
            events: serde_json::from_str(&row.events).unwrap_or_default(),
            secret: show_secret.then_some(row.secret),
            id: row.id,
            url: row.url,
            description: row.description,
            active: row.active,
            version: row.version,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
        }
    }
}

/// List webhook endpoints (admins and editors).
#[utoipa::path(get, path = "/v1/admin/webhooks", operation_id = "admin_list_webhooks", tag = "webhooks", security(("bearer" = [])), params(Paging),
    responses(
        (status = 200, description = "A page of endpoints, oldest first; secrets are never listed", body = ListResponse<WebhookOut>),
        Paged, ByRole,
    ))]
pub async fn list(call: AdminCall, paging: QueryParams<Paging>) -> ApiResult<HttpResponse> {
    let view = |row| WebhookOut::from_row(row, false);
    admin_list::respond(call, Action::OperateWebhooks, paging, store::list, view).await
}

/// Register an endpoint. The answer is the only time the secret is shown (until a rotation).
#[utoipa::path(post, path = "/v1/admin/webhooks", operation_id = "admin_create_webhook", tag = "webhooks", security(("bearer" = [])), request_body = WebhookCreate,
    responses(
        (status = 201, description = "Created; `secret` is included this once", body = WebhookOut),
        JsonInput, ByRole,
        (status = 422, description = "Invalid fields, e.g. `url` or `events[1]`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    AdminCall { req, state, user }: AdminCall,
    body: JsonBody<WebhookCreate>,
) -> ApiResult<HttpResponse> {
    user.require(Action::ManageWebhooks)?;
    let row = rules::check_new(&body.0, state.webhooks.allow_private)?;
    let created = state.write(move |tx| Ok(rules::create(tx, &user, &row)?)).await?;
    let version = created.version;
    let location = format!("/v1/admin/webhooks/{}", created.id);
    let mut response = versioned_json(&req, StatusCode::CREATED, &WebhookOut::from_row(created, true), version)?;
    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&location) {
        response.headers_mut().insert(actix_web::http::header::LOCATION, value);
    }
    Ok(response)
}

/// Get an endpoint (without its secret).
#[utoipa::path(get, path = "/v1/admin/webhooks/{id}", operation_id = "admin_get_webhook", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "The endpoint; `ETag` is its version", body = WebhookOut),
        NotModified, AdminWrite,
    ))]
pub async fn get(AdminCall { req, state, user }: AdminCall, id: web::Path<String>) -> ApiResult<HttpResponse> {
    user.require(Action::OperateWebhooks)?;
    let row = state.read(move |conn| store::find(conn, &id)).await.map_err(|e| not_found_as(e, "webhook"))?;
    let version = row.version;
    versioned_json(&req, StatusCode::OK, &WebhookOut::from_row(row, false), version)
}

/// Change an endpoint's URL, events, description or state, or rotate its secret.
#[utoipa::path(patch, path = "/v1/admin/webhooks/{id}", operation_id = "admin_update_webhook", tag = "webhooks", security(("bearer" = [])), request_body = WebhookPatch,
    params(("id" = String, Path, description = "Webhook id"), IfMatchRequired),
    responses(
        (status = 200, description = "Updated; `secret` is included only after `rotate_secret`", body = WebhookOut),
        JsonInput, AdminVersionedWrite,
    ))]
pub async fn update(
    AdminCall { req, state, user }: AdminCall,
    id: web::Path<String>,
    body: JsonBody<WebhookPatch>,
) -> ApiResult<HttpResponse> {
    user.require(Action::ManageWebhooks)?;
    let precondition = crate::extract::if_match(&req)?;
    let (changes, rotated) = rules::check_patch(&body.0, state.webhooks.allow_private)?;
    let id = id.into_inner();
    let row = state
        .write(move |tx| Ok(rules::update(tx, &user, &id, precondition, &changes, rotated)?))
        .await
        .map_err(|e| not_found_as(e, "webhook"))?;
    let version = row.version;
    versioned_json(&req, StatusCode::OK, &WebhookOut::from_row(row, rotated), version)
}

/// Delete an endpoint and its delivery log; nothing more is sent to it.
#[utoipa::path(delete, path = "/v1/admin/webhooks/{id}", operation_id = "admin_delete_webhook", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path, description = "Webhook id"), IfMatchRequired),
    responses(
        (status = 204, description = "Deleted"),
        AdminVersionedWrite,
    ))]
pub async fn delete(AdminCall { req, state, user }: AdminCall, id: web::Path<String>) -> ApiResult<HttpResponse> {
    user.require(Action::ManageWebhooks)?;
    let precondition = crate::extract::if_match(&req)?;
    let id = id.into_inner();
    state
        .write(move |tx| Ok(rules::delete(tx, &user, &id, precondition)?))
        .await
        .map_err(|e| not_found_as(e, "webhook"))?;
    Ok(HttpResponse::NoContent().finish())
}
