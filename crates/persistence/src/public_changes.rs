//! The log of changes the public can see, in commit order: what `GET /v1/changes` streams, and
//! what a reader that reconnects is sent again. Kept for [`KEEP_DAYS`].

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::{DbConn, StoreResult};

/// How long a change stays in the log: a reader away longer is told to start over.
pub const KEEP_DAYS: i64 = 7;

// Not in the shared schema: nothing joins it.
diesel::table! {
    public_changes (seq) {
        seq -> BigInt,
        at -> Timestamp,
        kind -> Text,
        article_id -> Text,
        slug -> Text,
        version -> BigInt,
    }
}

/// One public change as logged.
#[derive(Debug, Clone, Queryable)]
pub struct PublicChangeRow {
    pub seq: i64,
    #[diesel(deserialize_as = crate::stored_time::StoredTime)]
    pub at: NaiveDateTime,
    pub kind: String,
    pub article_id: String,
    pub slug: String,
    pub version: i64,
}

/// A change to log, from inside the write's transaction.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = public_changes)]
pub struct NewPublicChange {
    pub at: NaiveDateTime,
    pub kind: &'static str,
    pub article_id: String,
    pub slug: String,
    pub version: i64,
}

/// The advisory lock key PostgreSQL writers of the log take ("newsdesk" in ASCII, truncated).
const ORDER_LOCK: i64 = 0x6e65_7773_6465_736b;

/// Logs `changes`, as the last statement of the write's transaction. On PostgreSQL the writers
/// of the log take turns from here to their commit, so a sequence number is never visible
/// before a smaller one: a reader that resumes after `seq` must not skip one that committed
/// later. Taken last, the turn never waits while holding a row lock another writer wants, so
/// it cannot deadlock; and it is held only for the commit. (SQLite has one writer anyway.)
pub fn insert_at_commit(conn: &mut DbConn, changes: &[NewPublicChange]) -> StoreResult<()> {
    if changes.is_empty() {
        return Ok(());
    }
    if let DbConn::Postgres(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)").bind::<BigInt, _>(ORDER_LOCK).execute(pg)?;
    }
    // One by one: a write logs one change, a bulk action at most a page of them.
    for change in changes {
        diesel::insert_into(public_changes::table).values(change).execute(conn)?;
    }
    Ok(())
}

/// Up to `limit` changes after `after`, oldest first.
pub fn after(conn: &mut DbConn, after: i64, limit: i64) -> StoreResult<Vec<PublicChangeRow>> {
    Ok(public_changes::table
        .filter(public_changes::seq.gt(after))
        .order(public_changes::seq.asc())
        .limit(limit)
        .load(conn)?)
}

/// The first and last sequence numbers the log holds, if it holds any.
pub fn bounds(conn: &mut DbConn) -> StoreResult<Option<(i64, i64)>> {
    let (first, last) = public_changes::table
        .select((diesel::dsl::min(public_changes::seq), diesel::dsl::max(public_changes::seq)))
        .first::<(Option<i64>, Option<i64>)>(conn)?;
    Ok(first.zip(last))
}

/// Drops up to [`crate::retention::BATCH`] changes logged before `cutoff`; returns how many.
pub fn prune(conn: &mut DbConn, cutoff: NaiveDateTime) -> StoreResult<usize> {
    let old: Vec<i64> = public_changes::table
        .filter(public_changes::at.lt(cutoff))
        .order(public_changes::seq.asc())
        .select(public_changes::seq)
        .limit(crate::retention::BATCH)
        .load(conn)?;
    Ok(diesel::delete(public_changes::table.filter(public_changes::seq.eq_any(old))).execute(conn)?)
}
