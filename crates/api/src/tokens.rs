//! Access tokens (JWT, HS256 pinned) and opaque refresh tokens.

use base64::Engine;
use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::ApiError;

pub const ISSUER: &str = "newsdesk";
pub const AUDIENCE: &str = "newsdesk-admin";
/// Preview links are signed for a different audience, so neither token works as the other.
pub const PREVIEW_AUDIENCE: &str = "newsdesk-preview";
/// Shortest secret we accept for signing tokens.
pub const MIN_SECRET_BYTES: usize = 32;

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: String,
    /// The user's token generation at issue; a token of an earlier generation is refused.
    /// Tokens from before generations existed lack it and count as the first.
    #[serde(default, rename = "gen")]
    pub generation: i64,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
}

/// What a preview link's token says: which article, until when.
#[derive(Debug, Serialize, Deserialize)]
pub struct PreviewClaims {
    pub sub: String,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
}

pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    preview_validation: Validation,
    pub access_ttl_secs: i64,
    pub refresh_ttl_secs: i64,
}

impl TokenKeys {
    pub fn new(secret: &[u8], access_ttl_secs: i64) -> Result<Self, String> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(format!("the JWT secret must be at least {MIN_SECRET_BYTES} bytes"));
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        let mut preview_validation = validation.clone();
        preview_validation.set_audience(&[PREVIEW_AUDIENCE]);
        Ok(Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            preview_validation,
            access_ttl_secs,
            refresh_ttl_secs: 30 * 24 * 3600,
        })
    }

    pub fn issue_access(&self, user_id: &str, role: &str, generation: i64) -> Result<String, ApiError> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: user_id.to_owned(),
            role: role.to_owned(),
            generation,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now,
            exp: now + self.access_ttl_secs,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| ApiError::Internal(format!("signing failed: {e}")))
    }

    /// Checks signature, algorithm, expiry, issuer and audience.
    pub fn verify_access(&self, token: &str) -> Result<Claims, ApiError> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).map(|data| data.claims).map_err(|e| {
            let why = match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => "the access token has expired; refresh it",
                _ => "the access token is invalid",
            };
            ApiError::Unauthorized(why.into())
        })
    }
}

impl TokenKeys {
    /// Signs a preview link for one article, valid for `ttl_secs`.
    pub fn issue_preview(&self, article_id: &str, ttl_secs: i64) -> Result<(String, i64), ApiError> {
        let now = Utc::now().timestamp();
        let claims = PreviewClaims {
            sub: article_id.to_owned(),
            iss: ISSUER.into(),
            aud: PREVIEW_AUDIENCE.into(),
            iat: now,
            exp: now + ttl_secs,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map(|token| (token, claims.exp))
            .map_err(|e| ApiError::Internal(format!("signing failed: {e}")))
    }

    /// The article a preview token is for, if it is genuine and unexpired.
    pub fn verify_preview(&self, token: &str) -> Result<String, ApiError> {
        jsonwebtoken::decode::<PreviewClaims>(token, &self.decoding, &self.preview_validation)
            .map(|data| data.claims.sub)
            .map_err(|_| ApiError::NotFound("this preview link is invalid or has expired".into()))
    }
}

/// A new opaque refresh token: 32 random bytes, URL-safe base64.
pub fn new_refresh_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored for a refresh token: its SHA-256, never the token itself.
pub fn hash_refresh_token(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_short_secrets() {
        assert!(TokenKeys::new(b"short", 900).is_err());
    }

    #[test]
    fn round_trips_and_rejects_tampering() {
        let keys = TokenKeys::new(&[7u8; 32], 900).unwrap();
        let token = keys.issue_access("u1", "admin", 3).unwrap();
        let claims = keys.verify_access(&token).unwrap();
        assert_eq!((claims.sub.as_str(), claims.generation), ("u1", 3));
        let other = TokenKeys::new(&[8u8; 32], 900).unwrap();
        assert!(other.verify_access(&token).is_err());
    }
}
