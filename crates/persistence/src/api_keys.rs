//! API keys for integrations: stored as a lookup prefix and a hash of the secret.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{api_keys, users};
use crate::users::UserRow;
use crate::{DbConn, Page, PageRequest, StoreError, StoreResult};

/// A key as stored, and as inserted (neither revoked nor used yet).
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = api_keys)]
pub struct ApiKeyRow {
    pub id: String,
    pub name: String,
    pub role: String,
    pub prefix: String,
    pub secret_hash: String,
    pub created_by: String,
    pub expires_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, row: &ApiKeyRow) -> StoreResult<ApiKeyRow> {
    Ok(diesel::insert_into(api_keys::table).values(row).returning(api_keys::all_columns).get_result(conn)?)
}

pub fn list(conn: &mut DbConn, page: PageRequest) -> StoreResult<Page<ApiKeyRow>> {
    let total = api_keys::table.count().get_result::<i64>(conn)?;
    let items = api_keys::table
        .order((api_keys::created_at.desc(), api_keys::id.desc()))
        .limit(page.limit)
        .offset(page.offset)
        .load(conn)?;
    Ok(Page { items, total })
}

pub fn find(conn: &mut DbConn, id: &str) -> StoreResult<ApiKeyRow> {
    Ok(api_keys::table.find(id).first(conn)?)
}

/// The key with `prefix` and the user who created it, in one statement: every call with a
/// key needs both.
pub fn find_with_owner(conn: &mut DbConn, prefix: &str) -> StoreResult<Option<(ApiKeyRow, UserRow)>> {
    Ok(api_keys::table
        .inner_join(users::table.on(users::id.eq(api_keys::created_by)))
        .filter(api_keys::prefix.eq(prefix))
        .select((api_keys::all_columns, users::all_columns))
        .first(conn)
        .optional()?)
}

/// Revokes a key; revoking twice is harmless.
pub fn revoke(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> StoreResult<ApiKeyRow> {
    let row = find(conn, id)?;
    if row.revoked_at.is_some() {
        return Ok(row);
    }
    diesel::update(api_keys::table.filter(api_keys::id.eq(id)))
        .set(api_keys::revoked_at.eq(at))
        .returning(api_keys::all_columns)
        .get_result(conn)
        .map_err(StoreError::from)
}

/// How stale `last_used_at` may get: it records use to the minute, not every call.
pub const TOUCH_EVERY_SECONDS: i64 = 60;

/// A recorded use older than this, at `at`, is stale.
fn stale_before(at: NaiveDateTime) -> NaiveDateTime {
    at - chrono::Duration::seconds(TOUCH_EVERY_SECONDS)
}

/// Whether a key last used at `last_used` should record a use at `at` (see [`touch`]).
pub fn use_is_stale(last_used: Option<NaiveDateTime>, at: NaiveDateTime) -> bool {
    last_used.is_none_or(|used| used < stale_before(at))
}

/// Records use, at most once a minute per key so busy integrations do not write on every call.
/// The same rule guards the write, so concurrent calls record one use between them.
pub fn touch(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> StoreResult<()> {
    let stale = stale_before(at);
    diesel::update(api_keys::table.filter(api_keys::id.eq(id)))
        .filter(api_keys::last_used_at.is_null().or(api_keys::last_used_at.lt(stale)))
        .set(api_keys::last_used_at.eq(at))
        .execute(conn)?;
    Ok(())
}
