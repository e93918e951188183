//! `/v1/auth/*` and `/v1/me`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Duration;
use newsdesk_newsroom::{Actor, Change};
use newsdesk_persistence::{now, tokens, users};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::JsonBody;
use crate::middleware::origin;
use crate::respond::private_json;
use crate::responses::JsonInput;
use crate::state::AppState;
use crate::tokens as keys;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "editor@example.org", "password": "correct horse battery"}))]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"refresh_token": "q3Jc0m9yZ1lQ0xT9m4p6cW1hY2tlcm5ld3NkZXNr"}))]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    /// A JWT for `Authorization: Bearer`.
    pub access_token: String,
    /// An opaque token for `POST /v1/auth/refresh`; each one works once.
    pub refresh_token: String,
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    pub expires_in: i64,
}

/// Creates a token pair for a user inside the caller's transaction; the refresh token joins
/// `family_id` (the login session).
fn issue_pair(
    state: &AppState,
    conn: &mut newsdesk_persistence::DbConn,
    user: &users::UserRow,
    family_id: String,
) -> Result<TokenPair, ApiError> {
    let access_token = state.tokens.issue_access(&user.id, &user.role, user.token_generation)?;
    let refresh_token = keys::new_refresh_token();
    let issued = now();
    tokens::insert(
        conn,
        &tokens::NewRefreshToken {
            token_hash: keys::hash_refresh_token(&refresh_token),
            user_id: user.id.clone(),
            expires_at: issued + Duration::seconds(state.tokens.refresh_ttl_secs),
            created_at: issued,
            family_id,
        },
    )?;
    Ok(TokenPair { access_token, refresh_token, token_type: "Bearer".into(), expires_in: state.tokens.access_ttl_secs })
}

const BAD_LOGIN: &str = "the e-mail or password is wrong";

/// Log in with e-mail and password. After five failures at one account, the address they came
/// from waits before its next try there (`429`, `Retry-After` doubling up to 15 minutes); other
/// addresses, the owner's among them, are not held up by them.
#[utoipa::path(post, path = "/v1/auth/login", operation_id = "login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = TokenPair),
        JsonInput,
        (status = 401, description = "Wrong e-mail or password, or a disabled account", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts from this address (for this account); `Retry-After` says when to try again", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Too many logins being checked at once; `Retry-After` says when to try again", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: JsonBody<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let LoginRequest { email, password: given } = body.0;
    let email = email.trim().to_lowercase();
    let (request_id, client_ip) = origin(&req);
    let address = client_ip.clone().unwrap_or_default();
    let limits = &state.login_limits;
    if let Err(retry_after) = limits.admit(&email, &address) {
        return Err(ApiError::TooManyRequests { retry_after });
    }
    let lookup = email.clone();
    let user = if given.len() > newsdesk_domain::user::MAX_PASSWORD_LEN * 4 {
        None
    } else {
        state.read(move |conn| users::find_by_email(conn, &lookup)).await?
    };
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let turn = limits.check_turn().await.ok_or_else(|| ApiError::Busy("too many password checks waiting".into()))?;
    let valid = web::block(move || newsdesk_newsroom::password::verify(&given, stored.as_deref()))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    drop(turn);
    match &user {
        Some(user) if valid && !user.disabled => limits.succeeded(&email, &address),
        _ => limits.failed(&email, &address),
    }
    let state2 = state.clone();
    let outcome = state
        .write(move |tx| match user {
            Some(user) if valid && !user.disabled => {
                let actor = Actor {
                    kind: "user",
                    id: Some(user.id.clone()),
                    label: Some(user.email.clone()),
                    request_id,
                    client_ip,
                };
                let pair = issue_pair(&state2, tx.conn(), &user, newsdesk_persistence::new_id())?;
                Ok(tx.record(&actor, Change::LoggedIn { user_id: user.id }, Some(pair))?)
            }
            _ => {
                let actor = Actor::anonymous(request_id, client_ip, Some(email));
                Ok(tx.record(&actor, Change::LoginFailed, None)?)
            }
        })
        .await?;
    match outcome {
        Some(pair) => Ok(private_json(StatusCode::OK, &pair)),
        None => Err(ApiError::Unauthorized(BAD_LOGIN.into())),
    }
}

/// Trade a refresh token for a new pair. The old refresh token stops working; presenting it
/// again revokes every refresh token of its login session (RFC 9700: a replay means a copy
/// exists, and the server cannot tell the thief from the user).
#[utoipa::path(post, path = "/v1/auth/refresh", operation_id = "refresh_tokens", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = TokenPair),
        JsonInput,
        (status = 401, description = "Unknown, used, revoked or expired refresh token; a used one also ends its session", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn refresh(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: JsonBody<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let hash = keys::hash_refresh_token(&body.0.refresh_token);
    let (request_id, client_ip) = origin(&req);
    let state2 = state.clone();
    let pair = state
        .write(move |tx| {
            let at = now();
            let Some(holder) = tokens::consume(tx.conn(), &hash, at)? else {
                // Committed, though the answer is 401: the session ends whoever replayed it.
                let Some(spent) = tokens::find_revoked(tx.conn(), &hash)? else {
                    return Ok(tx.nothing_to_record(None));
                };
                if tokens::revoke_family(tx.conn(), &spent.family_id, at)? == 0 {
                    return Ok(tx.nothing_to_record(None));
                }
                let actor = Actor::anonymous(request_id, client_ip, None);
                return Ok(tx.record(&actor, Change::RefreshTokenReused { user_id: spent.user_id }, None)?);
            };
            let user = users::find(tx.conn(), &holder.user_id)?;
            if user.disabled {
                return Ok(tx.nothing_to_record(None));
            }
            let pair = issue_pair(&state2, tx.conn(), &user, holder.family_id)?;
            Ok(tx.nothing_to_record(Some(pair)))
        })
        .await?
        .ok_or_else(|| ApiError::Unauthorized("the refresh token is invalid or has been used".into()))?;
    Ok(private_json(StatusCode::OK, &pair))
}

/// End a login session: its refresh token, and any rotated from the same login, stop working.
/// Access tokens already issued run out on their own.
#[utoipa::path(post, path = "/v1/auth/logout", operation_id = "logout", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 204, description = "Revoked (also when it was already invalid)"),
        JsonInput,
    ))]
pub async fn logout(state: web::Data<AppState>, body: JsonBody<RefreshRequest>) -> ApiResult<HttpResponse> {
    let hash = keys::hash_refresh_token(&body.0.refresh_token);
    state
        .write(move |tx| {
            let at = now();
            let holder = match tokens::consume(tx.conn(), &hash, at)? {
                Some(live) => Some(live),
                None => tokens::find_revoked(tx.conn(), &hash)?,
            };
            if let Some(holder) = holder {
                tokens::revoke_family(tx.conn(), &holder.family_id, at)?;
            }
            Ok(tx.nothing_to_record(()))
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
