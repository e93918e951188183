//! Authors, sources, sections and tags: named, slugged resources with the same life cycle.
//!
//! Each resource implements [`Term`]; the handlers here are written once and each resource
//! module instantiates them with its own paths and OpenAPI text via [`term_routes!`].

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use newsdesk_domain::{Action, FieldError};
use newsdesk_persistence::{DbConn, Page, PageRequest, StoreResult};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::audit::record;
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::extract::{JsonBody, Paging, Precondition, QueryParams};
use crate::respond::{private_json, public_json_at, versioned_json};
use crate::state::AppState;
use crate::users::not_found_as;

pub mod authors;
pub mod labels;
pub mod sections;
pub mod sources;
pub mod tags;

/// What the shared handlers need to know about one resource.
pub trait Term: 'static {
    /// Singular name used in messages ("author").
    const NAME: &'static str;
    type Row: Send + 'static;
    type New: Send + 'static;
    type Changes: Send + 'static;
    type Create: DeserializeOwned + Send + 'static;
    type Patch: DeserializeOwned + Send + 'static;
    type Out: Serialize + utoipa::ToSchema;

    fn id(row: &Self::Row) -> &str;
    fn version(row: &Self::Row) -> i64;
    fn validate_create(input: Self::Create) -> Result<Self::New, Vec<FieldError>>;
    fn validate_patch(input: Self::Patch) -> Result<Self::Changes, Vec<FieldError>>;
    /// The admin view (private fields included, no count).
    fn admin_view(row: Self::Row) -> Self::Out;
    /// The public view, with its count of published articles.
    fn public_view(row: Self::Row, published: i64) -> Self::Out;

    fn list(conn: &mut DbConn, page: PageRequest) -> StoreResult<Page<Self::Row>>;
    fn find(conn: &mut DbConn, id: &str) -> StoreResult<Self::Row>;
    fn find_by_slug(conn: &mut DbConn, slug: &str) -> StoreResult<Self::Row>;
    fn insert(conn: &mut DbConn, row: &Self::New) -> StoreResult<Self::Row>;
    fn update(conn: &mut DbConn, id: &str, expected: Option<i64>, changes: &Self::Changes) -> StoreResult<Self::Row>;
    fn delete(conn: &mut DbConn, id: &str, expected: Option<i64>) -> StoreResult<()>;
    fn published_counts(conn: &mut DbConn, ids: &[String]) -> StoreResult<HashMap<String, i64>>;
}

/// Implements the storage half of [`Term`] by delegating to a persistence module.
macro_rules! delegate_store {
    ($store:ident) => {
        fn list(conn: &mut DbConn, page: PageRequest) -> StoreResult<Page<Self::Row>> {
            $store::list(conn, page)
        }
        fn find(conn: &mut DbConn, id: &str) -> StoreResult<Self::Row> {
            $store::find(conn, id)
        }
        fn find_by_slug(conn: &mut DbConn, slug: &str) -> StoreResult<Self::Row> {
            $store::find_by_slug(conn, slug)
        }
        fn insert(conn: &mut DbConn, row: &Self::New) -> StoreResult<Self::Row> {
            $store::insert(conn, row)
        }
        fn update(
            conn: &mut DbConn,
            id: &str,
            expected: Option<i64>,
            changes: &Self::Changes,
        ) -> StoreResult<Self::Row> {
            $store::update(conn, id, expected, changes)
        }
        fn delete(conn: &mut DbConn, id: &str, expected: Option<i64>) -> StoreResult<()> {
            $store::delete(conn, id, expected)
        }
        fn published_counts(conn: &mut DbConn, ids: &[String]) -> StoreResult<std::collections::HashMap<String, i64>> {
            $store::published_counts(conn, ids)
        }
        fn id(row: &Self::Row) -> &str {
            &row.id
        }
        fn version(row: &Self::Row) -> i64 {
            row.version
        }
    };
}
pub(crate) use delegate_store;

