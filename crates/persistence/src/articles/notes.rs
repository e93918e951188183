//! The desk's internal notes on articles: append-only threads, never public.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::article_notes;
use crate::{DbConn, Page, PageRequest, StoreResult};

/// One note, as written and as read back.
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = article_notes, treat_none_as_default_value = false)]
pub struct NoteRow {
    pub id: String,
    pub article_id: String,
    /// The user who wrote it (for an API key, the admin who made the key); none once gone.
    pub author_id: Option<String>,
    pub text: String,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, row: &NoteRow) -> StoreResult<()> {
    diesel::insert_into(article_notes::table).values(row).execute(conn)?;
    Ok(())
}

/// A page of the article's notes, oldest first.
pub fn list(conn: &mut DbConn, article_id: &str, page: PageRequest) -> StoreResult<Page<NoteRow>> {
    let of_article = || article_notes::table.filter(article_notes::article_id.eq(article_id.to_owned()));
    let total = of_article().count().get_result::<i64>(conn)?;
    let items = of_article()
        .order((article_notes::created_at.asc(), article_notes::id.asc()))
        .limit(page.limit)
        .offset(page.offset)
        .load::<NoteRow>(conn)?;
    Ok(Page { items, total })
}
