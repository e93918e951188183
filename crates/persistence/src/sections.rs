//! Sections (View, News, Analysis, …).

use newsdesk_domain::ArticleStatus;

pub use crate::term::DescribedRow as SectionRow;

#[derive(Debug, Default, PartialEq, AsChangeset)]
#[diesel(table_name = crate::schema::sections)]
pub struct SectionChanges {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub description: Option<Option<String>>,
}

crate::term::term_queries!(sections, SectionRow, SectionChanges);

/// Published articles per section, for the sections given.
pub fn published_counts(conn: &mut DbConn, ids: &[String]) -> StoreResult<std::collections::HashMap<String, i64>> {
    use crate::schema::articles;
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let counts = articles::table
        .filter(articles::section_id.eq_any(ids))
        .filter(articles::status.eq(ArticleStatus::Published.as_str()))
        .group_by(articles::section_id)
        .select((articles::section_id.assume_not_null(), diesel::dsl::count_star()))
        .load::<(String, i64)>(conn)?;
    Ok(counts.into_iter().collect())
}

/// A section as an article shows it. Only these columns are read for a page of articles:
/// parsing each row's timestamps cost more than the lookup.
#[derive(Debug, Clone, Queryable)]
pub struct SectionLabel {
    pub id: String,
    pub slug: String,
    pub name: String,
}

/// The labels of the sections with these ids, in no particular order.
pub fn labels(conn: &mut DbConn, ids: &[String]) -> StoreResult<Vec<SectionLabel>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let columns = (sections::id, sections::slug, sections::name);
    Ok(crate::any_of::one_or_any_of!(sections::id, ids, |by_id| sections::table
        .filter(by_id)
        .select(columns)
        .load::<SectionLabel>(conn)?))
}