pub async fn admin_list<T: Term>(
    req: HttpRequest,
    state: web::Data<AppState>,
    _user: AuthUser,
    paging: QueryParams<Paging>,
) -> ApiResult<HttpResponse> {
    let window = paging.0.window(&state.cursors, &req)?;
    let request = window.request();
    let found = state.read(move |conn| T::list(conn, request)).await?;
    let data: Vec<T::Out> = found.items.into_iter().map(T::admin_view).collect();
    Ok(private_json(StatusCode::OK, &window.respond(&req, &state.cursors, data, found.total)))
}

pub async fn admin_create<T: Term>(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    body: JsonBody<T::Create>,
) -> ApiResult<HttpResponse> {
    user.require(Action::ManageTaxonomy)?;
    let new = T::validate_create(body.0)?;
    let actor = user.actor();
    let row = state
        .write(move |conn| {
            let row = T::insert(conn, &new)?;
            record(conn, &actor, &format!("{}.create", T::NAME), Some((T::NAME, T::id(&row))), None)?;
            Ok(row)
        })
        .await?;
    let version = T::version(&row);
    let location = format!("{}/{}", req.path().trim_end_matches('/'), T::id(&row));
    let mut response = versioned_json(&req, StatusCode::CREATED, &T::admin_view(row), version)?;
    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&location) {
        response.headers_mut().insert(actix_web::http::header::LOCATION, value);
    }
    Ok(response)
}

pub async fn admin_get<T: Term>(
    req: HttpRequest,
    state: web::Data<AppState>,
    _user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let row = state.read(move |conn| T::find(conn, &id)).await.map_err(|e| not_found_as(e, T::NAME))?;
    let version = T::version(&row);
    versioned_json(&req, StatusCode::OK, &T::admin_view(row), version)
}

pub async fn admin_update<T: Term>(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: JsonBody<T::Patch>,
) -> ApiResult<HttpResponse> {
    user.require(Action::ManageTaxonomy)?;
    let precondition = Precondition::read(&req)?;
    let changes = T::validate_patch(body.0)?;
    let actor = user.actor();
    let row = state
        .write(move |conn| {
            T::find(conn, &id)?;
            let expected = precondition.required(None)?;
            let row = T::update(conn, &id, expected, &changes)?;
            record(
                conn,
                &actor,
                &format!("{}.update", T::NAME),
                Some((T::NAME, T::id(&row))),
                Some(serde_json::json!({"version": T::version(&row)})),
            )?;
            Ok(row)
        })
        .await
        .map_err(|e| not_found_as(e, T::NAME))?;
    let version = T::version(&row);
    versioned_json(&req, StatusCode::OK, &T::admin_view(row), version)
}

pub async fn admin_delete<T: Term>(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    user.require(Action::ManageTaxonomy)?;
    let precondition = Precondition::read(&req)?;
    let actor = user.actor();
    state
        .write(move |conn| {
            T::find(conn, &id)?;
            T::delete(conn, &id, precondition.required(None)?)?;
            Ok(record(conn, &actor, &format!("{}.delete", T::NAME), Some((T::NAME, &id)), None)?)
        })
        .await
        .map_err(|e| not_found_as(e, T::NAME))?;
    Ok(HttpResponse::NoContent().finish())
}

pub async fn public_list<T: Term>(
    req: HttpRequest,
    state: web::Data<AppState>,
    paging: QueryParams<Paging>,
) -> ApiResult<HttpResponse> {
    let window = paging.0.window(&state.cursors, &req)?;
    let request = window.request();
    let (found, counts, changed) = state
        .read(move |conn| {
            let changed = newsdesk_persistence::audit::last_change(conn)?;
            let found = T::list(conn, request)?;
            let ids: Vec<String> = found.items.iter().map(|r| T::id(r).to_owned()).collect();
            let counts = T::published_counts(conn, &ids)?;
            Ok((found, counts, changed))
        })
        .await?;
    let data: Vec<T::Out> = found
        .items
        .into_iter()
        .map(|row| {
            let count = counts.get(T::id(&row)).copied().unwrap_or(0);
            T::public_view(row, count)
        })
        .collect();
    crate::cache::tag(&req, vec![crate::cache::Tag::Lists]);
    public_json_at(&req, &window.respond(&req, &state.cursors, data, found.total), changed)
}

