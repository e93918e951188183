//! `/v1/admin/users`: accounts and roles, for admins only.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use newsdesk_domain::{user as rules, Action, Role, Violations};
use newsdesk_newsroom::Change;
use newsdesk_persistence::{authors, new_id, now, tokens, users};
use serde::{Deserialize, Serialize};
use serde_with::rust::double_option;
use utoipa::ToSchema;

use crate::auth::{password, AuthUser};
use crate::error::{not_found_as, ApiError, ApiResult, Problem};
use crate::extract::{IfMatch, JsonBody, Paging, QueryParams};
use crate::respond::{private_json, versioned_json, ListResponse};
use crate::responses::{AdminVersionedWrite, AdminWrite, ByRole, JsonInput, NotModified, Paged};
use crate::state::AppState;

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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "reporter@example.org", "name": "Ana Reporter", "role": "author", "password": "a long enough passphrase"}))]
pub struct UserCreate {
    #[schema(format = "email", max_length = 254)]
    pub email: String,
    #[schema(
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$",
        max_length = 200
    )]
    pub name: String,
    pub role: Role,
    /// At least 12 characters.
    #[schema(max_length = 256, min_length = 12)]
    pub password: String,
    /// Link to an author profile by its slug.
    #[schema(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120)]
    pub author: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"role": "editor", "disabled": false}))]
pub struct UserPatch {
    #[schema(
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$",
        max_length = 200
    )]
    pub name: Option<String>,
    pub role: Option<Role>,
    #[schema(max_length = 256, min_length = 12)]
    pub password: Option<String>,
    pub disabled: Option<bool>,
    /// An author profile slug, or null to unlink.
    #[serde(default, with = "double_option")]
    #[schema(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120, value_type = Option<String>)]
    pub author: Option<Option<String>>,
}

/// Creates a user from validated input; shared with the CLI and the first-start admin.
pub fn create_user(conn: &mut newsdesk_persistence::DbConn, input: &UserCreate) -> Result<users::UserRow, ApiError> {
    let mut v = Violations::new();
    let email = v.check("email", rules::email(&input.email));
    let name = v.check("name", newsdesk_domain::validation::required_text(&input.name, 200));
    let role = Some(input.role);
    v.check("password", rules::new_password(&input.password));
    let author_id = resolve_author(conn, &mut v, input.author.as_deref())?;
    v.into_result()?;
    let (Some(email), Some(name), Some(role)) = (email, name, role) else {
        return Err(ApiError::Internal("validated fields missing".into()));
    };
    let at = now();
    Ok(users::insert(
        conn,
        &users::NewUser {
            id: new_id(),
            email,
            name,
            role: role.as_str().into(),
            password_hash: password::hash(&input.password)?,
            author_id,
            disabled: false,
            created_at: at,
            updated_at: at,
        },
    )?)
}

fn resolve_author(
    conn: &mut newsdesk_persistence::DbConn,
    v: &mut Violations,
    slug: Option<&str>,
) -> Result<Option<String>, ApiError> {
    let Some(slug) = slug else { return Ok(None) };
    match authors::find_by_slug(conn, slug) {
        Ok(author) => Ok(Some(author.id)),
        Err(newsdesk_persistence::StoreError::NotFound) => {
            v.add("author", format!("no author with slug `{slug}`"));
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// List users.
#[utoipa::path(get, path = "/v1/admin/users", operation_id = "admin_list_users", tag = "users", security(("bearer" = [])), params(Paging),
    responses(
        (status = 200, description = "A page of users", body = ListResponse<UserOut>),
        Paged, ByRole,
    ))]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    paging: QueryParams<Paging>,
) -> ApiResult<HttpResponse> {
    user.require(Action::ManageUsers)?;
    let window = paging.0.window(&state.cursors, &req)?;
    let request = window.request();
    let found = state.read(move |conn| users::list(conn, request)).await?;
    let data = found.items.into_iter().map(UserOut::from).collect();
    Ok(private_json(StatusCode::OK, &window.respond(&req, &state.cursors, data, found.total)))
}

