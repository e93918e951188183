//! Writing articles: insert, update, the lifecycle update, delete and purge.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::query_builder::{Query, QueryFragment, QueryId};
use newsdesk_domain::ArticleStatus;

use super::{find, ArticleChanges, ArticleRow, Lifecycle, NewArticle};
use crate::fixed_sql::KeepPrepared;
use crate::schema::articles;
use crate::{Db, DbConn, StoreError, StoreResult};

pub fn insert(conn: &mut DbConn, row: &NewArticle) -> StoreResult<ArticleRow> {
    Ok(diesel::insert_into(articles::table).values(row).returning(articles::all_columns).get_result(conn)?)
}

/// Applies `changes` and bumps the version, if the version still is `expected` (when given).
/// Also bumps the version when only relations changed, so every change is a new version.
pub fn update(conn: &mut DbConn, id: &str, expected: Option<i64>, changes: &ArticleChanges) -> StoreResult<ArticleRow> {
    let (low, high) = crate::version_range(expected);
    let updated = diesel::update(articles::table)
        .filter(articles::id.eq(id))
        .filter(articles::version.between(low, high))
        .set((changes, articles::version.eq(articles::version + 1), articles::updated_at.eq(crate::now())))
        .returning(articles::all_columns)
        .get_result::<ArticleRow>(conn)
        .optional()?;
    updated_or_conflict(conn, id, updated)
}

/// Sets an article's lifecycle and bumps the version, if the version still is `expected`.
/// One statement of fixed text, which the connection prepares once and keeps: diesel compiles
/// every `UPDATE` afresh, on SQLite with the triggers it fires, and that was 7% of the CPU of
/// a write mix of creates and publishes.
pub fn set_lifecycle(conn: &mut DbConn, id: &str, expected: i64, to: &Lifecycle) -> StoreResult<ArticleRow> {
    let updated = lifecycle_update(id, expected, to, crate::now()).get_result::<ArticleRow>(conn).optional()?;
    updated_or_conflict(conn, id, updated)
}

fn lifecycle_update<'a>(
    id: &'a str,
    expected: i64,
    to: &'a Lifecycle,
    at: NaiveDateTime,
) -> KeepPrepared<
    impl Query<SqlType = articles::SqlType>
        + QueryFragment<Db>
        + QueryFragment<diesel::sqlite::Sqlite>
        + QueryFragment<diesel::pg::Pg>
        + QueryId
        + 'a,
> {
    KeepPrepared(
        diesel::update(articles::table)
            .filter(articles::id.eq(id))
            .filter(articles::version.eq(expected))
            .set((
                articles::status.eq(to.status.as_str()),
                articles::published_at.eq(to.published_at),
                articles::trashed_at.eq(to.trashed_at),
                articles::version.eq(articles::version + 1),
                articles::updated_at.eq(at),
            ))
            .returning(articles::all_columns),
    )
}

/// Bumps the version of an article whose relations alone changed, if the version still is
/// `expected`. Kept prepared like [`set_lifecycle`]; it names no indexed column, so SQLite
/// rewrites no index entry.
pub fn new_version(conn: &mut DbConn, id: &str, expected: i64) -> StoreResult<ArticleRow> {
    let statement = diesel::update(articles::table)
        .filter(articles::id.eq(id))
        .filter(articles::version.eq(expected))
        .set((articles::version.eq(articles::version + 1), articles::updated_at.eq(crate::now())))
        .returning(articles::all_columns);
    let updated = KeepPrepared(statement).get_result::<ArticleRow>(conn).optional()?;
    updated_or_conflict(conn, id, updated)
}

/// The updated row, or why there was none: the article moved on to another version, or is gone.
fn updated_or_conflict(conn: &mut DbConn, id: &str, updated: Option<ArticleRow>) -> StoreResult<ArticleRow> {
    updated.ok_or_else(|| crate::version_conflict(find(conn, id).map(|current| current.version)))
}

/// Deletes an article and its links, if the version still is `expected` (when given).
pub fn delete(conn: &mut DbConn, id: &str, expected: Option<i64>) -> StoreResult<()> {
    let (low, high) = crate::version_range(expected);
    let deleted =
        diesel::delete(articles::table.filter(articles::id.eq(id)).filter(articles::version.between(low, high)))
            .execute(conn)?;
    if deleted == 1 {
        return Ok(());
    }
    Err(crate::version_conflict(find(conn, id).map(|current| current.version)))
}

/// Publishes every scheduled article that is due, in one statement, and returns them. With
/// several processes on one database each article is claimed by exactly one of them. One still
/// under an embargo is left scheduled (see [`super::embargoes::held_back`]).
pub fn publish_due(conn: &mut DbConn, now: NaiveDateTime) -> StoreResult<Vec<ArticleRow>> {
    Ok(diesel::update(articles::table)
        .filter(articles::status.eq(ArticleStatus::Scheduled.as_str()))
        .filter(articles::published_at.le(now))
        .filter(articles::trashed_at.is_null())
        .filter(articles::embargo_until.is_null().or(articles::embargo_until.le(now)))
        .set((
            articles::status.eq(ArticleStatus::Published.as_str()),
            articles::version.eq(articles::version + 1),
            articles::updated_at.eq(now),
        ))
        .returning(articles::all_columns)
        .get_results(conn)?)
}

/// Deletes an article for good (from the trash).
pub fn purge(conn: &mut DbConn, id: &str) -> StoreResult<()> {
    let deleted = diesel::delete(articles::table.filter(articles::id.eq(id))).execute(conn)?;
    if deleted == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use diesel::pg::Pg;
    use diesel::sqlite::Sqlite;

    use super::*;

    /// The lifecycle `UPDATE` is kept prepared by its text, so its text must not depend on the
    /// values: with dates or without, it is one statement.
    #[test]
    fn the_lifecycle_update_has_one_text() {
        let at = chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("a time").naive_utc();
        let dated = Lifecycle { status: ArticleStatus::Published, published_at: Some(at), trashed_at: Some(at) };
        let undated = Lifecycle { status: ArticleStatus::Draft, published_at: None, trashed_at: None };
        let texts = |to: &Lifecycle| {
            let statement = lifecycle_update("a", 1, to, at);
            let without_binds = |sql: String| sql.split(" -- binds").next().unwrap_or_default().to_owned();
            (
                without_binds(diesel::debug_query::<Sqlite, _>(&statement).to_string()),
                without_binds(diesel::debug_query::<Pg, _>(&statement).to_string()),
            )
        };
        let (sqlite, postgres) = texts(&dated);
        assert!(sqlite.starts_with("UPDATE") && postgres.starts_with("UPDATE"), "{sqlite}\n{postgres}");
        assert_eq!(texts(&undated), (sqlite, postgres));
    }
}
