//! The audit log: who did what to which resource, when, from where.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::audit_log;
use crate::{Db, DbConn, Page, PageRequest, StoreResult};

/// One entry, as written and as read back: the log has no column the database fills in.
#[derive(Debug, Clone, Queryable, Insertable)]
// None is written as NULL, not DEFAULT (the columns have no default): on PostgreSQL diesel
// prepares an INSERT that may write DEFAULT afresh every time, a parse and a plan per write.
#[diesel(table_name = audit_log, treat_none_as_default_value = false)]
pub struct AuditRow {
    pub id: String,
    pub at: NaiveDateTime,
    pub actor_type: String,
    pub actor_id: Option<String>,
    pub actor_label: Option<String>,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub request_id: Option<String>,
    pub client_ip: Option<String>,
    pub detail: Option<String>,
}

/// The entry [`insert`] writes, which is the row a read returns.
pub type NewAuditRow = AuditRow;

pub fn insert(conn: &mut DbConn, row: &NewAuditRow) -> StoreResult<()> {
    diesel::insert_into(audit_log::table).values(row).execute(conn)?;
    Ok(())
}

/// What the audit list keeps.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub target: Option<String>,
    pub since: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
}

fn filtered(filter: &AuditFilter) -> audit_log::BoxedQuery<'static, Db> {
    let mut query = audit_log::table.into_boxed::<Db>();
    if let Some(actor) = &filter.actor {
        query = query.filter(audit_log::actor_id.eq(actor.clone()));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_log::action.eq(action.clone()));
    }
    if let Some(target) = &filter.target {
        query = query.filter(audit_log::target_id.eq(target.clone()));
    }
    if let Some(since) = filter.since {
        query = query.filter(audit_log::at.ge(since));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_log::at.lt(until));
    }
    query
}

/// Newest first.
pub fn list(conn: &mut DbConn, filter: &AuditFilter, page: PageRequest) -> StoreResult<Page<AuditRow>> {
    let total = filtered(filter).count().get_result::<i64>(conn)?;
    let items = filtered(filter)
        .order((audit_log::at.desc(), audit_log::id.desc()))
        .limit(page.limit)
        .offset(page.offset)
        .load(conn)?;
    Ok(Page { items, total })
}

/// When anything last changed: every write is audited, so the newest entry dates the content
/// (conservatively: logins count too). Used for `Last-Modified`.
pub fn last_change(conn: &mut DbConn) -> StoreResult<Option<NaiveDateTime>> {
    Ok(audit_log::table.select(diesel::dsl::max(audit_log::at)).first(conn)?)
}

/// [`last_change`] as a scalar subquery, to read it in the same statement (and snapshot) as
/// what it dates: on PostgreSQL each statement is a round trip.
pub(crate) fn last_change_subquery() -> LastChange {
    audit_log::table.select(diesel::dsl::max(audit_log::at)).single_value()
}

pub(crate) type LastChange =
    diesel::dsl::SingleValue<diesel::dsl::Select<audit_log::table, diesel::helper_types::max<audit_log::at>>>;
