//! `/v1/admin/webhooks`: the endpoints events are sent to. Admins manage them; editors may
//! read them (never their secrets).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use newsdesk_domain::webhook as rules;
use newsdesk_domain::{Action, Violations};
use newsdesk_newsroom::Change;
use newsdesk_persistence::webhooks::endpoints::{self as store, NewWebhook, WebhookChanges, WebhookRow};
use newsdesk_persistence::{new_id, now};
use serde::{Deserialize, Serialize};
use serde_with::rust::double_option;
use utoipa::ToSchema;

use crate::auth::AuthUser;
use crate::error::not_found_as;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{IfMatch, JsonBody, Paging, QueryParams};
use crate::respond::{private_json, versioned_json, ListResponse};
use crate::responses::{AdminVersionedWrite, AdminWrite, ByRole, JsonInput, NotModified, Paged};
use crate::state::AppState;
use crate::time::utc;

/// An event name an endpoint can subscribe to.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = WebhookEvent)]
pub enum EventName {
    #[serde(rename = "article.published")]
    ArticlePublished,
    #[serde(rename = "article.updated")]
    ArticleUpdated,
    #[serde(rename = "article.unpublished")]
    ArticleUnpublished,
    #[serde(rename = "article.trashed")]
    ArticleTrashed,
    #[serde(rename = "article.scheduled")]
    ArticleScheduled,
    #[serde(rename = "author.created")]
    AuthorCreated,
    #[serde(rename = "author.updated")]
    AuthorUpdated,
    #[serde(rename = "author.deleted")]
    AuthorDeleted,
    #[serde(rename = "source.created")]
    SourceCreated,
    #[serde(rename = "source.updated")]
    SourceUpdated,
    #[serde(rename = "source.deleted")]
    SourceDeleted,
    #[serde(rename = "tag.created")]
    TagCreated,
    #[serde(rename = "tag.updated")]
    TagUpdated,
    #[serde(rename = "tag.deleted")]
    TagDeleted,
    #[serde(rename = "section.created")]
    SectionCreated,
    #[serde(rename = "section.updated")]
    SectionUpdated,
    #[serde(rename = "section.deleted")]
    SectionDeleted,
    #[serde(rename = "site.changed")]
    SiteChanged,
}

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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://hooks.example.org/newsdesk", "events": ["article.published", "site.changed"]}))]
pub struct WebhookCreate {
    /// Where events are POSTed: an absolute http(s) URL.
    #[schema(max_length = 2048, format = "uri")]
    pub url: String,
    #[schema(max_length = 500)]
    pub description: Option<String>,
    #[schema(value_type = Vec<EventName>, min_items = 1)]
    pub events: Vec<String>,
    /// The signing secret (16 to 200 characters); generated when left out.
    #[schema(min_length = 16, max_length = 200)]
    pub secret: Option<String>,
    #[serde(default = "active_by_default")]
    #[schema(default = true)]
    pub active: bool,
}

fn active_by_default() -> bool {
    true
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"events": ["article.published"], "active": false}))]
pub struct WebhookPatch {
    #[schema(max_length = 2048, format = "uri")]
    pub url: Option<String>,
    /// A description, or null to clear it.
    #[serde(default, with = "double_option")]
    #[schema(max_length = 500, value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[schema(value_type = Option<Vec<EventName>>, min_items = 1)]
    pub events: Option<Vec<String>>,
    pub active: Option<bool>,
    /// Replace the secret with a new generated one, returned in this answer only.
    pub rotate_secret: Option<bool>,
}

/// Checks a URL: http(s), and not a private address unless those are allowed.
fn check_url(v: &mut Violations, url: &str, allow_private: bool) -> Option<String> {
    let url = v.check("url", newsdesk_domain::validation::http_url(url))?;
    match super::client::refuse_literal(&url, allow_private) {
        Some(reason) => {
            v.add("url", reason);
            None
        }
        None => Some(url),
    }
}

fn check_events(v: &mut Violations, events: &[String]) -> Option<String> {
    match rules::parse_events(events) {
        Ok(events) => serde_json::to_string(&events).ok(),
        Err(errors) => {
            for (field, message) in errors {
                v.add(field, message);
            }
            None
        }
    }
}

fn check_description(v: &mut Violations, description: Option<&str>) -> Option<Option<String>> {
    match description {
        None => Some(None),
        Some(text) => v.check("description", newsdesk_domain::validation::bounded_text(text, 500)).map(Some),
    }
}

fn new_secret() -> String {
    format!("whsec_{}", crate::tokens::new_refresh_token())
}

/// List webhook endpoints (admins and editors).
#[utoipa::path(get, path = "/v1/admin/webhooks", operation_id = "admin_list_webhooks", tag = "webhooks", security(("bearer" = [])), params(Paging),
    responses(
        (status = 200, description = "A page of endpoints, oldest first; secrets are never listed", body = ListResponse<WebhookOut>),
        Paged, ByRole,
    ))]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    paging: QueryParams<Paging>,
) -> ApiResult<HttpResponse> {
    user.require(Action::OperateWebhooks)?;
    let window = paging.0.window(&state.cursors, &req)?;
    let request = window.request();
    let found = state.read(move |conn| store::list(conn, request)).await?;
    let data = found.items.into_iter().map(|row| WebhookOut::from_row(row, false)).collect();
    Ok(private_json(StatusCode::OK, &window.respond(&req, &state.cursors, data, found.total)))
}

