//! Edit locks: one lease per article, held by one user until it expires. A lease past its
//! expiry counts for nothing (no sweeper is needed); every statement that takes one is a single
//! conditional write, so two server processes on one database never both hold it.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::upsert::excluded;

use crate::database::execute_on_backend;
use crate::schema::{article_locks, users};
use crate::stored_time::StoredTime;
use crate::{DbConn, StoreResult};

/// A live lease, with its holder's name.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct LockRow {
    pub article_id: String,
    pub holder_id: String,
    pub holder_name: String,
    #[diesel(deserialize_as = StoredTime)]
    pub taken_at: NaiveDateTime,
    #[diesel(deserialize_as = StoredTime)]
    pub expires_at: NaiveDateTime,
}

/// Takes the lease on `article_id` for `holder` until `until`, or renews it when `holder`
/// already holds it. One statement: the insert wins when there is no row, the update only when
/// the row's lease has expired or is the holder's own, so of two processes racing exactly one
/// gets a row written. Returns whether `holder` now holds the lease.
pub fn acquire(
    conn: &mut DbConn,
    article_id: &str,
    holder: &str,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> StoreResult<bool> {
    use article_locks::dsl as l;
    // A renewal keeps when the lease was first taken; a lease taken afresh starts now.
    let taken_at = diesel::dsl::case_when(l::holder_id.eq(holder).and(l::expires_at.gt(now)), l::taken_at)
        .otherwise(excluded(l::taken_at));
    let upsert = diesel::insert_into(article_locks::table)
        .values((l::article_id.eq(article_id), l::holder_id.eq(holder), l::taken_at.eq(now), l::expires_at.eq(until)))
        .on_conflict(l::article_id)
        .do_update()
        .set((
            l::holder_id.eq(excluded(l::holder_id)),
            l::taken_at.eq(taken_at),
            l::expires_at.eq(excluded(l::expires_at)),
        ));
    // `ON CONFLICT … DO UPDATE … WHERE`: the upsert's own filter, not the query's.
    let upsert =
        diesel::query_dsl::methods::FilterDsl::filter(upsert, l::expires_at.le(now).or(l::holder_id.eq(holder)));
    Ok(execute_on_backend(conn, upsert)? == 1)
}

/// Hands the lease on `article_id` from `from` to `holder` until `until`, if `from` still holds
/// it (expired or not): a compare-and-swap, so two takeovers of one lease cannot both win.
pub fn hand_over(
    conn: &mut DbConn,
    article_id: &str,
    from: &str,
    holder: &str,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> StoreResult<bool> {
    use article_locks::dsl as l;
    let updated =
        diesel::update(article_locks::table.filter(l::article_id.eq(article_id)).filter(l::holder_id.eq(from)))
            .set((l::holder_id.eq(holder), l::taken_at.eq(now), l::expires_at.eq(until)))
            .execute(conn)?;
    Ok(updated == 1)
}

/// Ends `holder`'s lease on `article_id`, live or expired. Returns whether there was one.
pub fn release(conn: &mut DbConn, article_id: &str, holder: &str) -> StoreResult<bool> {
    use article_locks::dsl as l;
    let deleted =
        diesel::delete(article_locks::table.filter(l::article_id.eq(article_id)).filter(l::holder_id.eq(holder)))
            .execute(conn)?;
    Ok(deleted == 1)
}

/// The live lease on `article_id` at `now`, if any.
pub fn live(conn: &mut DbConn, article_id: &str, now: NaiveDateTime) -> StoreResult<Option<LockRow>> {
    Ok(live_on(conn, &[article_id.to_owned()], now)?.remove(article_id))
}

/// The live leases on `article_ids` at `now`, by article: one statement for a whole page.
pub fn live_on(conn: &mut DbConn, article_ids: &[String], now: NaiveDateTime) -> StoreResult<HashMap<String, LockRow>> {
    use article_locks::dsl as l;
    if article_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<LockRow> = article_locks::table
        .inner_join(users::table)
        .filter(crate::any_of::any_of(l::article_id, article_ids))
        .filter(l::expires_at.gt(now))
        .select((l::article_id, l::holder_id, users::name, l::taken_at, l::expires_at))
        .load(conn)?;
    Ok(rows.into_iter().map(|row| (row.article_id.clone(), row)).collect())
}
