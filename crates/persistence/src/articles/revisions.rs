//! Revisions: a full snapshot of an article after every change, who made it and what changed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::article_revisions;
use crate::{DbConn, Page, PageRequest, StoreResult};

#[derive(Debug, Clone, Queryable)]
pub struct RevisionRow {
    pub id: String,
    pub article_id: String,
    pub version: i64,
    pub action: String,
    /// JSON array of field names.
    pub changed_fields: String,
    /// JSON object: the article's columns and relations as they stood.
    pub snapshot: String,
    pub actor_id: Option<String>,
    pub actor_name: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = article_revisions)]
pub struct NewRevision {
    pub id: String,
    pub article_id: String,
    pub version: i64,
    pub action: String,
    pub changed_fields: String,
    pub snapshot: String,
    pub actor_id: Option<String>,
    pub actor_name: Option<String>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, row: &NewRevision) -> StoreResult<()> {
    diesel::insert_into(article_revisions::table).values(row).execute(conn)?;
    Ok(())
}

/// The newest revision of an article, to diff the next one against.
pub fn latest(conn: &mut DbConn, article_id: &str) -> StoreResult<Option<RevisionRow>> {
    Ok(article_revisions::table
        .filter(article_revisions::article_id.eq(article_id))
        .order((article_revisions::created_at.desc(), article_revisions::id.desc()))
        .first(conn)
        .optional()?)
}

/// An article's revisions, newest first.
pub fn list(conn: &mut DbConn, article_id: &str, page: PageRequest) -> StoreResult<Page<RevisionRow>> {
    let total = article_revisions::table
        .filter(article_revisions::article_id.eq(article_id))
        .count()
        .get_result::<i64>(conn)?;
    let items = article_revisions::table
        .filter(article_revisions::article_id.eq(article_id))
        .order((article_revisions::created_at.desc(), article_revisions::id.desc()))
        .limit(page.limit)
        .offset(page.offset)
        .load(conn)?;
    Ok(Page { items, total })
}

pub fn find(conn: &mut DbConn, article_id: &str, id: &str) -> StoreResult<RevisionRow> {
    Ok(article_revisions::table
        .filter(article_revisions::article_id.eq(article_id))
        .filter(article_revisions::id.eq(id))
        .first(conn)?)
}
