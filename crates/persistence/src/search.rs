//! Full-text search: FTS5 on SQLite, a weighted `tsvector` with a GIN index on PostgreSQL.
//! The SQL differs by backend, so each piece is written once per backend, here and nowhere else.

use diesel::prelude::*;
use diesel::sql_types::{Bool, Double, Text};

use crate::{Db, DbConn, StoreResult};

/// How many of the newest matches a search ranks or sorts. Ranking or sorting every match of a
/// common word reads most of the archive; a news reader wants the best of the recent ones, and
/// a client can narrow the search (by date, say) to reach older ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchWindow(pub i64);

impl SearchWindow {
    /// The window when the server is not told otherwise (`NEWSDESK_SEARCH_WINDOW`).
    pub const DEFAULT: i64 = 1000;
}

impl Default for SearchWindow {
    fn default() -> Self {
        Self(Self::DEFAULT)
    }
}

/// Turns what a reader typed into an FTS5 query that cannot be a syntax error: every word is
/// quoted (so `AND`, `NOT`, `"` and `:` are just text) and all words must match; a trailing `*`
/// keeps prefix search.
pub fn fts5_query(input: &str) -> String {
    input
        .split_whitespace()
        .filter_map(|word| {
            let prefix = word.ends_with('*');
            let bare: String = word.trim_end_matches('*').chars().filter(|c| *c != '"').collect();
            if bare.is_empty() {
                return None;
            }
            Some(if prefix { format!("\"{bare}\"*") } else { format!("\"{bare}\"") })
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `articles.id` is among the matches of `q`.
pub fn matches(
    conn: &DbConn,
    q: &str,
) -> Box<dyn BoxableExpression<crate::schema::articles::table, Db, SqlType = Bool>> {
    match conn {
        DbConn::Sqlite(_) => Box::new(
            diesel::dsl::sql::<Bool>(
                "articles.id IN (SELECT s.article_id FROM articles_fts \
                 JOIN article_search_ids s ON s.rowid = articles_fts.rowid WHERE articles_fts MATCH ",
            )
            .bind::<Text, _>(fts5_query(q))
            .sql(")"),
        ),
        DbConn::Postgres(_) => Box::new(
            diesel::dsl::sql::<Bool>("articles.search @@ websearch_to_tsquery('english', ")
                .bind::<Text, _>(q.to_owned())
                .sql(")"),
        ),
    }
}

/// SQLite's relevance, written once for [`relevance`] and [`sqlite_window`]: bm25 with title,
/// summary and body weighted 10, 4 and 1, negated because bm25 is lower-is-better.
const SQLITE_RELEVANCE: &str = "-bm25(articles_fts, 10.0, 4.0, 1.0)";

/// How well an article matches `q`; higher is better. Title matches outweigh summary matches,
/// which outweigh body matches.
pub fn relevance(
    conn: &DbConn,
    q: &str,
) -> Box<dyn BoxableExpression<crate::schema::articles::table, Db, SqlType = Double>> {
    match conn {
        DbConn::Sqlite(_) => Box::new(
            diesel::dsl::sql::<Double>("(SELECT ")
                .sql(SQLITE_RELEVANCE)
                .sql(
                    " FROM articles_fts JOIN article_search_ids s ON s.rowid = articles_fts.rowid \
                     WHERE s.article_id = articles.id AND articles_fts MATCH ",
                )
                .bind::<Text, _>(fts5_query(q))
                .sql(")"),
        ),
        DbConn::Postgres(_) => Box::new(
            diesel::dsl::sql::<Double>("CAST(ts_rank_cd(articles.search, websearch_to_tsquery('english', ")
                .bind::<Text, _>(q.to_owned())
                .sql(")) AS DOUBLE PRECISION)"),
        ),
    }
}

/// The newest articles (by when they were added) matching `q` among those `kept` holds, newest
/// first, with their relevance (as [`relevance`] scores it, higher is better), on SQLite.
/// `kept` is a filter over the full-text rows joined to their articles: FTS5 walks its matches
/// newest first and stops after `window` kept ones, so neither the cost nor the memory grows
/// with the archive.
pub fn sqlite_window(
    conn: &mut DbConn,
    q: &str,
    kept: crate::schema::SearchRows,
    window: SearchWindow,
) -> StoreResult<Vec<(String, f64)>> {
    use crate::schema::{article_search_ids, articles_fts};
    use diesel::dsl::sql;
    Ok(kept
        .filter(sql::<Bool>("articles_fts MATCH ").bind::<Text, _>(fts5_query(q)))
        .select((article_search_ids::article_id, sql::<Double>(SQLITE_RELEVANCE)))
        .order(articles_fts::rowid.desc())
        .limit(window.0)
        .load(conn)?)
}

#[derive(QueryableByName)]
struct SnippetRow {
    #[diesel(sql_type = Text)]
    article_id: String,
    #[diesel(sql_type = Text)]
    snippet: String,
}

/// Marks around matched words in snippets; replaced by `<mark>` after HTML-escaping the text.
pub const MARK_START: char = '\u{1}';
pub const MARK_END: char = '\u{2}';

/// A short excerpt around the matches of `q` for each article, matches wrapped in
/// [`MARK_START`] and [`MARK_END`]: one statement for the whole page. On SQLite the page's
/// articles drive it (`CROSS JOIN` fixes the order), so it does not walk every match.
pub fn snippets(conn: &mut DbConn, q: &str, ids: &[String]) -> StoreResult<std::collections::HashMap<String, String>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<SnippetRow> = match conn {
        DbConn::Sqlite(c) => {
            let placeholders = vec!["?"; ids.len()].join(", ");
            let mut query = diesel::sql_query(format!(
                "SELECT s.article_id AS article_id, snippet(articles_fts, -1, char(1), char(2), '…', 24) AS snippet \
                 FROM article_search_ids s CROSS JOIN articles_fts ON articles_fts.rowid = s.rowid \
                 WHERE s.article_id IN ({placeholders}) AND articles_fts MATCH ?"
            ))
            .into_boxed();
            for id in ids {
                query = query.bind::<Text, _>(id.clone());
            }
            query.bind::<Text, _>(fts5_query(q)).load(c)?
        }
        DbConn::Postgres(c) => diesel::sql_query(
            "SELECT id AS article_id, ts_headline('english', \
             title || ' — ' || COALESCE(summary || ' — ', '') || body_text, websearch_to_tsquery('english', $1), \
             'StartSel=\u{1}, StopSel=\u{2}, MaxWords=35, MinWords=15, MaxFragments=1') AS snippet \
             FROM articles WHERE id = ANY($2)",
        )
        .bind::<Text, _>(q)
        .bind::<diesel::sql_types::Array<Text>, _>(ids)
        .load(c)?,
    };
    Ok(rows.into_iter().map(|r| (r.article_id, r.snippet)).collect())
}

#[cfg(test)]
mod tests {
    use super::fts5_query;

    #[test]
    fn every_word_is_quoted() {
        assert_eq!(fts5_query("water board"), "\"water\" \"board\"");
        assert_eq!(fts5_query("\"unbalanced AND NOT"), "\"unbalanced\" \"AND\" \"NOT\"");
        assert_eq!(fts5_query("fish*"), "\"fish\"*");
        assert_eq!(fts5_query(" \" * "), "");
    }
}
