//! Slug history: the slugs an article used to have, so old links keep working.

use diesel::prelude::*;
use newsdesk_domain::ArticleStatus;

use crate::schema::{article_slug_history, articles};
use crate::{now, DbConn, StoreResult};

/// Remembers `old_slug` as a former slug of `article_id`.
pub fn remember(conn: &mut DbConn, article_id: &str, old_slug: &str) -> StoreResult<()> {
    // Renaming back to an old slug makes it current again, so it no longer redirects.
    diesel::delete(article_slug_history::table.filter(article_slug_history::slug.eq(old_slug))).execute(conn)?;
    diesel::insert_into(article_slug_history::table)
        .values((
            article_slug_history::slug.eq(old_slug),
            article_slug_history::article_id.eq(article_id),
            article_slug_history::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Drops `slug` from the history of `article_id` when the article takes it back.
pub fn reclaim(conn: &mut DbConn, article_id: &str, slug: &str) -> StoreResult<()> {
    diesel::delete(
        article_slug_history::table
            .filter(article_slug_history::slug.eq(slug))
            .filter(article_slug_history::article_id.eq(article_id)),
    )
    .execute(conn)?;
    Ok(())
}

/// The article that used to have `slug`, if any (whatever its status).
pub fn owner_of(conn: &mut DbConn, slug: &str) -> StoreResult<Option<String>> {
    Ok(article_slug_history::table
        .filter(article_slug_history::slug.eq(slug))
        .select(article_slug_history::article_id)
        .first(conn)
        .optional()?)
}

/// The current slug of the published article that used to be `slug`: where a 301 points.
pub fn published_redirect(conn: &mut DbConn, slug: &str) -> StoreResult<Option<String>> {
    Ok(article_slug_history::table
        .inner_join(articles::table)
        .filter(article_slug_history::slug.eq(slug))
        .filter(articles::status.eq(ArticleStatus::Published.as_str()))
        .select(articles::slug)
        .first(conn)
        .optional()?)
}

/// Which of `candidates` are held, as a current or an old slug, by an article other than
/// `except`.
pub fn taken(
    conn: &mut DbConn,
    candidates: &[String],
    except: Option<&str>,
) -> StoreResult<std::collections::HashSet<String>> {
    let except = except.unwrap_or_default();
    let mut held: std::collections::HashSet<String> = articles::table
        .filter(articles::slug.eq_any(candidates))
        .filter(articles::id.ne(except))
        .select(articles::slug)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    held.extend(
        article_slug_history::table
            .filter(article_slug_history::slug.eq_any(candidates))
            .filter(article_slug_history::article_id.ne(except))
            .select(article_slug_history::slug)
            .load::<String>(conn)?,
    );
    Ok(held)
}
