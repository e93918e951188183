//! Bulk import and export: multi-row writes and keyset-paged reads over many articles at once.
//!
//! The import inserts whole batches with one statement per table and chunk, and looks slugs up
//! for a whole batch at a time, so the number of statements grows with batches, not articles.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::articles::{ArticleRow, NewArticle};
use crate::database::execute_on_backend;
use crate::schema::{article_authors, article_links, article_slug_history, article_tags, articles};
use crate::{DbConn, StoreResult};

/// Rows per multi-row INSERT: well under SQLite's 32,766 and PostgreSQL's 65,535 bind parameters.
const ROWS_PER_STATEMENT: usize = 500;
/// Values per `IN (…)` list.
const KEYS_PER_LOOKUP: usize = 5_000;

/// One related link as stored; exactly one of `target_article_id` and `url` is set.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = article_links, treat_none_as_default_value = false)]
pub struct ImportedLink {
    pub article_id: String,
    pub position: i32,
    pub target_article_id: Option<String>,
    pub url: Option<String>,
    pub title: Option<String>,
    pub source_name: Option<String>,
}

/// An author or tag of an article at a place in its list.
#[derive(Debug, Clone)]
pub struct Membership {
    pub article_id: String,
    pub term_id: String,
    pub position: i32,
}

/// A former slug that redirects to `article_id`.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = article_slug_history)]
pub struct ImportedSlug {
    pub slug: String,
    pub article_id: String,
    pub created_at: NaiveDateTime,
}

/// Maps each of `slugs` that is an article's current slug to that article's id.
pub fn article_ids_by_slug(conn: &mut DbConn, slugs: &[String]) -> StoreResult<HashMap<String, String>> {
    let mut found = HashMap::new();
    for chunk in slugs.chunks(KEYS_PER_LOOKUP) {
        let pairs = articles::table
            .filter(articles::slug.eq_any(chunk))
            .select((articles::slug, articles::id))
            .load::<(String, String)>(conn)?;
        found.extend(pairs);
    }
    Ok(found)
}

/// Maps each of `slugs` that is some article's former slug to that article's id.
pub fn redirect_owners(conn: &mut DbConn, slugs: &[String]) -> StoreResult<HashMap<String, String>> {
    let mut found = HashMap::new();
    for chunk in slugs.chunks(KEYS_PER_LOOKUP) {
        let pairs = article_slug_history::table
            .filter(article_slug_history::slug.eq_any(chunk))
            .select((article_slug_history::slug, article_slug_history::article_id))
            .load::<(String, String)>(conn)?;
        found.extend(pairs);
    }
    Ok(found)
}

/// The link positions already taken on each of `article_ids`.
pub fn link_positions(conn: &mut DbConn, article_ids: &[String]) -> StoreResult<HashSet<(String, i32)>> {
    let mut taken = HashSet::new();
    for chunk in article_ids.chunks(KEYS_PER_LOOKUP) {
        let rows = article_links::table
            .filter(article_links::article_id.eq_any(chunk))
            .select((article_links::article_id, article_links::position))
            .load::<(String, i32)>(conn)?;
        taken.extend(rows);
    }
    Ok(taken)
}

/// Article rows per INSERT: as many as SQLite's 32,766 bind parameters allow (23 columns each).
/// SQLite's full-text index flushes its pending terms to disk at the start of every statement
/// that writes to it, so each statement leaves a segment that must later be merged: a whole
/// batch in one statement makes one segment instead of ten (a statement of a few megabytes).
const ARTICLES_PER_STATEMENT: usize = 1_400;

pub fn insert_articles(conn: &mut DbConn, rows: &[NewArticle]) -> StoreResult<()> {
    for chunk in rows.chunks(ARTICLES_PER_STATEMENT) {
        execute_on_backend(conn, diesel::insert_into(articles::table).values(chunk))?;
    }
    Ok(())
}

pub fn insert_authors(conn: &mut DbConn, rows: &[Membership]) -> StoreResult<()> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let values: Vec<_> = chunk
            .iter()
            .map(|m| {
                (
                    article_authors::article_id.eq(&m.article_id),
                    article_authors::author_id.eq(&m.term_id),
                    article_authors::position.eq(m.position),
                )
            })
            .collect();
        execute_on_backend(conn, diesel::insert_into(article_authors::table).values(values))?;
    }
    Ok(())
}

