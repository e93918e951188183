//! View counts per article per day, written in batches from the in-memory beacon buffer.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use diesel::upsert::excluded;
use newsdesk_domain::ArticleStatus;

use crate::articles::ArticleRow;
use crate::database::execute_on_backend;
use crate::schema::{article_tags, article_views, articles, sections, tags};
use crate::{DbConn, StoreResult};

/// Adds counted views: one upsert per (article, day) in the batch, all in the caller's transaction.
pub fn add(conn: &mut DbConn, batch: &[(String, NaiveDateTime, i64)]) -> StoreResult<()> {
    // Views of an article purged since they were counted are dropped, not retried forever.
    let ids: Vec<String> = batch.iter().map(|(id, _, _)| id.clone()).collect();
    let live = crate::articles::existing_ids(conn, &ids)?;
    let batch: Vec<_> = batch.iter().filter(|(id, _, _)| live.contains(id)).collect();
    // diesel's upsert is backend-specific, so each runs on the backend's own connection.
    for (article_id, day, views) in &batch {
        let upsert = diesel::insert_into(article_views::table)
            .values((
                article_views::article_id.eq(article_id),
                article_views::day.eq(day),
                article_views::views.eq(views),
            ))
            .on_conflict((article_views::article_id, article_views::day))
            .do_update()
            .set(article_views::views.eq(article_views::views + excluded(article_views::views)));
        execute_on_backend(conn, upsert)?;
    }
    Ok(())
}

/// `SUM` of a BIGINT is NUMERIC on PostgreSQL; cast it back so both backends return a BigInt.
fn total_views() -> crate::fixed_sql::FixedSql<BigInt> {
    crate::fixed_sql::fixed_sql("CAST(SUM(article_views.views) AS BIGINT)")
}

/// Published articles ranked by views since `since` (all time when `None`), optionally in one
/// section or with one tag: two statements whatever the limit. The rows come without their
/// bodies: they are shown as cards.
pub fn most_viewed(
    conn: &mut DbConn,
    since: Option<NaiveDateTime>,
    section: Option<&str>,
    tag: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<(ArticleRow, i64)>> {
    let mut ranked = article_views::table
        .inner_join(articles::table)
        .filter(articles::status.eq(ArticleStatus::Published.as_str()))
        .group_by(article_views::article_id)
        .select((article_views::article_id, total_views()))
        .order((total_views().desc(), article_views::article_id.desc()))
        .limit(limit)
        .into_boxed::<crate::Db>();
    if let Some(since) = since {
        ranked = ranked.filter(article_views::day.ge(since));
    }
    if let Some(slug) = section {
        let ids = sections::table.filter(sections::slug.eq(slug.to_owned())).select(sections::id.nullable());
        ranked = ranked.filter(articles::section_id.eq_any(ids));
    }
    if let Some(slug) = tag {
        let ids = article_tags::table
            .inner_join(tags::table)
            .filter(tags::slug.eq(slug.to_owned()))
            .select(article_tags::article_id);
        ranked = ranked.filter(articles::id.eq_any(ids));
    }
    let ranked: Vec<(String, i64)> = ranked.load(conn)?;
    let ids: Vec<String> = ranked.iter().map(|(id, _)| id.clone()).collect();
    let mut rows = crate::articles::cards_by_id(conn, &ids)?;
    Ok(ranked.into_iter().filter_map(|(id, views)| rows.remove(&id).map(|row| (row, views))).collect())
}
