//! `/v1/admin/users`: accounts and roles, for admins only.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use newsdesk_domain::{Action, Role};
use newsdesk_newsroom::users as rules;
pub use newsdesk_newsroom::users::{UserCreate, UserPatch};
use newsdesk_persistence::users;
use serde::Serialize;
use utoipa::ToSchema;

use crate::admin_list;
use crate::auth::AdminCall;
use crate::error::{not_found_as, ApiResult, Problem};
use crate::extract::{IfMatchRequired, JsonBody, Paging, QueryParams};
use crate::respond::{private_json, versioned_json, ListResponse};
use crate::responses::{AdminVersionedWrite, AdminWrite, ByRole, JsonInput, NotModified, Paged};

use crate::time::utc;

#[derive(Debug, Serialize, ToSchema)]
pub struct UserOut {
    pub id: String,
    #[schema(example = "editor@example.org")]
    pub email: String,
    pub name: String,
    pub role: Role,
    /// The author profile this account writes as, if any.
    pub author_id: Option<String>,
    pub disabled: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<users::UserRow> for UserOut {
    fn from(row: users::UserRow) -> Self {
        Self {
            role: Role::parse(&row.role).unwrap_or(Role::Contributor),
            id: row.id,
            email: row.email,
            name: row.name,
            author_id: row.author_id,
            disabled: row.disabled,
            version: row.version,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
        }
    }
}

/// Answers with one user, its version as the `ETag`.
fn respond(req: &HttpRequest, status: StatusCode, row: users::UserRow) -> ApiResult<HttpResponse> {
    let version = row.version;
    versioned_json(req, status, &UserOut::from(row), version)
}

/// List users.
#[utoipa::path(get, path = "/v1/admin/users", operation_id = "admin_list_users", tag = "users", security(("bearer" = [])), params(Paging),
    responses(
        (status = 200, description = "A page of users", body = ListResponse<UserOut>),
        Paged, ByRole,
    ))]
pub async fn list(call: AdminCall, paging: QueryParams<Paging>) -> ApiResult<HttpResponse> {
    admin_list::respond(call, Action::ManageUsers, paging, users::list, UserOut::from).await
}

/// Create a user with a role and password.
#[utoipa::path(post, path = "/v1/admin/users", operation_id = "admin_create_user", tag = "users", security(("bearer" = [])), request_body = UserCreate,
    responses(
        (status = 201, description = "Created", body = UserOut),
        JsonInput, ByRole,
        (status = 409, description = "E-mail already taken", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(AdminCall { req, state, user }: AdminCall, body: JsonBody<UserCreate>) -> ApiResult<HttpResponse> {
    user.require(Action::ManageUsers)?;
    let input = body.0;
    let actor = user.actor();
    let row = state.write(move |tx| Ok(rules::create(tx, &actor, &input)?)).await?;
    respond(&req, StatusCode::CREATED, row)
}

/// Get a user.
#[utoipa::path(get, path = "/v1/admin/users/{id}", operation_id = "admin_get_user", tag = "users", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "The user; `ETag` is its version", body = UserOut),
        NotModified, AdminWrite,
    ))]
pub async fn get(AdminCall { req, state, user }: AdminCall, id: web::Path<String>) -> ApiResult<HttpResponse> {
    user.require(Action::ManageUsers)?;
    let row = state.read(move |conn| users::find(conn, &id)).await.map_err(|e| not_found_as(e, "user"))?;
    respond(&req, StatusCode::OK, row)
}

/// Change a user's name, role, password, author link, or disable them. Disabling or a new
/// password signs them out everywhere.
#[utoipa::path(patch, path = "/v1/admin/users/{id}", operation_id = "admin_update_user", tag = "users", security(("bearer" = [])), request_body = UserPatch,
    params(("id" = String, Path, description = "User id"), IfMatchRequired),
    responses(
        (status = 200, description = "Updated", body = UserOut),
        JsonInput, AdminVersionedWrite,
        (status = 409, description = "An admin cannot demote or disable themselves", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    AdminCall { req, state, user }: AdminCall,
    id: web::Path<String>,
    body: JsonBody<UserPatch>,
) -> ApiResult<HttpResponse> {
    user.require(Action::ManageUsers)?;
    let precondition = crate::extract::if_match(&req)?;
    let patch = body.0;
    let id = id.into_inner();
    let row = state
        .write(move |tx| Ok(rules::update(tx, &user, &id, precondition, &patch)?))
        .await
        .map_err(|e| not_found_as(e, "user"))?;
    respond(&req, StatusCode::OK, row)
}

/// The logged-in user.
#[utoipa::path(get, path = "/v1/me", operation_id = "get_me", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller", body = UserOut),
        (status = 401, description = "Missing, invalid or expired token", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn me(AdminCall { state, user, .. }: AdminCall) -> ApiResult<HttpResponse> {
    let row = state.read(move |conn| users::find(conn, &user.id)).await?;
    Ok(private_json(StatusCode::OK, &UserOut::from(row)))
}