/// Register an endpoint. The answer is the only time the secret is shown (until a rotation).
#[utoipa::path(post, path = "/v1/admin/webhooks", operation_id = "admin_create_webhook", tag = "webhooks", security(("bearer" = [])), request_body = WebhookCreate,
    responses(
        (status = 201, description = "Created; `secret` is included this once", body = WebhookOut),
        JsonInput, ByRole,
        (status = 422, description = "Invalid fields, e.g. `url` or `events[1]`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    body: JsonBody<WebhookCreate>,
) -> ApiResult<HttpResponse> {
    user.require(Action::ManageWebhooks)?;
    let input = body.0;
    let mut v = Violations::new();
    let url = check_url(&mut v, &input.url, state.webhooks.allow_private);
    let events = check_events(&mut v, &input.events);
    let description = check_description(&mut v, input.description.as_deref());
    let secret = match input.secret {
        Some(secret) if !(16..=200).contains(&secret.chars().count()) => {
            v.add("secret", "must be 16 to 200 characters");
            None
        }
        Some(secret) => Some(secret),
        None => Some(new_secret()),
    };
    v.into_result().map_err(ApiError::Invalid)?;
    let (Some(url), Some(events), Some(description), Some(secret)) = (url, events, description, secret) else {
        return Err(ApiError::Internal("validated fields missing".into()));
    };
    let at = now();
    let row = NewWebhook {
        id: new_id(),
        url,
        description,
        events,
        secret,
        active: input.active,
        created_at: at,
        updated_at: at,
    };
    let actor = user.actor();
    let created = state
        .write(move |tx| {
            let created = store::insert(tx.conn(), &row)?;
            let detail = serde_json::json!({"url": created.url, "events": created.events});
            Ok(tx.record(&actor, Change::WebhookCreated { id: created.id.clone(), detail }, created)?)
        })
        .await?;
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
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    user.require(Action::OperateWebhooks)?;
    let row = state.read(move |conn| store::find(conn, &id)).await.map_err(|e| not_found_as(e, "webhook"))?;
    let version = row.version;
    versioned_json(&req, StatusCode::OK, &WebhookOut::from_row(row, false), version)
}

/// Change an endpoint's URL, events, description or state, or rotate its secret.
#[utoipa::path(patch, path = "/v1/admin/webhooks/{id}", operation_id = "admin_update_webhook", tag = "webhooks", security(("bearer" = [])), request_body = WebhookPatch,
    params(("id" = String, Path, description = "Webhook id"), IfMatch),
    responses(
        (status = 200, description = "Updated; `secret` is included only after `rotate_secret`", body = WebhookOut),
        JsonInput, AdminVersionedWrite,
    ))]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: JsonBody<WebhookPatch>,
) -> ApiResult<HttpResponse> {
    user.require(Action::ManageWebhooks)?;
    let precondition = crate::extract::if_match(&req)?;
    let patch = body.0;
    let mut v = Violations::new();
    let mut changes = WebhookChanges {
        url: patch.url.as_deref().and_then(|u| check_url(&mut v, u, state.webhooks.allow_private)),
        events: patch.events.as_deref().and_then(|e| check_events(&mut v, e)),
        active: patch.active,
        ..WebhookChanges::default()
    };
    if let Some(description) = &patch.description {
        changes.description = check_description(&mut v, description.as_deref());
    }
    let rotated = patch.rotate_secret == Some(true);
    if rotated {
        changes.secret = Some(new_secret());
    }
    v.into_result().map_err(ApiError::Invalid)?;
    if changes.url.is_none()
        && changes.events.is_none()
        && changes.active.is_none()
        && changes.description.is_none()
        && !rotated
    {
        return Err(ApiError::invalid("body", "must change at least one field"));
    }
    let id = id.into_inner();
    let actor = user.actor();
    let row = state
        .write(move |tx| {
            store::find(tx.conn(), &id)?;
            let expected = precondition.required(None)?;
            let row = store::update(tx.conn(), &id, expected, &changes)?;
            let detail = serde_json::json!({"url": row.url, "events": row.events, "active": row.active, "secret_rotated": rotated});
            Ok(tx.record(&actor, Change::WebhookUpdated { id: row.id.clone(), detail }, row)?)
        })
        .await
        .map_err(|e| not_found_as(e, "webhook"))?;
    let version = row.version;
    versioned_json(&req, StatusCode::OK, &WebhookOut::from_row(row, rotated), version)
}

/// Delete an endpoint and its delivery log; nothing more is sent to it.
#[utoipa::path(delete, path = "/v1/admin/webhooks/{id}", operation_id = "admin_delete_webhook", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path, description = "Webhook id"), IfMatch),
    responses(
        (status = 204, description = "Deleted"),
        AdminVersionedWrite,
    ))]
pub async fn delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    user.require(Action::ManageWebhooks)?;
    let precondition = crate::extract::if_match(&req)?;
    let id = id.into_inner();
    let actor = user.actor();
    state
        .write(move |tx| {
            store::find(tx.conn(), &id)?;
            store::delete(tx.conn(), &id, precondition.required(None)?)?;
            Ok(tx.record(&actor, Change::WebhookDeleted { id }, ())?)
        })
        .await
        .map_err(|e| not_found_as(e, "webhook"))?;
    Ok(HttpResponse::NoContent().finish())
}

#[cfg(test)]
mod tests {
    use utoipa::PartialSchema;

    /// The OpenAPI enum and the rule that validates names list the same events.
    #[test]
    fn documented_events_are_the_valid_events() {
        let schema = serde_json::to_value(super::EventName::schema()).unwrap();
        let documented: Vec<&str> = schema["enum"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert_eq!(documented, newsdesk_domain::webhook::EVENTS);
    }
}
