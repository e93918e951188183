//! Users: the people who log in to the editorial API.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::any_of::one_or_any_of;
use crate::schema::users;
use crate::{DbConn, Page, PageRequest, StoreResult};

/// A user as stored, and as inserted (at version 1).
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub password_hash: String,
    pub author_id: Option<String>,
    pub disabled: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Moves on whenever the user's access tokens must stop working (see [`end_access_tokens`]).
    pub token_generation: i64,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub name: Option<String>,
    pub role: Option<String>,
    pub password_hash: Option<String>,
    pub author_id: Option<Option<String>>,
    pub disabled: Option<bool>,
}

pub fn count(conn: &mut DbConn) -> StoreResult<i64> {
    Ok(users::table.count().get_result(conn)?)
}

pub fn list(conn: &mut DbConn, page: PageRequest) -> StoreResult<Page<UserRow>> {
    let total = count(conn)?;
    let items = users::table
        .order((users::email.asc(), users::id.asc()))
        .limit(page.limit)
        .offset(page.offset)
        .load::<UserRow>(conn)?;
    Ok(Page { items, total })
}

/// The display names of the users in `ids`: one statement.
pub fn names(conn: &mut DbConn, ids: &[String]) -> StoreResult<HashMap<String, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = one_or_any_of!(users::id, ids, |by_id| {
        users::table.filter(by_id).select((users::id, users::name)).load::<(String, String)>(conn)?
    });
    Ok(rows.into_iter().collect())
}

pub fn find(conn: &mut DbConn, id: &str) -> StoreResult<UserRow> {
    Ok(users::table.find(id).first(conn)?)
}

/// Looks a user up by an already normalised (lowercased) e-mail.
pub fn find_by_email(conn: &mut DbConn, email: &str) -> StoreResult<Option<UserRow>> {
    Ok(users::table.filter(users::email.eq(email)).first(conn).optional()?)
}

pub fn insert(conn: &mut DbConn, row: &UserRow) -> StoreResult<UserRow> {
    Ok(diesel::insert_into(users::table).values(row).returning(users::all_columns).get_result(conn)?)
}

/// Applies `changes` and bumps the version, if the version still is `expected` (when given).
pub fn update(conn: &mut DbConn, id: &str, expected: Option<i64>, changes: &UserChanges) -> StoreResult<UserRow> {
    let (low, high) = crate::version_range(expected);
    let updated = diesel::update(users::table)
        .filter(users::id.eq(id))
        .filter(users::version.between(low, high))
        .set((changes, users::version.eq(users::version + 1), users::updated_at.eq(crate::now())))
        .returning(users::all_columns)
        .get_result::<UserRow>(conn)
        .optional()?;
    updated.ok_or_else(|| crate::version_conflict(find(conn, id).map(|current| current.version)))
}

/// Ends every access token issued to the user so far: each carries the generation it was issued
/// under, and the extractor refuses any but the current one.
pub fn end_access_tokens(conn: &mut DbConn, id: &str) -> StoreResult<()> {
    diesel::update(users::table.filter(users::id.eq(id)))
        .set(users::token_generation.eq(users::token_generation + 1))
        .execute(conn)?;
    Ok(())
}
