//! Registered webhook endpoints.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::webhooks;
use crate::{DbConn, Page, PageRequest, StoreError, StoreResult};

/// An endpoint as stored, and as inserted (at version 1).
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = webhooks)]
pub struct WebhookRow {
    pub id: String,
    pub url: String,
    pub description: Option<String>,
    /// A JSON array of event names.
    pub events: String,
    pub secret: String,
    pub active: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = webhooks)]
pub struct WebhookChanges {
    pub url: Option<String>,
    pub description: Option<Option<String>>,
    pub events: Option<String>,
    pub secret: Option<String>,
    pub active: Option<bool>,
}

pub fn list(conn: &mut DbConn, page: PageRequest) -> StoreResult<Page<WebhookRow>> {
    let total = webhooks::table.count().get_result(conn)?;
    let items = webhooks::table
        .order((webhooks::created_at.asc(), webhooks::id.asc()))
        .limit(page.limit)
        .offset(page.offset)
        .load(conn)?;
    Ok(Page { items, total })
}

pub fn find(conn: &mut DbConn, id: &str) -> StoreResult<WebhookRow> {
    Ok(webhooks::table.find(id).first(conn)?)
}

/// Active endpoints (a handful; the caller matches their events).
pub fn active(conn: &mut DbConn) -> StoreResult<Vec<WebhookRow>> {
    Ok(webhooks::table.filter(webhooks::active.eq(true)).load(conn)?)
}

pub fn insert(conn: &mut DbConn, row: &WebhookRow) -> StoreResult<WebhookRow> {
    Ok(diesel::insert_into(webhooks::table).values(row).returning(webhooks::all_columns).get_result(conn)?)
}

/// Applies `changes` and bumps the version, if the version still is `expected` (when given).
pub fn update(conn: &mut DbConn, id: &str, expected: Option<i64>, changes: &WebhookChanges) -> StoreResult<WebhookRow> {
    let (low, high) = crate::version_range(expected);
    let updated = diesel::update(webhooks::table)
        .filter(webhooks::id.eq(id))
        .filter(webhooks::version.between(low, high))
        .set((changes, webhooks::version.eq(webhooks::version + 1), webhooks::updated_at.eq(crate::now())))
        .returning(webhooks::all_columns)
        .get_result::<WebhookRow>(conn)
        .optional()?;
    updated.ok_or_else(|| conflict_or_missing(conn, id))
}

/// Deletes the endpoint and its delivery log, if the version still is `expected` (when given).
pub fn delete(conn: &mut DbConn, id: &str, expected: Option<i64>) -> StoreResult<()> {
    let (low, high) = crate::version_range(expected);
    let gone = diesel::delete(webhooks::table.filter(webhooks::id.eq(id)).filter(webhooks::version.between(low, high)))
        .execute(conn)?;
    if gone == 0 {
        return Err(conflict_or_missing(conn, id));
    }
    Ok(())
}

fn conflict_or_missing(conn: &mut DbConn, id: &str) -> StoreError {
    crate::version_conflict(find(conn, id).map(|current| current.version))
}
