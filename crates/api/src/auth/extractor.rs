//! `AuthUser`: put it in a handler's arguments and the route needs a valid, live account.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use newsdesk_domain::{permissions, Action, Role};
use newsdesk_persistence::users;

use crate::error::ApiError;
use crate::state::AppState;

/// The caller of an editorial route, loaded fresh so a disabled account or a changed role
/// takes effect at once, not when the token expires.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub author_id: Option<String>,
}

impl AuthUser {
    /// 403 unless the permission table allows `action` for this user's role.
    pub fn require(&self, action: Action) -> Result<(), ApiError> {
        if permissions::can(self.role, action) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!("the {} role may not do this", self.role.as_str())))
        }
    }
}

fn bearer(req: &HttpRequest) -> Result<String, ApiError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::Unauthorized("send `Authorization: Bearer <access token>`".into()))?;
    let text = value.to_str().unwrap_or_default();
    match text.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => {
            Ok(token.trim().to_owned())
        }
        _ => Err(ApiError::Unauthorized("the Authorization header must be `Bearer <access token>`".into())),
    }
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Internal("app state missing".into()))?;
            let claims = state.tokens.verify_access(&token?)?;
            let user = state
                .read(move |conn| match users::find(conn, &claims.sub) {
                    Ok(user) => Ok(Some(user)),
                    Err(newsdesk_persistence::StoreError::NotFound) => Ok(None),
                    Err(e) => Err(e),
                })
                .await?
                .ok_or_else(|| ApiError::Unauthorized("the account no longer exists".into()))?;
            if user.disabled {
                return Err(ApiError::Unauthorized("the account is disabled".into()));
            }
            let role = Role::parse(&user.role).map_err(ApiError::Internal)?;
            Ok(AuthUser { id: user.id, email: user.email, name: user.name, role, author_id: user.author_id })
        })
    }
}
