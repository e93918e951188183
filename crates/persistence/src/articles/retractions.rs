//! Retractions: the public notice a retracted article's URL, and each of its old URLs, answer
//! with (`410 Gone`).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use newsdesk_domain::ArticleStatus;

use crate::schema::{article_retractions, article_slug_history, articles};
use crate::{DbConn, StoreResult};

/// What the public is told about a retracted article.
#[derive(Debug, Clone, Queryable)]
pub struct RetractionNotice {
    pub article_id: String,
    /// The slug the article had when it was retracted (its current one).
    pub slug: String,
    pub reason: String,
    pub retracted_at: NaiveDateTime,
}

/// Keeps the notice of `article_id`, retracted at `at` for `reason`.
pub fn record(conn: &mut DbConn, article_id: &str, reason: &str, at: NaiveDateTime) -> StoreResult<()> {
    diesel::insert_into(article_retractions::table)
        .values((
            article_retractions::article_id.eq(article_id),
            article_retractions::reason.eq(reason),
            article_retractions::retracted_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The notice of the retracted article whose slug is, or used to be, `slug`.
pub fn by_slug(conn: &mut DbConn, slug: &str) -> StoreResult<Option<RetractionNotice>> {
    let columns = (articles::id, articles::slug, article_retractions::reason, article_retractions::retracted_at);
    let current = articles::table
        .inner_join(article_retractions::table)
        .filter(articles::slug.eq(slug))
        .filter(articles::status.eq(ArticleStatus::Retracted.as_str()))
        .select(columns)
        .first::<RetractionNotice>(conn)
        .optional()?;
    if current.is_some() {
        return Ok(current);
    }
    Ok(article_slug_history::table
        .inner_join(articles::table.inner_join(article_retractions::table))
        .filter(article_slug_history::slug.eq(slug))
        .filter(articles::status.eq(ArticleStatus::Retracted.as_str()))
        .select(columns)
        .first::<RetractionNotice>(conn)
        .optional()?)
}

/// The old slugs of `article_id`: every URL a CDN may hold a copy under.
pub fn old_slugs(conn: &mut DbConn, article_id: &str) -> StoreResult<Vec<String>> {
    Ok(article_slug_history::table
        .filter(article_slug_history::article_id.eq(article_id))
        .select(article_slug_history::slug)
        .order(article_slug_history::slug)
        .load(conn)?)
}
