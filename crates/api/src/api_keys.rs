//! `/v1/admin/api-keys`: keys for integrations, accepted wherever a Bearer token is (see
//! `newsdesk_newsroom::api_keys` for what a key is).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use newsdesk_domain::{Action, Role};
pub use newsdesk_newsroom::api_keys::ApiKeyCreate;
use newsdesk_newsroom::api_keys::{self as rules, KEY_PREFIX};
use newsdesk_persistence::api_keys::{self as store, ApiKeyRow};
use serde::Serialize;
use utoipa::ToSchema;

use crate::admin_list;
use crate::auth::AdminCall;
use crate::error::ApiResult;
use crate::extract::{JsonBody, Paging, QueryParams};
use crate::respond::{private_json, ListResponse};
use crate::responses::{AdminWrite, ByRole, JsonInput, Paged};
use crate::time::utc;

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyOut {
    pub id: String,
    pub name: String,
    pub role: Role,
    /// The public part of the key, to tell keys apart.
    #[schema(example = "ndk_3f9a1c2b7d4e")]
    pub prefix: String,
    pub created_by: String,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// When the key was last used, to the minute: it is recorded at most once a minute.
    pub last_used_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<ApiKeyRow> for ApiKeyOut {
    fn from(row: ApiKeyRow) -> Self {
        Self {
            role: Role::parse(&row.role).unwrap_or(Role::Contributor),
            prefix: format!("{KEY_PREFIX}{}", row.prefix),
            id: row.id,
            name: row.name,
            created_by: row.created_by,
            expires_at: row.expires_at.map(utc),
            revoked_at: row.revoked_at.map(utc),
            last_used_at: row.last_used_at.map(utc),
            created_at: utc(row.created_at),
        }
    }
}

/// A new key, with its secret: shown this once and never again.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub key: ApiKeyOut,
    /// Send as `Authorization: Bearer <secret>`.
    #[schema(example = "ndk_3f9a1c2b7d4e_Qm9va3NBcmVHcmVhdEJ1dE5ld3NJc0JldHRlcg")]
    pub secret: String,
}

/// List API keys (never their secrets).
#[utoipa::path(get, path = "/v1/admin/api-keys", operation_id = "admin_list_api_keys", tag = "api-keys", security(("bearer" = [])),
    params(Paging),
    responses(
        (status = 200, description = "A page of keys, newest first", body = ListResponse<ApiKeyOut>),
        Paged, ByRole,
    ))]
pub async fn list(call: AdminCall, paging: QueryParams<Paging>) -> ApiResult<HttpResponse> {
    admin_list::respond(call, Action::ManageApiKeys, paging, store::list, ApiKeyOut::from).await
}

/// Create a key. The response carries the secret; store it, it is not shown again.
#[utoipa::path(post, path = "/v1/admin/api-keys", operation_id = "admin_create_api_key", tag = "api-keys", security(("bearer" = [])),
    request_body = ApiKeyCreate,
    responses(
        (status = 201, description = "Created, with its secret", body = CreatedApiKey),
        JsonInput, ByRole,
    ))]
pub async fn create(AdminCall { state, user, .. }: AdminCall, body: JsonBody<ApiKeyCreate>) -> ApiResult<HttpResponse> {
    user.require(Action::ManageApiKeys)?;
    let input = body.0;
    rules::check(&input)?;
    let created = state.write(move |tx| Ok(rules::create(tx, &user, &input)?)).await?;
    let (created, secret) = (created.row, created.key);
    Ok(private_json(StatusCode::CREATED, &CreatedApiKey { key: ApiKeyOut::from(created), secret }))
}

/// Revoke a key: it stops working at once.
#[utoipa::path(delete, path = "/v1/admin/api-keys/{id}", operation_id = "admin_revoke_api_key", tag = "api-keys", security(("bearer" = [])),
    params(("id" = String, Path, description = "Key id")),
    responses(
        (status = 204, description = "Revoked (also when it already was)"),
        AdminWrite,
    ))]
pub async fn revoke(AdminCall { state, user, .. }: AdminCall, id: web::Path<String>) -> ApiResult<HttpResponse> {
    user.require(Action::ManageApiKeys)?;
    state.write(move |tx| Ok(rules::revoke(tx, &user, &id)?)).await?;
    Ok(HttpResponse::NoContent().finish())
}