pub async fn public_get<T: Term>(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (row, count, changed) = state
        .read(move |conn| {
            let changed = newsdesk_persistence::audit::last_change(conn)?;
            let row = T::find_by_slug(conn, &slug)?;
            let count = T::published_counts(conn, &[T::id(&row).to_owned()])?;
            Ok((row, count.into_values().next().unwrap_or(0), changed))
        })
        .await
        .map_err(|e| not_found_as(e, T::NAME))?;
    crate::cache::tag(&req, vec![crate::cache::Tag::Lists]);
    public_json_at(&req, &T::public_view(row, count), changed)
}

/// Declares a resource's seven documented handlers and a `configure` that routes them.
macro_rules! term_routes {
    ($T:ty, $tag:literal, $admin:literal, $admin_item:literal, $public:literal, $public_item:literal, $Create:ty, $Patch:ty, $Out:ty) => {
        use actix_web::{web, HttpRequest, HttpResponse};

        use crate::auth::AuthUser;
        use crate::error::{ApiResult, Problem};
        use crate::extract::{IfMatch, JsonBody, Paging, QueryParams};
        use crate::respond::ListResponse;
        use crate::responses::{AdminRead, AdminVersionedWrite, ByRole, JsonInput, LoggedIn, NotModified, Paged, PublicRead};
        use crate::state::AppState;

        #[utoipa::path(get, path = $admin, operation_id = concat!("admin_list_", $tag), tag = $tag, security(("bearer" = [])), params(Paging),
            responses(
                (status = 200, description = "A page, by name", body = ListResponse<$Out>),
                Paged, LoggedIn,
            ))]
        pub async fn admin_list(req: HttpRequest, state: web::Data<AppState>, user: AuthUser, paging: QueryParams<Paging>) -> ApiResult<HttpResponse> {
            super::admin_list::<$T>(req, state, user, paging).await
        }

        #[utoipa::path(post, path = $admin, operation_id = concat!("admin_create_", $tag), tag = $tag, security(("bearer" = [])), request_body = $Create,
            responses(
                (status = 201, description = "Created; `Location` points at it and `ETag` is its version", body = $Out),
                (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = "Slug already taken", body = Problem, content_type = "application/problem+json"),
                (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
                JsonInput, ByRole,
            ))]
        pub async fn admin_create(req: HttpRequest, state: web::Data<AppState>, user: AuthUser, body: JsonBody<$Create>) -> ApiResult<HttpResponse> {
            super::admin_create::<$T>(req, state, user, body).await
        }

        #[utoipa::path(get, path = $admin_item, operation_id = concat!("admin_get_", $tag), tag = $tag, security(("bearer" = [])),
            params(("id" = String, Path, description = "Id")),
            responses(
                (status = 200, description = "Found; `ETag` is its version", body = $Out),
                NotModified, AdminRead,
            ))]
        pub async fn admin_get(req: HttpRequest, state: web::Data<AppState>, user: AuthUser, id: web::Path<String>) -> ApiResult<HttpResponse> {
            super::admin_get::<$T>(req, state, user, id).await
        }

        #[utoipa::path(patch, path = $admin_item, operation_id = concat!("admin_update_", $tag), tag = $tag, security(("bearer" = [])), request_body = $Patch,
            params(("id" = String, Path, description = "Id"), IfMatch),
            responses(
                (status = 200, description = "Updated", body = $Out),
                (status = 400, description = "Malformed JSON or If-Match", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = "Slug already taken", body = Problem, content_type = "application/problem+json"),
                (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
                JsonInput, AdminVersionedWrite,
            ))]
        pub async fn admin_update(req: HttpRequest, state: web::Data<AppState>, user: AuthUser, id: web::Path<String>, body: JsonBody<$Patch>) -> ApiResult<HttpResponse> {
            super::admin_update::<$T>(req, state, user, id, body).await
        }

        #[utoipa::path(delete, path = $admin_item, operation_id = concat!("admin_delete_", $tag), tag = $tag, security(("bearer" = [])),
            params(("id" = String, Path, description = "Id"), IfMatch),
            responses(
                (status = 204, description = "Deleted; articles keep everything else"),
                (status = 400, description = "Malformed If-Match", body = Problem, content_type = "application/problem+json"),
                AdminVersionedWrite,
            ))]
        pub async fn admin_delete(req: HttpRequest, state: web::Data<AppState>, user: AuthUser, id: web::Path<String>) -> ApiResult<HttpResponse> {
            super::admin_delete::<$T>(req, state, user, id).await
        }

        #[utoipa::path(get, path = $public, operation_id = concat!("public_list_", $tag), tag = $tag, params(Paging),
            responses(
                (status = 200, description = "A page, by name, each with its count of published articles", body = ListResponse<$Out>),
                NotModified, Paged,
            ))]
        pub async fn public_list(req: HttpRequest, state: web::Data<AppState>, paging: QueryParams<Paging>) -> ApiResult<HttpResponse> {
            super::public_list::<$T>(req, state, paging).await
        }

        #[utoipa::path(get, path = $public_item, operation_id = concat!("public_get_", $tag), tag = $tag,
            params(("slug" = String, Path, description = "Slug")),
            responses(
                (status = 200, description = "Found, with its count of published articles", body = $Out),
                PublicRead,
            ))]
        pub async fn public_get(req: HttpRequest, state: web::Data<AppState>, slug: web::Path<String>) -> ApiResult<HttpResponse> {
            super::public_get::<$T>(req, state, slug).await
        }

        /// Routes and documents this resource's public and admin endpoints.
        pub fn routes(api: &mut crate::routes::Routes) {
            use crate::routes;
            api.add(routes!(public_list))
                .add(routes!(public_get))
                .add(routes!(admin_list, admin_create))
                .add(routes!(admin_get, admin_update, admin_delete));
        }
    };
}
pub(crate) use term_routes;

