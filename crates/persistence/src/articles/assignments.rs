//! Who an article is assigned to. At most one user per article; unassigning deletes the row (the
//! audit log keeps the history). Not content: no revision, no export.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::ArticleRow;
use crate::any_of::one_or_any_of;
use crate::schema::{article_assignments, articles, users};
use crate::{DbConn, Page, PageRequest, StoreResult};

/// One assignment, as written and as read back.
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = article_assignments, treat_none_as_default_value = false)]
pub struct AssignmentRow {
    pub article_id: String,
    /// The assignee.
    pub user_id: String,
    /// Who assigned it (none once that user is gone).
    pub assigned_by: Option<String>,
    pub assigned_at: NaiveDateTime,
}

/// The article's assignment, if any.
pub fn find(conn: &mut DbConn, article_id: &str) -> StoreResult<Option<AssignmentRow>> {
    Ok(article_assignments::table.find(article_id).first(conn).optional()?)
}

/// Whether `user_id` is the assignee of `article_id`.
pub fn is_assigned(conn: &mut DbConn, article_id: &str, user_id: &str) -> StoreResult<bool> {
    Ok(find(conn, article_id)?.is_some_and(|a| a.user_id == user_id))
}

/// Replaces the article's assignment with `to` (none: unassigned).
pub fn set(conn: &mut DbConn, article_id: &str, to: Option<&AssignmentRow>) -> StoreResult<()> {
    diesel::delete(article_assignments::table.find(article_id)).execute(conn)?;
    if let Some(row) = to {
        diesel::insert_into(article_assignments::table).values(row).execute(conn)?;
    }
    Ok(())
}

/// Bumps the article's version without touching `updated_at`, if the version still is
/// `expected`: an assignment changes what the admin answer (and its `ETag`) shows, not the
/// content.
pub fn bump_version(conn: &mut DbConn, id: &str, expected: i64) -> StoreResult<ArticleRow> {
    let updated = diesel::update(articles::table)
        .filter(articles::id.eq(id))
        .filter(articles::version.eq(expected))
        .set(articles::version.eq(articles::version + 1))
        .returning(articles::all_columns)
        .get_result::<ArticleRow>(conn)
        .optional()?;
    updated.ok_or_else(|| crate::version_conflict(super::find(conn, id).map(|current| current.version)))
}

/// The assignment of each article in `article_ids` that has one, with the assignee's name: one
/// statement.
pub fn for_articles(
    conn: &mut DbConn,
    article_ids: &[String],
) -> StoreResult<HashMap<String, (AssignmentRow, String)>> {
    if article_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = one_or_any_of!(article_assignments::article_id, article_ids, |by_article| {
        article_assignments::table
            .inner_join(users::table)
            .filter(by_article)
            .select((article_assignments::all_columns, users::name))
            .load::<(AssignmentRow, String)>(conn)?
    });
    Ok(rows.into_iter().map(|(row, name)| (row.article_id.clone(), (row, name))).collect())
}

/// What waits for `user_id`: the articles assigned to them, out of the trash, newest
/// assignment first.
pub fn waiting_for(
    conn: &mut DbConn,
    user_id: &str,
    page: PageRequest,
) -> StoreResult<Page<(AssignmentRow, ArticleRow)>> {
    let mine = || {
        article_assignments::table
            .inner_join(articles::table)
            .filter(article_assignments::user_id.eq(user_id.to_owned()))
            .filter(articles::trashed_at.is_null())
    };
    let total = mine().count().get_result::<i64>(conn)?;
    let items = mine()
        .order((article_assignments::assigned_at.desc(), article_assignments::article_id.desc()))
        .limit(page.limit)
        .offset(page.offset)
        .select((article_assignments::all_columns, articles::all_columns))
        .load::<(AssignmentRow, ArticleRow)>(conn)?;
    Ok(Page { items, total })
}
