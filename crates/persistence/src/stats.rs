//! Counts an operator watches (read when metrics are scraped).

use diesel::prelude::*;
use newsdesk_domain::ArticleStatus;

use crate::error::StoreResult;
use crate::schema::articles;
use crate::DbConn;

/// Scheduled articles not yet published (the scheduler's queue), due or not.
pub fn scheduled_queue_depth(conn: &mut DbConn) -> StoreResult<i64> {
    Ok(articles::table
        .filter(articles::status.eq(ArticleStatus::Scheduled.as_str()))
        .filter(articles::trashed_at.is_null())
        .count()
        .get_result(conn)?)
}
