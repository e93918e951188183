//! Authors: the people in bylines. Their e-mail stays private to the admin API.

use chrono::NaiveDateTime;
use newsdesk_domain::ArticleStatus;

/// An author as stored, and as inserted (at version 1).
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = crate::schema::authors)]
pub struct AuthorRow {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub email: Option<String>,
    pub bio: Option<String>,
    pub avatar_url: Option<String>,
    pub website: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, PartialEq, AsChangeset)]
#[diesel(table_name = crate::schema::authors)]
pub struct AuthorChanges {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub email: Option<Option<String>>,
    pub bio: Option<Option<String>>,
    pub avatar_url: Option<Option<String>>,
    pub website: Option<Option<String>>,
}

crate::term::term_queries!(authors, AuthorRow, AuthorChanges);

/// Published articles per author, for the authors given.
pub fn published_counts(conn: &mut DbConn, ids: &[String]) -> StoreResult<std::collections::HashMap<String, i64>> {
    use crate::schema::{article_authors, articles};
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let counts = article_authors::table
        .inner_join(articles::table)
        .filter(article_authors::author_id.eq_any(ids))
        .filter(articles::status.eq(ArticleStatus::Published.as_str()))
        .group_by(article_authors::author_id)
        .select((article_authors::author_id, diesel::dsl::count_star()))
        .load::<(String, i64)>(conn)?;
    Ok(counts.into_iter().collect())
}
