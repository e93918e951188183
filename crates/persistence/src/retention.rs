//! Pruning what would otherwise grow forever: old revisions past a cap per article, old audit
//! entries, finished webhook deliveries and their events, expired refresh tokens, and daily
//! view rows (folded into an all-time row, so no view is lost).
//!
//! Every delete here is bounded (`BATCH` rows, one article, or one day of views), so the caller
//! runs each in a short transaction of its own and SQLite's single writer is never held long.
//! Each delete repeats its condition, so a row that changed since it was picked (a delivery
//! sent again, an event given a new delivery) stays.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamp};

use crate::schema::{article_revisions, article_views, audit_log, refresh_tokens};
use crate::webhooks::{webhook_deliveries, webhook_events};
use crate::{DbConn, StoreResult};

/// Rows one delete removes at most.
pub const BATCH: i64 = 2_000;

/// Articles one look for revisions over the cap returns at most.
pub const ARTICLES_PER_LOOK: i64 = 200;

/// The day folded view counts are kept under. The most-viewed windows of a day, week or month
/// never reach it; "all time" sums it with the rest.
pub fn all_time_day() -> NaiveDateTime {
    chrono::DateTime::UNIX_EPOCH.naive_utc()
}

/// Articles after `after` (in id order) holding more than `keep` revisions, at most
/// [`ARTICLES_PER_LOOK`] of them: a pass walks the index once, resuming where it stopped.
pub fn articles_over_revision_cap(conn: &mut DbConn, after: &str, keep: i64) -> StoreResult<Vec<String>> {
    Ok(article_revisions::table
        .filter(article_revisions::article_id.gt(after))
        .group_by(article_revisions::article_id)
        .having(diesel::dsl::count_star().gt(keep))
        .select(article_revisions::article_id)
        .order(article_revisions::article_id)
        .limit(ARTICLES_PER_LOOK)
        .load(conn)?)
}

/// Deletes an article's revisions past its `keep` newest; says how many went.
pub fn trim_revisions(conn: &mut DbConn, article_id: &str, keep: i64) -> StoreResult<usize> {
    let older: Vec<String> = article_revisions::table
        .filter(article_revisions::article_id.eq(article_id))
        .order((article_revisions::created_at.desc(), article_revisions::id.desc()))
        .offset(keep)
        .limit(BATCH)
        .select(article_revisions::id)
        .load(conn)?;
    Ok(diesel::delete(article_revisions::table.filter(article_revisions::id.eq_any(older))).execute(conn)?)
}

/// Deletes up to [`BATCH`] audit entries from before `cutoff`.
pub fn audit_before(conn: &mut DbConn, cutoff: NaiveDateTime) -> StoreResult<usize> {
    let old: Vec<String> =
        audit_log::table.filter(audit_log::at.lt(cutoff)).select(audit_log::id).limit(BATCH).load(conn)?;
    Ok(diesel::delete(audit_log::table.filter(audit_log::id.eq_any(old))).execute(conn)?)
}

/// Deletes up to [`BATCH`] deliveries that finished (delivered or failed) before `cutoff`,
/// with their attempts (by the foreign key's cascade). Pending ones are never touched.
pub fn deliveries_before(conn: &mut DbConn, cutoff: NaiveDateTime) -> StoreResult<usize> {
    let old = webhook_deliveries::table
        .filter(webhook_deliveries::state.eq_any(["delivered", "failed"]))
        .filter(webhook_deliveries::finished_at.lt(cutoff))
        .select(webhook_deliveries::id)
        .limit(BATCH)
        .load::<String>(conn)?;
    let finished = webhook_deliveries::state.eq_any(["delivered", "failed"]);
    Ok(diesel::delete(webhook_deliveries::table.filter(webhook_deliveries::id.eq_any(old)).filter(finished))
        .execute(conn)?)
}

/// Deletes up to [`BATCH`] events from before `cutoff` that no delivery refers to any more.
pub fn events_before(conn: &mut DbConn, cutoff: NaiveDateTime) -> StoreResult<usize> {
    let referred = webhook_deliveries::table
        .filter(webhook_deliveries::event_id.eq(webhook_events::id))
        .select(webhook_deliveries::id);
    let unreferred = || diesel::dsl::not(diesel::dsl::exists(referred));
    let old: Vec<String> = webhook_events::table
        .filter(webhook_events::created_at.lt(cutoff))
        .filter(unreferred())
        .select(webhook_events::id)
        .limit(BATCH)
        .load(conn)?;
    Ok(diesel::delete(webhook_events::table.filter(webhook_events::id.eq_any(old)).filter(unreferred()))
        .execute(conn)?)
}

/// Deletes up to [`BATCH`] refresh tokens that expired before `cutoff` (spent or not: an
/// expired token is refused either way).
pub fn refresh_tokens_before(conn: &mut DbConn, cutoff: NaiveDateTime) -> StoreResult<usize> {
    let old: Vec<String> = refresh_tokens::table
        .filter(refresh_tokens::expires_at.lt(cutoff))
        .select(refresh_tokens::token_hash)
        .limit(BATCH)
        .load(conn)?;
    Ok(diesel::delete(refresh_tokens::table.filter(refresh_tokens::token_hash.eq_any(old))).execute(conn)?)
}

/// The oldest day of views from before `cutoff` not yet folded, if any.
pub fn oldest_daily_views_before(conn: &mut DbConn, cutoff: NaiveDateTime) -> StoreResult<Option<NaiveDateTime>> {
    Ok(article_views::table
        .filter(article_views::day.lt(cutoff))
        .filter(article_views::day.gt(all_time_day()))
        .select(diesel::dsl::min(article_views::day))
        .first::<Option<NaiveDateTime>>(conn)?)
}

/// Folds one day's view rows into each article's all-time row, in the caller's transaction;
/// says how many daily rows went. Every window that does not reach back to `day` keeps its
/// totals exactly.
pub fn fold_views_of(conn: &mut DbConn, day: NaiveDateTime) -> StoreResult<usize> {
    let all_time = all_time_day();
    // The sum and the delete see the same rows: on PostgreSQL one statement does both (two
    // processes folding at once cannot count a row twice), on SQLite the write lock is held.
    let folded = match conn {
        DbConn::Postgres(pg) => {
            diesel::sql_query(
                "WITH moved AS (DELETE FROM article_views WHERE day = $1 RETURNING article_id, views), \
             inserted AS (INSERT INTO article_views (article_id, day, views) \
               SELECT article_id, $2, views FROM moved \
               ON CONFLICT (article_id, day) DO UPDATE SET views = article_views.views + excluded.views) \
             SELECT COUNT(*) AS n FROM moved",
            )
            .bind::<Timestamp, _>(day)
            .bind::<Timestamp, _>(all_time)
            .get_result::<Count>(pg)?
            .n
        }
        DbConn::Sqlite(lite) => {
            diesel::sql_query(
                "INSERT INTO article_views (article_id, day, views) \
                 SELECT article_id, ?2, views FROM article_views WHERE day = ?1 \
                 ON CONFLICT (article_id, day) DO UPDATE SET views = article_views.views + excluded.views",
            )
            .bind::<Timestamp, _>(day)
            .bind::<Timestamp, _>(all_time)
            .execute(lite)?;
            let moved = diesel::delete(article_views::table.filter(article_views::day.eq(day))).execute(lite)?;
            i64::try_from(moved).unwrap_or(i64::MAX)
        }
    };
    Ok(usize::try_from(folded).unwrap_or(usize::MAX))
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}
