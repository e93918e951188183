//! The article status column, read straight into [`ArticleStatus`]
//! (`#[diesel(deserialize_as = StoredStatus)]`). A CHECK constraint keeps the column to the
//! six names on both backends, so any other text is a broken database, reported as an error.

use diesel::deserialize::{self, FromSql};
use diesel::pg::Pg;
use diesel::sql_types::Text;
use diesel::sqlite::{Sqlite, SqliteValue};
use newsdesk_domain::ArticleStatus;

use crate::Db;

#[derive(Debug, Clone, Copy, diesel::deserialize::FromSqlRow)]
pub struct StoredStatus(pub ArticleStatus);

impl From<StoredStatus> for ArticleStatus {
    fn from(status: StoredStatus) -> Self {
        status.0
    }
}

fn parse(text: &str) -> deserialize::Result<StoredStatus> {
    ArticleStatus::parse(text).map(StoredStatus).map_err(|_| format!("unknown article status `{text}`").into())
}

impl FromSql<Text, Sqlite> for StoredStatus {
    fn from_sql(mut value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        parse(value.read_text())
    }
}

impl FromSql<Text, Pg> for StoredStatus {
    fn from_sql(value: diesel::pg::PgValue<'_>) -> deserialize::Result<Self> {
        parse(std::str::from_utf8(value.as_bytes())?)
    }
}

impl FromSql<Text, Db> for StoredStatus {
    fn from_sql(value: <Db as diesel::backend::Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        value.from_sql::<Self, Text>()
    }
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;
    use diesel::dsl::sql;
    use diesel::prelude::*;
    use diesel::sql_types::BigInt;
    use diesel_migrations::MigrationHarness;

    type Outcome = Result<(), Box<dyn std::error::Error + Send + Sync>>;

    fn count(conn: &mut SqliteConnection, query: &str) -> QueryResult<i64> {
        diesel::select(sql::<BigInt>(&format!("({query})"))).get_result(conn)
    }

    /// SQLite widens the status CHECK by rebuilding the articles table: a database from before
    /// keeps its rows, relations, search index, totals and foreign keys, and takes the new names,
    /// even when the rebuild runs twice.
    #[test]
    fn an_existing_sqlite_database_gains_the_review_stages_intact() -> Outcome {
        let mut conn = crate::database::sqlite_migrated_before("2026-12-09-000130")?;
        conn.batch_execute(
            "INSERT INTO tags (id, slug, name, created_at, updated_at) VALUES ('t', 'water', 'Water', '2026-01-01', '2026-01-01');
             INSERT INTO articles (id, slug, title, body_markdown, body_html, body_text, status, word_count,
                 reading_time_minutes, published_at, created_at, updated_at)
                 VALUES ('a', 'a', 'Harbour pilots', '', '', 'a strike vote', 'published', 0, 0, '2026-01-02', '2026-01-01', '2026-01-02');
             INSERT INTO article_tags (article_id, tag_id, position) VALUES ('a', 't', 0);
             INSERT INTO article_revisions (id, article_id, version, action, changed_fields, snapshot, created_at)
                 VALUES ('r', 'a', 1, 'create', '[]', '{}', '2026-01-01');",
        )?;
        conn.run_pending_migrations(crate::database::SQLITE_MIGRATIONS)?;
        // A crash after the rebuild's own COMMIT, before diesel recorded it, runs it again.
        conn.batch_execute(include_str!("../../../migrations/sqlite/2026-12-09-000130_review_stages/up.sql"))?;

        assert_eq!(count(&mut conn, "SELECT COUNT(*) FROM pragma_foreign_key_check")?, 0);
        assert_eq!(count(&mut conn, "SELECT foreign_keys FROM pragma_foreign_keys")?, 1, "back on");
        assert_eq!(count(&mut conn, "SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH 'strike'")?, 1);
        assert_eq!(count(&mut conn, "SELECT COUNT(*) FROM article_tags WHERE published_at IS NOT NULL")?, 1);
        assert_eq!(count(&mut conn, "SELECT n FROM article_totals WHERE status = 'published' AND trashed = 0")?, 1);
        // The new names are accepted and counted, the triggers still follow the status ...
        conn.batch_execute("UPDATE articles SET status = 'in_review' WHERE id = 'a';")?;
        assert_eq!(count(&mut conn, "SELECT n FROM article_totals WHERE status = 'in_review' AND trashed = 0")?, 1);
        assert_eq!(count(&mut conn, "SELECT COUNT(*) FROM article_tags WHERE published_at IS NOT NULL")?, 0);
        conn.batch_execute("UPDATE articles SET status = 'approved' WHERE id = 'a';")?;
        assert!(conn.batch_execute("UPDATE articles SET status = 'live' WHERE id = 'a';").is_err(), "still checked");
        // ... and the relations point at the new table: deleting the article cascades to them.
        conn.batch_execute("UPDATE article_revisions SET note = 'Check the quote' WHERE id = 'r';")?;
        conn.batch_execute("DELETE FROM articles WHERE id = 'a';")?;
        assert_eq!(count(&mut conn, "SELECT COUNT(*) FROM article_tags")?, 0);
        assert_eq!(count(&mut conn, "SELECT COUNT(*) FROM article_revisions")?, 0);
        assert_eq!(count(&mut conn, "SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH 'strike'")?, 0);
        Ok(())
    }
}
