//! API keys as credentials: `ndk_<prefix>_<secret>`, checked against the stored hash. The keys'
//! admin routes are in the `api_keys` module.

use newsdesk_domain::Role;
use newsdesk_newsroom::api_keys::{hash, KEY_PREFIX};
use newsdesk_newsroom::Caller;
use newsdesk_persistence::api_keys as store;
use newsdesk_persistence::now;
use subtle::ConstantTimeEq;

use super::AuthUser;
use crate::error::ApiError;
use crate::state::AppState;

/// Whether a Bearer token is an API key rather than an access token.
pub fn looks_like_key(token: &str) -> bool {
    token.starts_with(KEY_PREFIX)
}

/// Checks a key and returns the caller it stands for; records its use.
pub async fn authenticate(state: &AppState, token: String) -> Result<AuthUser, ApiError> {
    let invalid = || ApiError::Unauthorized("the API key is invalid, expired or revoked".into());
    let rest = token.strip_prefix(KEY_PREFIX).ok_or_else(invalid)?;
    let (prefix, secret) = rest.split_once('_').ok_or_else(invalid)?;
    let (prefix, secret) = (prefix.to_owned(), secret.to_owned());
    let found = state.read(move |conn| store::find_with_owner(conn, &prefix)).await?;
    let (key, owner) = found.ok_or_else(invalid)?;
    let genuine: bool = hash(&secret).as_bytes().ct_eq(key.secret_hash.as_bytes()).into();
    // A key stops with its owner: disabling the admin who made it disables their keys too.
    let live = key.revoked_at.is_none() && key.expires_at.is_none_or(|at| at > now()) && !owner.disabled;
    if !genuine || !live {
        return Err(invalid());
    }
    // The stored time moves at most once a minute; skipping the write transaction when it is
    // fresh keeps a busy integration's every call from queuing behind the other writers.
    let at = now();
    if store::use_is_stale(key.last_used_at, at) {
        let id = key.id.clone();
        state
            .write(move |tx| {
                store::touch(tx.conn(), &id, at)?;
                Ok(tx.nothing_to_record(()))
            })
            .await?;
    }
    Ok(AuthUser(Caller {
        id: owner.id,
        email: owner.email,
        name: key.name.clone(),
        // Never more than the owner may do now: demoting the owner demotes their keys.
        role: Role::parse(&key.role)
            .map_err(ApiError::Internal)?
            .lesser(Role::parse(&owner.role).map_err(ApiError::Internal)?),
        author_id: owner.author_id,
        key: Some((key.id, key.name)),
        request_id: None,
        client_ip: None,
    }))
}
