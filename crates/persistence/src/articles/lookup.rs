//! Finding articles by id and slug.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use newsdesk_domain::ArticleStatus;

use super::ArticleRow;
use crate::schema::{articles, sections, sources};
use crate::sections::SectionLabel;
use crate::sources::SourceLabel;
use crate::{Db, DbConn, StoreResult};

pub fn find(conn: &mut DbConn, id: &str) -> StoreResult<ArticleRow> {
    Ok(articles::table.find(id).first(conn)?)
}

/// A published article, the labels of its section and source, and when anything last changed:
/// all its page needs apart from the bylines, tags and links.
pub struct PublishedArticle {
    pub row: ArticleRow,
    pub section: Option<SectionLabel>,
    pub source: Option<SourceLabel>,
    /// When anything last changed (the `Last-Modified` of a public answer).
    pub last_change: Option<NaiveDateTime>,
}

/// A published article by its slug (drafts and the rest are "not found"), with its section's
/// and source's labels and the time of the last change, read in one statement and so from one
/// snapshot. On PostgreSQL every statement is a round trip that costs the server about as much
/// as a small lookup itself: an uncached article page went from seven statements to four.
pub fn find_published_with_labels(conn: &mut DbConn, slug: &str) -> StoreResult<PublishedArticle> {
    let (row, section, source, last_change) = articles::table
        .left_join(sections::table.on(articles::section_id.eq(sections::id.nullable())))
        .left_join(sources::table.on(articles::source_id.eq(sources::id.nullable())))
        .filter(articles::slug.eq(slug))
        .filter(articles::status.eq(ArticleStatus::Published.as_str()))
        .select((
            articles::all_columns,
            (sections::id, sections::slug, sections::name).nullable(),
            (sources::id, sources::slug, sources::name, sources::short_name, sources::homepage_url).nullable(),
            crate::audit::last_change_subquery(),
        ))
        .first::<(ArticleRow, Option<SectionLabel>, Option<SourceLabel>, Option<NaiveDateTime>)>(conn)?;
    Ok(PublishedArticle { row, section, source, last_change })
}

/// The id of the published article at `slug` and when anything last changed, in one statement
/// (an index lookup; no body is read).
pub fn published_id_and_last_change(conn: &mut DbConn, slug: &str) -> StoreResult<(String, Option<NaiveDateTime>)> {
    Ok(articles::table
        .filter(articles::slug.eq(slug))
        .filter(articles::status.eq(ArticleStatus::Published.as_str()))
        .select((articles::id, crate::audit::last_change_subquery()))
        .first(conn)?)
}

/// The id of the published article at `slug` (an index lookup; no body is read).
pub fn published_id_by_slug(conn: &mut DbConn, slug: &str) -> StoreResult<String> {
    Ok(articles::table
        .filter(articles::slug.eq(slug))
        .filter(articles::status.eq(ArticleStatus::Published.as_str()))
        .select(articles::id)
        .first(conn)?)
}

/// Whether the article `id` is published (an index lookup; no body is read).
pub fn is_published(conn: &mut DbConn, id: &str) -> StoreResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        articles::table.filter(articles::id.eq(id)).filter(articles::status.eq(ArticleStatus::Published.as_str())),
    ))
    .get_result(conn)?)
}

/// Maps each of `slugs` that names an article to its id. With `only_visible_to`, keeps only
/// articles that user may see: published ones and their own.
pub fn ids_by_slug(
    conn: &mut DbConn,
    slugs: &[String],
    only_visible_to: Option<&str>,
) -> StoreResult<std::collections::HashMap<String, String>> {
    if slugs.is_empty() {
        return Ok(Default::default());
    }
    let mut query =
        articles::table.filter(articles::slug.eq_any(slugs)).select((articles::slug, articles::id)).into_boxed::<Db>();
    if let Some(user) = only_visible_to {
        query = query.filter(
            articles::status.eq(ArticleStatus::Published.as_str()).or(articles::created_by.eq(user.to_owned())),
        );
    }
    Ok(query.load::<(String, String)>(conn)?.into_iter().collect())
}

/// Which of `ids` name an existing article.
pub fn existing_ids(conn: &mut DbConn, ids: &[String]) -> StoreResult<Vec<String>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(articles::table.filter(articles::id.eq_any(ids)).select(articles::id).load(conn)?)
}
