//! API keys for integrations: `ndk_<prefix>_<secret>`. The prefix finds the row; only a SHA-256
//! of the secret is stored, so the key is shown once, at creation.

use base64::Engine;
use chrono::{DateTime, Utc};
use newsdesk_domain::{validation, Action, Role, Violations};
use newsdesk_persistence::api_keys::{self as store, ApiKeyRow};
use newsdesk_persistence::{new_id, now};
use rand::RngCore;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::actor::Caller;
use crate::change::Change;
use crate::error::{NewsroomError, NewsroomResult};
use crate::time::naive;
use crate::tx::{Recorded, Tx};

/// Every key starts with this, so a Bearer token tells at once which kind it is.
pub const KEY_PREFIX: &str = "ndk_";

/// What is stored of a secret: its SHA-256, in hex.
pub fn hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// `bytes` random bytes as URL-safe text with no `-` or `_` (the key's separator).
fn random(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf).replace(['-', '_'], "x")
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

/// A key just made, with the whole key text: shown this once and never again.
pub struct CreatedKey {
    pub row: ApiKeyRow,
    pub key: String,
}

/// Checks `input` before any write.
pub fn check(input: &ApiKeyCreate) -> NewsroomResult<String> {
    let mut v = Violations::new();
    let name = v.check("name", validation::required_text(&input.name, 200));
    let expires_at = v.time("expires_at", input.expires_at);
    if expires_at.is_some_and(|at| at <= Utc::now()) {
        v.add("expires_at", "must be in the future");
    }
    v.into_result()?;
    name.ok_or_else(|| NewsroomError::Internal("validated name missing".into()))
}

/// Makes a key for `caller` (an admin), with at most the role `input` asks for.
pub fn create(tx: &mut Tx, caller: &Caller, input: &ApiKeyCreate) -> NewsroomResult<Recorded<CreatedKey>> {
    caller.require(Action::ManageApiKeys)?;
    let name = check(input)?;
    let prefix = random(9).to_lowercase();
    let secret = random(32);
    let row = ApiKeyRow {
        id: new_id(),
        name,
        role: input.role.as_str().into(),
        prefix: prefix.clone(),
        secret_hash: hash(&secret),
        created_by: caller.id.clone(),
        expires_at: input.expires_at.map(naive),
        revoked_at: None,
        last_used_at: None,
        created_at: now(),
    };
    let created = store::insert(tx.conn(), &row)?;
    let change =
        Change::ApiKeyCreated { id: created.id.clone(), name: created.name.clone(), role: created.role.clone() };
    let key = format!("{KEY_PREFIX}{prefix}_{secret}");
    Ok(tx.record(&caller.actor(), change, CreatedKey { row: created, key })?)
}

/// Revokes a key: it stops working at once (also when it already was revoked).
pub fn revoke(tx: &mut Tx, caller: &Caller, id: &str) -> NewsroomResult<Recorded<()>> {
    caller.require(Action::ManageApiKeys)?;
    let key = store::revoke(tx.conn(), id, now()).map_err(NewsroomError::not_found_as("API key"))?;
    Ok(tx.record(&caller.actor(), Change::ApiKeyRevoked { id: key.id }, ())?)
}
