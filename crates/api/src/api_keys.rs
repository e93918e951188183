//! `/v1/admin/api-keys`: keys for integrations, accepted wherever a Bearer token is.
//!
//! A key reads `ndk_<prefix>_<secret>`. The prefix finds the row; only a SHA-256 of the secret
//! is stored, so the key is shown once, at creation.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use newsdesk_domain::{validation, Action, Role, Violations};
use newsdesk_newsroom::Change;
use newsdesk_persistence::api_keys::{self as store, ApiKeyRow, NewApiKey};
use newsdesk_persistence::{new_id, now};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::api_key::{hash, random, KEY_PREFIX};
use crate::auth::AuthUser;
use crate::error::{not_found_as, ApiResult};
use crate::extract::{JsonBody, Paging, QueryParams};
use crate::respond::{private_json, ListResponse};
use crate::responses::{AdminWrite, ByRole, JsonInput, Paged};
use crate::state::AppState;
use crate::time::{naive, utc};

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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "static site builder", "role": "editor", "expires_at": "2027-06-30T00:00:00Z"}))]
pub struct ApiKeyCreate {
    #[schema(
        max_length = 200,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub name: String,
    /// What the key may do, as a user of this role would.
    pub role: Role,
    /// When the key stops working; never, if left out.
    pub expires_at: Option<DateTime<Utc>>,
}

/// List API keys (never their secrets).
#[utoipa::path(get, path = "/v1/admin/api-keys", operation_id = "admin_list_api_keys", tag = "api-keys", security(("bearer" = [])),
    params(Paging),
    responses(
        (status = 200, description = "A page of keys, newest first", body = ListResponse<ApiKeyOut>),
        Paged, ByRole,
    ))]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    paging: QueryParams<Paging>,
) -> ApiResult<HttpResponse> {
    user.require(Action::ManageApiKeys)?;
    let window = paging.0.window(&state.cursors, &req)?;
    let request = window.request();
    let found = state.read(move |conn| store::list(conn, request)).await?;
    let data = found.items.into_iter().map(ApiKeyOut::from).collect();
    Ok(private_json(StatusCode::OK, &window.respond(&req, &state.cursors, data, found.total)))
}

/// Create a key. The response carries the secret; store it, it is not shown again.
#[utoipa::path(post, path = "/v1/admin/api-keys", operation_id = "admin_create_api_key", tag = "api-keys", security(("bearer" = [])),
    request_body = ApiKeyCreate,
    responses(
        (status = 201, description = "Created, with its secret", body = CreatedApiKey),
        JsonInput, ByRole,
    ))]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: JsonBody<ApiKeyCreate>,
) -> ApiResult<HttpResponse> {
    user.require(Action::ManageApiKeys)?;
    let input = body.0;
    let mut v = Violations::new();
    let name = v.check("name", validation::required_text(&input.name, 200));
    if input.expires_at.is_some_and(|at| at <= Utc::now()) {
        v.add("expires_at", "must be in the future");
    }
    v.into_result()?;
    let prefix = random(9).to_lowercase();
    let secret = random(32);
    let row = NewApiKey {
        id: new_id(),
        name: name.unwrap_or_default(),
        role: input.role.as_str().into(),
        prefix: prefix.clone(),
        secret_hash: hash(&secret),
        created_by: user.id.clone(),
        expires_at: input.expires_at.map(naive),
        created_at: now(),
    };
    let actor = user.actor();
    let created = state
        .write(move |tx| {
            let created = store::insert(tx.conn(), &row)?;
            let change = Change::ApiKeyCreated {
                id: created.id.clone(),
                name: created.name.clone(),
                role: created.role.clone(),
            };
            Ok(tx.record(&actor, change, created)?)
        })
        .await?;
    let secret = format!("{KEY_PREFIX}{prefix}_{secret}");
    Ok(private_json(StatusCode::CREATED, &CreatedApiKey { key: ApiKeyOut::from(created), secret }))
}

/// Revoke a key: it stops working at once.
#[utoipa::path(delete, path = "/v1/admin/api-keys/{id}", operation_id = "admin_revoke_api_key", tag = "api-keys", security(("bearer" = [])),
    params(("id" = String, Path, description = "Key id")),
    responses(
        (status = 204, description = "Revoked (also when it already was)"),
        AdminWrite,
    ))]
pub async fn revoke(state: web::Data<AppState>, user: AuthUser, id: web::Path<String>) -> ApiResult<HttpResponse> {
    user.require(Action::ManageApiKeys)?;
    let actor = user.actor();
    state
        .write(move |tx| {
            let key = store::revoke(tx.conn(), &id, now())?;
            Ok(tx.record(&actor, Change::ApiKeyRevoked { id: key.id }, ())?)
        })
        .await
        .map_err(|e| not_found_as(e, "API key"))?;
    Ok(HttpResponse::NoContent().finish())
}
