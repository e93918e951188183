//! Sources: the wire services and outlets articles come from.

use chrono::NaiveDateTime;
use newsdesk_domain::ArticleStatus;

/// A source as stored, and as inserted (at version 1).
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = crate::schema::sources)]
pub struct SourceRow {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub short_name: Option<String>,
    pub homepage_url: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, PartialEq, AsChangeset)]
#[diesel(table_name = crate::schema::sources)]
pub struct SourceChanges {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub short_name: Option<Option<String>>,
    pub homepage_url: Option<Option<String>>,
}

crate::term::term_queries!(sources, SourceRow, SourceChanges);

/// Published articles per source, for the sources given.
pub fn published_counts(conn: &mut DbConn, ids: &[String]) -> StoreResult<std::collections::HashMap<String, i64>> {
    use crate::schema::articles;
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let counts = articles::table
        .filter(articles::source_id.eq_any(ids))
        .filter(articles::status.eq(ArticleStatus::Published.as_str()))
        .group_by(articles::source_id)
        .select((articles::source_id.assume_not_null(), diesel::dsl::count_star()))
        .load::<(String, i64)>(conn)?;
    Ok(counts.into_iter().collect())
}

/// A source as an article shows it (see [`crate::sections::SectionLabel`]).
#[derive(Debug, Clone, Queryable)]
pub struct SourceLabel {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub short_name: Option<String>,
    pub homepage_url: Option<String>,
}

/// The labels of the sources with these ids, in no particular order.
pub fn labels(conn: &mut DbConn, ids: &[String]) -> StoreResult<Vec<SourceLabel>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let columns = (sources::id, sources::slug, sources::name, sources::short_name, sources::homepage_url);
    Ok(crate::any_of::one_or_any_of!(sources::id, ids, |by_id| sources::table
        .filter(by_id)
        .select(columns)
        .load::<SourceLabel>(conn)?))
}
