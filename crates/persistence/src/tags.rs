//! Tags (topics).

use newsdesk_domain::ArticleStatus;

pub use crate::term::DescribedRow as TagRow;

#[derive(Debug, Default, PartialEq, AsChangeset)]
#[diesel(table_name = crate::schema::tags)]
pub struct TagChanges {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub description: Option<Option<String>>,
}

crate::term::term_queries!(tags, TagRow, TagChanges);

/// Published articles per tag, for the tags given.
pub fn published_counts(conn: &mut DbConn, ids: &[String]) -> StoreResult<std::collections::HashMap<String, i64>> {
    use crate::schema::{article_tags, articles};
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let counts = article_tags::table
        .inner_join(articles::table)
        .filter(article_tags::tag_id.eq_any(ids))
        .filter(articles::status.eq(ArticleStatus::Published.as_str()))
        .group_by(article_tags::tag_id)
        .select((article_tags::tag_id, diesel::dsl::count_star()))
        .load::<(String, i64)>(conn)?;
    Ok(counts.into_iter().collect())
}
