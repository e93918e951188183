//! `AuthUser`: put it in a handler's arguments and the route needs a valid, live account or
//! API key.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use newsdesk_domain::{Action, Role};
use newsdesk_newsroom::Caller;
use newsdesk_persistence::{users, StoreError};

use crate::error::ApiError;
use crate::middleware::origin;
use crate::state::AppState;

/// The caller of an editorial route, loaded fresh so a disabled account, a changed role or a
/// revoked key takes effect at once, not when the token expires: an access token issued before
/// the account's password, role or status last changed is refused (its token generation is
/// old). The use cases take the [`Caller`] inside.
#[derive(Debug, Clone)]
pub struct AuthUser(pub Caller);

impl std::ops::Deref for AuthUser {
    type Target = Caller;

    fn deref(&self) -> &Caller {
        &self.0
    }
}

impl AuthUser {
    /// 403 unless the permission table allows `action` for this user's role.
    pub fn require(&self, action: Action) -> Result<(), ApiError> {
        Ok(self.0.require(action)?)
    }
}

fn bearer(req: &HttpRequest) -> Result<String, ApiError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::Unauthorized("send `Authorization: Bearer <access token or API key>`".into()))?;
    let text = value.to_str().unwrap_or_default();
    match text.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => {
            Ok(token.trim().to_owned())
        }
        _ => Err(ApiError::Unauthorized("the Authorization header must be `Bearer <access token or API key>`".into())),
    }
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        let (request_id, client_ip) = origin(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Internal("app state missing".into()))?;
            let token = token?;
            let mut user = if super::api_key::looks_like_key(&token) {
                super::api_key::authenticate(&state, token).await?
            } else {
                let claims = state.tokens.verify_access(&token)?;
                let row = state
                    .read(move |conn| match users::find(conn, &claims.sub) {
                        Ok(user) => Ok(Some(user)),
                        Err(StoreError::NotFound) => Ok(None),
                        Err(e) => Err(e),
                    })
                    .await?
                    .ok_or_else(|| ApiError::Unauthorized("the account no longer exists".into()))?;
                if row.disabled {
                    return Err(ApiError::Unauthorized("the account is disabled".into()));
                }
                if claims.generation != row.token_generation {
                    return Err(ApiError::Unauthorized(
                        "the access token was ended by a change to the account (password, role or status); log in or refresh"
                            .into(),
                    ));
                }
                let role = Role::parse(&row.role).map_err(ApiError::Internal)?;
                AuthUser(Caller {
                    id: row.id,
                    email: row.email,
                    name: row.name,
                    role,
                    author_id: row.author_id,
                    key: None,
                    request_id: None,
                    client_ip: None,
                })
            };
            user.0.request_id = request_id;
            user.0.client_ip = client_ip;
            Ok(user)
        })
    }
}

/// What a handler behind login works with: the request, the app and the caller, in one
/// argument (`AdminCall { req, state, user }: AdminCall`). It fails as [`AuthUser`] does.
pub struct AdminCall {
    pub req: HttpRequest,
    pub state: web::Data<AppState>,
    pub user: AuthUser,
}

impl FromRequest for AdminCall {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let user = AuthUser::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let user = user.await?;
            let state = state.ok_or_else(|| ApiError::Internal("app state missing".into()))?;
            Ok(Self { req, state, user })
        })
    }
}