/// Validates an optional slug, or derives one from the name.
pub fn slug_or_from(v: &mut newsdesk_domain::Violations, slug: Option<&str>, name: &str) -> Option<String> {
    use newsdesk_domain::Slug;
    match slug {
        Some(slug) => v.check("slug", Slug::parse(slug)),
        None if name.trim().is_empty() => None,
        None => v.check("slug", Slug::from_title(name)),
    }
    .map(Slug::into_inner)
}

/// Validates an optional, nullable text field of a PATCH.
pub fn optional_text(
    v: &mut newsdesk_domain::Violations,
    field: &str,
    value: Option<Option<String>>,
    max: usize,
) -> Option<Option<String>> {
    use newsdesk_domain::validation::bounded_text;
    match value {
        None => None,
        Some(None) => Some(None),
        Some(Some(text)) => v.check(field, bounded_text(&text, max)).map(|t| Some(t).filter(|t| !t.is_empty())),
    }
}

/// Validates an optional, nullable URL field of a PATCH.
pub fn optional_url(
    v: &mut newsdesk_domain::Violations,
    field: &str,
    value: Option<Option<String>>,
) -> Option<Option<String>> {
    match value {
        None => None,
        Some(None) => Some(None),
        Some(Some(url)) => v.check(field, newsdesk_domain::validation::http_url(&url)).map(Some),
    }
}

/// Validates a required name.
pub fn name(v: &mut newsdesk_domain::Violations, value: &str) -> Option<String> {
    v.check("name", newsdesk_domain::validation::required_text(value, 200))
}

/// 422 when a write changes nothing a client can see: better than a silent no-op.
pub fn require_any<T>(present: bool, value: T) -> Result<T, Vec<FieldError>> {
    if present {
        Ok(value)
    } else {
        Err(vec![FieldError { field: "body".into(), message: "send at least one field to change".into() }])
    }
}
