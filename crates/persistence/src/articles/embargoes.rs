//! Embargoed articles: the desk's feed of those waiting for their embargo to end, and the
//! scheduled ones the scheduler holds back.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use newsdesk_domain::ArticleStatus;

use super::listing::columns;
use super::{ArticleFilter, ArticleRow};
use crate::schema::articles;
use crate::{Db, DbConn, Page, PageRequest, StoreResult};

/// Articles out of the trash whose embargo ends after `now`, the soonest end first (then by
/// id), without their bodies; one page of them and how many there are.
pub fn upcoming(conn: &mut DbConn, now: NaiveDateTime, page: PageRequest) -> StoreResult<Page<ArticleRow>> {
    let embargoed = || {
        articles::table
            .filter(articles::embargo_until.gt(now))
            .filter(articles::trashed_at.is_null())
            .into_boxed::<Db>()
    };
    let total = embargoed().count().get_result::<i64>(conn)?;
    let cards = ArticleFilter { without_bodies: true, ..ArticleFilter::default() };
    let items = columns(embargoed(), &cards)
        .order((articles::embargo_until.asc(), articles::id.asc()))
        .limit(page.limit)
        .offset(page.offset)
        .load::<ArticleRow>(conn)?;
    Ok(Page { items, total })
}

/// Scheduled articles due at `now` that an embargo still holds back, with the embargo's end.
/// Publishing and scheduling refuse to make one, so this finds only what was written around
/// them (by hand in the database, say).
pub fn held_back(conn: &mut DbConn, now: NaiveDateTime) -> StoreResult<Vec<(String, Option<NaiveDateTime>)>> {
    Ok(articles::table
        .filter(articles::status.eq(ArticleStatus::Scheduled.as_str()))
        .filter(articles::published_at.le(now))
        .filter(articles::trashed_at.is_null())
        .filter(articles::embargo_until.gt(now))
        .select((articles::id, articles::embargo_until))
        .load(conn)?)
}
