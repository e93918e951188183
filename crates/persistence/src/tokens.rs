//! Refresh tokens, stored only as hashes and rotated on every use.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::refresh_tokens;
use crate::{DbConn, StoreResult};

#[derive(Debug, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct NewRefreshToken {
    pub token_hash: String,
    pub user_id: String,
    pub expires_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, row: &NewRefreshToken) -> StoreResult<()> {
    diesel::insert_into(refresh_tokens::table).values(row).execute(conn)?;
    Ok(())
}

/// Revokes a live token and returns its user, in one statement, so a token can be spent once.
pub fn consume(conn: &mut DbConn, token_hash: &str, now: NaiveDateTime) -> StoreResult<Option<String>> {
    Ok(diesel::update(refresh_tokens::table)
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .filter(refresh_tokens::revoked_at.is_null())
        .filter(refresh_tokens::expires_at.gt(now))
        .set(refresh_tokens::revoked_at.eq(now))
        .returning(refresh_tokens::user_id)
        .get_result::<String>(conn)
        .optional()?)
}

/// Revokes every live token of a user (when disabled or when the password changes).
pub fn revoke_all_for_user(conn: &mut DbConn, user_id: &str, now: NaiveDateTime) -> StoreResult<()> {
    diesel::update(refresh_tokens::table)
        .filter(refresh_tokens::user_id.eq(user_id))
        .filter(refresh_tokens::revoked_at.is_null())
        .set(refresh_tokens::revoked_at.eq(now))
        .execute(conn)?;
    Ok(())
}