/// Create a user with a role and password.
#[utoipa::path(post, path = "/v1/admin/users", operation_id = "admin_create_user", tag = "users", security(("bearer" = [])), request_body = UserCreate,
    responses(
        (status = 201, description = "Created", body = UserOut),
        JsonInput, ByRole,
        (status = 409, description = "E-mail already taken", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    body: JsonBody<UserCreate>,
) -> ApiResult<HttpResponse> {
    user.require(Action::ManageUsers)?;
    let input = body.0;
    let actor = user.actor();
    let row = state
        .write(move |tx| {
            let row = create_user(tx.conn(), &input)?;
            let change = Change::UserCreated { id: row.id.clone(), email: row.email.clone(), role: row.role.clone() };
            Ok(tx.record(&actor, change, row)?)
        })
        .await?;
    let version = row.version;
    versioned_json(&req, StatusCode::CREATED, &UserOut::from(row), version)
}

/// Get a user.
#[utoipa::path(get, path = "/v1/admin/users/{id}", operation_id = "admin_get_user", tag = "users", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "The user; `ETag` is its version", body = UserOut),
        NotModified, AdminWrite,
    ))]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    user.require(Action::ManageUsers)?;
    let row = state.read(move |conn| users::find(conn, &id)).await.map_err(|e| not_found_as(e, "user"))?;
    let version = row.version;
    versioned_json(&req, StatusCode::OK, &UserOut::from(row), version)
}

/// Change a user's name, role, password, author link, or disable them. Disabling or a new
/// password signs them out everywhere.
#[utoipa::path(patch, path = "/v1/admin/users/{id}", operation_id = "admin_update_user", tag = "users", security(("bearer" = [])), request_body = UserPatch,
    params(("id" = String, Path, description = "User id"), IfMatch),
    responses(
        (status = 200, description = "Updated", body = UserOut),
        JsonInput, AdminVersionedWrite,
        (status = 409, description = "An admin cannot demote or disable themselves", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: JsonBody<UserPatch>,
) -> ApiResult<HttpResponse> {
    user.require(Action::ManageUsers)?;
    let precondition = crate::extract::if_match(&req)?;
    let patch = body.0;
    let id = id.into_inner();
    if id == user.id && (patch.disabled == Some(true) || patch.role.is_some_and(|r| r != Role::Admin)) {
        return Err(ApiError::InvalidState("you cannot demote or disable your own account".into()));
    }
    let actor = user.actor();
    let row = state
        .write(move |tx| {
            let conn = tx.conn();
            users::find(conn, &id)?;
            let expected = precondition.required(None)?;
            let mut v = Violations::new();
            let mut changes = users::UserChanges::default();
            if let Some(name) = &patch.name {
                changes.name = v.check("name", newsdesk_domain::validation::required_text(name, 200));
            }
            changes.role = patch.role.map(|r| r.as_str().to_owned());
            if let Some(new_password) = &patch.password {
                if v.check("password", rules::new_password(new_password)).is_some() {
                    changes.password_hash = Some(password::hash(new_password)?);
                }
            }
            if let Some(author) = &patch.author {
                changes.author_id = Some(resolve_author(conn, &mut v, author.as_deref())?);
            }
            changes.disabled = patch.disabled;
            v.into_result()?;
            let row = users::update(conn, &id, expected, &changes)?;
            if patch.disabled == Some(true) || changes.password_hash.is_some() {
                tokens::revoke_all_for_user(conn, &id, now())?;
            }
            let detail = serde_json::json!({"role": changes.role, "disabled": changes.disabled, "password_changed": changes.password_hash.is_some()});
            Ok(tx.record(&actor, Change::UserUpdated { id: row.id.clone(), detail }, row)?)
        })
        .await
        .map_err(|e| not_found_as(e, "user"))?;
    let version = row.version;
    versioned_json(&req, StatusCode::OK, &UserOut::from(row), version)
}

/// The logged-in user.
#[utoipa::path(get, path = "/v1/me", operation_id = "get_me", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller", body = UserOut),
        (status = 401, description = "Missing, invalid or expired token", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn me(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    let row = state.read(move |conn| users::find(conn, &user.id)).await?;
    Ok(private_json(StatusCode::OK, &UserOut::from(row)))
}
