//! "Related": the published articles sharing the most tags with one article.

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Array, BigInt, Text};
use diesel::sqlite::Sqlite;

use super::{cards_by_id, ArticleRow};
use crate::any_of::{any_of, json_list, AnyOf};
use crate::fixed_sql::{fixed_sql, FixedSql};
use crate::schema::article_tags;
use crate::{Db, DbConn, StoreResult};

/// How many of the newest published articles of each tag "related" considers. Reading all of a
/// tag's articles would grow with the archive. An article counts the tags in whose window it
/// is, so the ranking is exact while a tag has at most this many published articles.
const RELATED_CANDIDATES_PER_TAG: i64 = 200;

/// Published articles sharing the most tags with `article_id`, newest first among equals,
/// leaving out `exclude`: three statements. Candidates are the newest
/// [`RELATED_CANDIDATES_PER_TAG`] published articles of each of its tags, read from the
/// `article_tags_tag_published` index, so the cost does not grow with the archive. The rows
/// come without their bodies (empty strings): they are shown as cards.
pub fn related_by_tags(
    conn: &mut DbConn,
    article_id: &str,
    exclude: &[String],
    limit: i64,
) -> StoreResult<Vec<ArticleRow>> {
    if limit <= 0 {
        return Ok(Vec::new());
    }
    let own_tags: Vec<String> =
        article_tags::table.filter(article_tags::article_id.eq(article_id)).select(article_tags::tag_id).load(conn)?;
    if own_tags.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = Ranking::new(own_tags, article_id, exclude, limit).load(conn)?;
    let mut rows = cards_by_id(conn, &ids)?;
    Ok(ids.iter().filter_map(|id| rows.remove(id)).collect())
}

/// The ranking statement: the ids of the best candidates, best first. The window per tag needs
/// a correlated `LIMIT`, which diesel's DSL cannot write, so each backend has its own SQL (a
/// `LATERAL` join on PostgreSQL, a correlated `IN` on SQLite). Written as a query type rather
/// than with `sql_query`, which diesel prepares afresh on every request (9% of an uncached
/// related list on SQLite, and a round trip more on PostgreSQL).
struct Ranking {
    own_tags: Vec<String>,
    article_id: String,
    /// Its tags as a JSON array, the rows `json_each` yields on SQLite.
    own_tags_json: String,
    /// Articles left out: `w.article_id` is one of them.
    excluded: AnyOf<FixedSql<Text>>,
    limit: i64,
}

impl Ranking {
    fn new(own_tags: Vec<String>, article_id: &str, exclude: &[String], limit: i64) -> Self {
        Self {
            own_tags_json: json_list(&own_tags),
            own_tags,
            article_id: article_id.to_owned(),
            excluded: any_of(fixed_sql("w.article_id"), exclude),
            limit,
        }
    }

    /// What both backends share once the candidates are `w`: leave out the article itself and
    /// `excluded`, and rank by shared tags, then by the newest.
    fn rank<'b, DB>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()>
    where
        DB: diesel::backend::Backend + diesel::sql_types::HasSqlType<Text> + diesel::sql_types::HasSqlType<BigInt>,
        String: diesel::serialize::ToSql<Text, DB>,
        i64: diesel::serialize::ToSql<BigInt, DB>,
        AnyOf<FixedSql<Text>>: QueryFragment<DB>,
    {
        out.push_sql(" WHERE w.article_id <> ");
        out.push_bind_param::<Text, _>(&self.article_id)?;
        out.push_sql(" AND NOT (");
        self.excluded.walk_ast(out.reborrow())?;
        out.push_sql(
            ") GROUP BY w.article_id \
             ORDER BY COUNT(*) DESC, MAX(w.published_at) DESC, w.article_id DESC LIMIT ",
        );
        out.push_bind_param::<BigInt, _>(&self.limit)
    }
}

impl Query for Ranking {
    type SqlType = Text;
}

impl QueryId for Ranking {
    type QueryId = Self;
    // The SQL is fixed per backend, and each connection caches for its own backend.
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl RunQueryDsl<DbConn> for Ranking {}

impl QueryFragment<Sqlite> for Ranking {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        out.push_sql("SELECT w.article_id FROM json_each(");
        out.push_bind_param::<Text, _>(&self.own_tags_json)?;
        out.push_sql(
            ") AS own JOIN article_tags w ON w.rowid IN ( \
                 SELECT t.rowid FROM article_tags t \
                 WHERE t.tag_id = own.value AND t.published_at IS NOT NULL \
                 ORDER BY t.published_at DESC LIMIT ",
        );
        out.push_bind_param::<BigInt, _>(&RELATED_CANDIDATES_PER_TAG)?;
        out.push_sql(")");
        self.rank(out)
    }
}

impl QueryFragment<Pg> for Ranking {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("SELECT w.article_id FROM unnest(");
        out.push_bind_param::<Array<Text>, _>(&self.own_tags)?;
        out.push_sql(
            "::text[]) AS own(tag_id) CROSS JOIN LATERAL ( \
                 SELECT t.article_id, t.published_at FROM article_tags t \
                 WHERE t.tag_id = own.tag_id AND t.published_at IS NOT NULL \
                 ORDER BY t.published_at DESC LIMIT ",
        );
        out.push_bind_param::<BigInt, _>(&RELATED_CANDIDATES_PER_TAG)?;
        out.push_sql(") AS w");
        self.rank(out)
    }
}

impl QueryFragment<Db> for Ranking {
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, Db>) -> QueryResult<()> {
        <Db>::walk_variant_ast(self, pass)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SQL (without its binds) of a ranking with `tags` tags and `excluded` exclusions.
    fn sql<DB>(tags: usize, excluded: usize) -> String
    where
        DB: diesel::backend::Backend + Default,
        DB::QueryBuilder: Default,
        Ranking: QueryFragment<DB>,
    {
        let ids = |n: usize| (0..n).map(|i| format!("id-{i}")).collect::<Vec<_>>();
        let ranking = Ranking::new(ids(tags), "a", &ids(excluded), 5);
        let shown = diesel::debug_query::<DB, _>(&ranking).to_string();
        shown.split("-- binds").next().unwrap_or_default().to_owned()
    }

    /// Cached by its type, so its SQL must not depend on the data: the same text, whatever the
    /// number of tags and of excluded articles.
    #[test]
    fn the_ranking_sql_is_the_same_for_any_data() {
        for (tags, excluded) in [(2, 0), (5, 3), (40, 12)] {
            assert_eq!(sql::<Sqlite>(tags, excluded), sql::<Sqlite>(1, 1));
            assert_eq!(sql::<Pg>(tags, excluded), sql::<Pg>(1, 1));
        }
        let pg = sql::<Pg>(1, 1);
        assert!(pg.contains("unnest($1::text[])") && pg.contains("LIMIT $5"), "{pg}");
    }
}
