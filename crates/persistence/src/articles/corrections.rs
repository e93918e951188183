//! The correction, clarification and update notes on articles. Rows are never deleted while the
//! article lives: a removal sets `removed_at`, and the note keeps its place.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::any_of::one_or_any_of;
use crate::schema::article_corrections;
use crate::{DbConn, StoreError, StoreResult};

/// One note, as written and as read back.
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = article_corrections, treat_none_as_default_value = false)]
pub struct CorrectionRow {
    pub id: String,
    pub article_id: String,
    /// `correction`, `clarification` or `update`.
    pub kind: String,
    pub text_markdown: String,
    /// Sanitized, rendered from `text_markdown`.
    pub text_html: String,
    pub created_at: NaiveDateTime,
    /// Who added it, as the audit log names them.
    pub created_by: Option<String>,
    pub amended_at: Option<NaiveDateTime>,
    pub amended_by: Option<String>,
    pub removed_at: Option<NaiveDateTime>,
    pub removed_by: Option<String>,
    pub removal_reason: Option<String>,
}

pub fn insert(conn: &mut DbConn, row: &CorrectionRow) -> StoreResult<()> {
    diesel::insert_into(article_corrections::table).values(row).execute(conn)?;
    Ok(())
}

/// One note of one article.
pub fn find(conn: &mut DbConn, article_id: &str, id: &str) -> StoreResult<CorrectionRow> {
    article_corrections::table
        .filter(article_corrections::article_id.eq(article_id))
        .filter(article_corrections::id.eq(id))
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)
}

/// New wording for a note.
pub fn amend(
    conn: &mut DbConn,
    id: &str,
    markdown: &str,
    html: &str,
    at: NaiveDateTime,
    by: Option<&str>,
) -> StoreResult<()> {
    diesel::update(article_corrections::table.filter(article_corrections::id.eq(id)))
        .set((
            article_corrections::text_markdown.eq(markdown),
            article_corrections::text_html.eq(html),
            article_corrections::amended_at.eq(Some(at)),
            article_corrections::amended_by.eq(by),
        ))
        .execute(conn)?;
    Ok(())
}

/// Marks a note removed, with who removed it and why.
pub fn remove(conn: &mut DbConn, id: &str, reason: &str, at: NaiveDateTime, by: Option<&str>) -> StoreResult<()> {
    diesel::update(article_corrections::table.filter(article_corrections::id.eq(id)))
        .set((
            article_corrections::removed_at.eq(Some(at)),
            article_corrections::removed_by.eq(by),
            article_corrections::removal_reason.eq(Some(reason)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The notes of each article in `article_ids`, oldest first, removed ones included: one
/// statement however many articles.
pub fn for_articles(conn: &mut DbConn, article_ids: &[String]) -> StoreResult<HashMap<String, Vec<CorrectionRow>>> {
    let mut by_article: HashMap<String, Vec<CorrectionRow>> = HashMap::new();
    if article_ids.is_empty() {
        return Ok(by_article);
    }
    let rows = one_or_any_of!(article_corrections::article_id, article_ids, |by_article| {
        article_corrections::table
            .filter(by_article)
            .order((article_corrections::created_at.asc(), article_corrections::id.asc()))
            .load::<CorrectionRow>(conn)?
    });
    for row in rows {
        by_article.entry(row.article_id.clone()).or_default().push(row);
    }
    Ok(by_article)
}
