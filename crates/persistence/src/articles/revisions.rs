//! Revisions: a full snapshot of an article after every change, who made it and what changed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::article_revisions;
use crate::{DbConn, Page, PageRequest, StoreResult};

/// One revision, as written and as read back: the table has no column the database fills in.
#[derive(Debug, Clone, Queryable, Insertable)]
// None is written as NULL, not DEFAULT (the columns have no default): on PostgreSQL diesel
// prepares an INSERT that may write DEFAULT afresh every time, a parse and a plan per write.
#[diesel(table_name = article_revisions, treat_none_as_default_value = false)]
pub struct RevisionRow {
    pub id: String,
    pub article_id: String,
    pub version: i64,
    pub action: String,
    /// JSON array of field names.
    pub changed_fields: String,
    /// JSON object: the article's columns and relations as they stood.
    pub snapshot: String,
    pub actor_id: Option<String>,
    pub actor_name: Option<String>,
    pub created_at: NaiveDateTime,
    /// What the writer is told with the change: a return's reason.
    pub note: Option<String>,
}

/// The revision [`insert`] writes, which is the row a read returns.
pub type NewRevision = RevisionRow;

pub fn insert(conn: &mut DbConn, row: &NewRevision) -> StoreResult<()> {
    diesel::insert_into(article_revisions::table).values(row).execute(conn)?;
    Ok(())
}

/// The newest revision of an article, to diff the next one against.
pub fn latest(conn: &mut DbConn, article_id: &str) -> StoreResult<Option<RevisionRow>> {
    Ok(article_revisions::table
        .filter(article_revisions::article_id.eq(article_id))
        .order((article_revisions::created_at.desc(), article_revisions::id.desc()))
        .first(conn)
        .optional()?)
}

/// An article's revisions, newest first.
pub fn list(conn: &mut DbConn, article_id: &str, page: PageRequest) -> StoreResult<Page<RevisionRow>> {
    let total = article_revisions::table
        .filter(article_revisions::article_id.eq(article_id))
        .count()
        .get_result::<i64>(conn)?;
    let items = article_revisions::table
        .filter(article_revisions::article_id.eq(article_id))
        .order((article_revisions::created_at.desc(), article_revisions::id.desc()))
        .limit(page.limit)
        .offset(page.offset)
        .load(conn)?;
    Ok(Page { items, total })
}

pub fn find(conn: &mut DbConn, article_id: &str, id: &str) -> StoreResult<RevisionRow> {
    Ok(article_revisions::table
        .filter(article_revisions::article_id.eq(article_id))
        .filter(article_revisions::id.eq(id))
        .first(conn)?)
}

#[cfg(test)]
mod tests {
    use diesel::pg::Pg;
    use diesel::query_builder::QueryFragment;
    use diesel::sqlite::Sqlite;

    use super::*;
    use crate::audit::NewAuditRow;
    use crate::schema::audit_log;
    use crate::Db;

    /// Every write to an article inserts a revision and an audit row. With a missing field
    /// written as DEFAULT, diesel would prepare them again on every write on PostgreSQL.
    #[test]
    fn revision_and_audit_inserts_are_kept_prepared() {
        let at = chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("a time").naive_utc();
        let revision = NewRevision {
            id: "r".into(),
            article_id: "a".into(),
            version: 1,
            action: "create".into(),
            changed_fields: "[]".into(),
            snapshot: "{}".into(),
            actor_id: None,
            actor_name: None,
            created_at: at,
            note: None,
        };
        let audit = NewAuditRow {
            id: "e".into(),
            at,
            actor_type: "system".into(),
            actor_id: None,
            actor_label: None,
            action: "article.create".into(),
            target_type: None,
            target_id: None,
            request_id: None,
            client_ip: None,
            detail: None,
        };
        let revision = diesel::insert_into(article_revisions::table).values(&revision);
        let audit = diesel::insert_into(audit_log::table).values(&audit);
        for (name, backend) in [("SQLite", Db::Sqlite(Sqlite)), ("PostgreSQL", Db::Postgres(Pg))] {
            assert!(QueryFragment::<Db>::is_safe_to_cache_prepared(&revision, &backend).expect("walks"), "{name}");
            assert!(QueryFragment::<Db>::is_safe_to_cache_prepared(&audit, &backend).expect("walks"), "{name}");
        }
    }
}