pub fn insert_tags(conn: &mut DbConn, rows: &[Membership]) -> StoreResult<()> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let values: Vec<_> = chunk
            .iter()
            .map(|m| {
                (
                    article_tags::article_id.eq(&m.article_id),
                    article_tags::tag_id.eq(&m.term_id),
                    article_tags::position.eq(m.position),
                )
            })
            .collect();
        execute_on_backend(conn, diesel::insert_into(article_tags::table).values(values))?;
    }
    Ok(())
}

pub fn insert_links(conn: &mut DbConn, rows: &[ImportedLink]) -> StoreResult<()> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        execute_on_backend(conn, diesel::insert_into(article_links::table).values(chunk))?;
    }
    Ok(())
}

pub fn insert_slug_history(conn: &mut DbConn, rows: &[ImportedSlug]) -> StoreResult<()> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        execute_on_backend(conn, diesel::insert_into(article_slug_history::table).values(chunk))?;
    }
    Ok(())
}

/// Where an export page starts: after this article in (published first by date, then undated) order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportCursor {
    Start,
    Dated { published_at: NaiveDateTime, id: String },
    Undated { id: String },
}

/// The next page of articles to export, oldest publication first, then those without a date, ties
/// by id; trashed articles are left out. Returns the page and the cursor after it.
pub fn export_page(
    conn: &mut DbConn,
    statuses: &[&str],
    after: &ExportCursor,
    limit: i64,
) -> StoreResult<(Vec<ArticleRow>, ExportCursor)> {
    let base = || {
        articles::table
            .filter(articles::trashed_at.is_null())
            .filter(articles::status.eq_any(statuses.to_vec()))
            .into_boxed::<crate::Db>()
    };
    let mut rows = Vec::new();
    if !matches!(after, ExportCursor::Undated { .. }) {
        let mut dated = base().filter(articles::published_at.is_not_null());
        if let ExportCursor::Dated { published_at, id } = after {
            // Spelled `t >= at AND (t > at OR id > i)`, as the article lists' cursors are (see
            // `articles::list_keyset`): SQLite seeks the index with the bare first half, where
            // `t > at OR (t = at AND id > i)` made it read from the start to the cursor on every
            // page (1.1 s instead of 0.5 ms a page in the middle of a million articles).
            dated = dated
                .filter(articles::published_at.ge(*published_at))
                .filter(articles::published_at.gt(*published_at).or(articles::id.gt(id.clone())));
        }
        rows = dated.order((articles::published_at.asc(), articles::id.asc())).limit(limit).load::<ArticleRow>(conn)?;
    }
    if (rows.len() as i64) < limit {
        let mut undated = base().filter(articles::published_at.is_null());
        if let ExportCursor::Undated { id } = after {
            undated = undated.filter(articles::id.gt(id.clone()));
        }
        let more = limit - rows.len() as i64;
        rows.extend(undated.order(articles::id.asc()).limit(more).load::<ArticleRow>(conn)?);
    }
    let next = match rows.last() {
        None => after.clone(),
        Some(last) => match last.published_at {
            Some(published_at) => ExportCursor::Dated { published_at, id: last.id.clone() },
            None => ExportCursor::Undated { id: last.id.clone() },
        },
    };
    Ok((rows, next))
}

/// The former slugs of each of `article_ids`, oldest first.
pub fn previous_slugs(conn: &mut DbConn, article_ids: &[String]) -> StoreResult<HashMap<String, Vec<String>>> {
    let rows = article_slug_history::table
        .filter(article_slug_history::article_id.eq_any(article_ids))
        .order((article_slug_history::created_at.asc(), article_slug_history::slug.asc()))
        .select((article_slug_history::article_id, article_slug_history::slug))
        .load::<(String, String)>(conn)?;
    let mut found: HashMap<String, Vec<String>> = HashMap::new();
    for (article_id, slug) in rows {
        found.entry(article_id).or_default().push(slug);
    }
    Ok(found)
}

/// Gives this connection a bigger page cache for a bulk import (SQLite only). Durability is
/// unchanged: every batch commits like any other write.
pub fn tune_for_bulk(conn: &mut DbConn) -> StoreResult<()> {
    use diesel::connection::SimpleConnection;
    if let DbConn::Sqlite(c) = conn {
        // Checkpointing less often writes each index page back once per many batches, not once
        // per batch; the write-ahead log grows to about 64 MB between checkpoints.
        c.batch_execute(
            "PRAGMA cache_size = -1048576; PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 16384;",
        )?;
    }
    Ok(())
}
