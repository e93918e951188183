//! `AuthUser`: put it in a handler's arguments and the route needs a valid, live account or
//! API key.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use newsdesk_domain::{permissions, Action, Role};
use newsdesk_persistence::{users, StoreError};

use crate::audit::{origin, Actor};
use crate::error::ApiError;
use crate::state::AppState;

/// The caller of an editorial route, loaded fresh so a disabled account, a changed role or a
/// revoked key takes effect at once, not when the token expires.
#[derive(Debug, Clone)]
pub struct AuthUser {
    /// The user acting; for an API key, the admin who created it.
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub author_id: Option<String>,
    /// Set when the caller used an API key rather than a login.
    pub key: Option<(String, String)>,
    pub request_id: Option<String>,
    pub client_ip: Option<String>,
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

    /// Whether the role sees other people's articles.
    pub fn sees_all_articles(&self) -> bool {
        permissions::can(self.role, Action::ReadOthersArticles)
    }

    /// This caller as the audit log records it.
    pub fn actor(&self) -> Actor {
        let (kind, id, label) = match &self.key {
            Some((id, name)) => ("api_key", id.clone(), name.clone()),
            None => ("user", self.id.clone(), self.email.clone()),
        };
        Actor {
            kind,
            id: Some(id),
            label: Some(label),
            request_id: self.request_id.clone(),
            client_ip: self.client_ip.clone(),
        }
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
            let mut user = if crate::api_keys::looks_like_key(&token) {
                crate::api_keys::authenticate(&state, token).await?
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
                let role = Role::parse(&row.role).map_err(ApiError::Internal)?;
                AuthUser {
                    id: row.id,
                    email: row.email,
                    name: row.name,
                    role,
                    author_id: row.author_id,
                    key: None,
                    request_id: None,
                    client_ip: None,
                }
            };
            user.request_id = request_id;
            user.client_ip = client_ip;
            Ok(user)
        })
    }
}
