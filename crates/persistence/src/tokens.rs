//! Refresh tokens, stored only as hashes and rotated on every use. A login starts a family;
//! each token rotated from it joins the family, so a replayed token can end the whole session.

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
    /// The login session it belongs to: a new id at login, the spent token's at refresh.
    pub family_id: String,
}

/// Whose token it was, and which family.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Holder {
    pub user_id: String,
    pub family_id: String,
}

pub fn insert(conn: &mut DbConn, row: &NewRefreshToken) -> StoreResult<()> {
    diesel::insert_into(refresh_tokens::table).values(row).execute(conn)?;
    Ok(())
}

/// Revokes a live token and returns its holder, in one statement, so a token can be spent once.
pub fn consume(conn: &mut DbConn, token_hash: &str, now: NaiveDateTime) -> StoreResult<Option<Holder>> {
    Ok(diesel::update(refresh_tokens::table)
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .filter(refresh_tokens::revoked_at.is_null())
        .filter(refresh_tokens::expires_at.gt(now))
        .set(refresh_tokens::revoked_at.eq(now))
        .returning((refresh_tokens::user_id, refresh_tokens::family_id))
        .get_result::<Holder>(conn)
        .optional()?)
}

/// The holder of a token that was spent or revoked already, if it is one of ours.
pub fn find_revoked(conn: &mut DbConn, token_hash: &str) -> StoreResult<Option<Holder>> {
    Ok(refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .filter(refresh_tokens::revoked_at.is_not_null())
        .select((refresh_tokens::user_id, refresh_tokens::family_id))
        .first::<Holder>(conn)
        .optional()?)
}

/// Revokes every live token of a family (one login session); returns how many were live.
pub fn revoke_family(conn: &mut DbConn, family_id: &str, now: NaiveDateTime) -> StoreResult<usize> {
    Ok(diesel::update(refresh_tokens::table)
        .filter(refresh_tokens::family_id.eq(family_id))
        .filter(refresh_tokens::revoked_at.is_null())
        .set(refresh_tokens::revoked_at.eq(now))
        .execute(conn)?)
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
